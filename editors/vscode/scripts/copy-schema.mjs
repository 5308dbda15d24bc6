// Copies the server's drift.config.json schema into the extension so there is one source of truth.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, "..", "..", "..", "drift_lsp", "analysis", "schema", "drift.config.schema.json");
const target = join(here, "..", "schemas", "drift.config.schema.json");
mkdirSync(dirname(target), { recursive: true });
copyFileSync(source, target);
