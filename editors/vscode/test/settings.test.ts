import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import {
  diagnosticPullOptions,
  Environment,
  initializationOptions,
  missingServerMessage,
  readSettings,
  resolveServerCommand,
} from "../src/settings";

function env(executables: string[], overrides: Partial<Environment> = {}): Environment {
  return {
    platform: "linux",
    pathVariable: "/usr/local/bin:/usr/bin",
    workspaceFolders: ["/ws"],
    trusted: true,
    isExecutable: (file) => executables.includes(file),
    ...overrides,
  };
}

test("VS Code settings become the contract's camelCase initializationOptions", () => {
  const values: Record<string, unknown> = {
    "diagnostics.on": "change",
    "diagnostics.debounceMs": 120,
    "hover.maxExamples": 5,
    "trace.server": "verbose",
  };
  const settings = readSettings({ get: <T>(key: string) => values[key] as T });
  assert.deepEqual(initializationOptions(settings), {
    diagnostics: { on: "change", debounceMs: 120 },
    hover: { maxExamples: 5 },
    log: { level: "debug" },
  });
});

test("unset or invalid settings fall back to the server's defaults", () => {
  assert.deepEqual(initializationOptions({ diagnosticsOn: "sometimes", debounceMs: -1, maxExamples: Number.NaN }), {
    diagnostics: { on: "save", debounceMs: 300 },
    hover: { maxExamples: 3 },
    log: { level: "info" },
  });
});

test("drift.server.path runs `drift lsp` with the extra arguments", () => {
  const command = resolveServerCommand({ serverPath: "/opt/drift", serverArgs: ["--stdio"] }, env(["/opt/drift"]));
  assert.deepEqual(command, { command: "/opt/drift", args: ["lsp", "--stdio"] });
});

test("drift.server.python runs `python -m drift_lsp`", () => {
  const command = resolveServerCommand({ serverPython: "/usr/bin/python3", serverArgs: ["--stdio"] }, env([]));
  assert.deepEqual(command, { command: "/usr/bin/python3", args: ["-m", "drift_lsp", "--stdio"] });
});

test("the workspace virtualenv wins over PATH", () => {
  const venvDrift = path.join("/ws", ".venv", "bin", "drift");
  const command = resolveServerCommand({}, env([venvDrift, "/usr/bin/drift"]));
  assert.deepEqual(command, { command: venvDrift, args: ["lsp"] });
});

test("`venv` and PATH are searched too", () => {
  const venvDrift = path.join("/ws", "venv", "bin", "drift");
  assert.equal(resolveServerCommand({}, env([venvDrift]))?.command, venvDrift);
  assert.equal(resolveServerCommand({}, env(["/usr/bin/drift"]))?.command, "/usr/bin/drift");
});

test("no server anywhere, or a wrong drift.server.path, gives no command and a message naming the settings", () => {
  assert.equal(resolveServerCommand({}, env([])), undefined);
  assert.equal(resolveServerCommand({ serverPath: "/nope/drift" }, env(["/usr/bin/drift"])), undefined);
  assert.match(missingServerMessage({}), /drift\.server\.path.*drift\.server\.python/);
  assert.match(missingServerMessage({ serverPath: "/nope/drift" }), /\/nope\/drift/);
});

test("an untrusted workspace runs no drift found inside it, only one from outside on PATH", () => {
  const inside = [path.join("/ws", ".venv", "bin", "drift"), path.join("/ws", "venv", "bin", "drift"), "/ws/tools/drift"];
  const untrusted = { trusted: false, pathVariable: "/ws/tools:.:bin:/usr/bin" };
  assert.equal(resolveServerCommand({}, env([...inside, "drift", "bin/drift"], untrusted)), undefined);
  assert.equal(resolveServerCommand({}, env([...inside, "/usr/bin/drift"], untrusted))?.command, "/usr/bin/drift");
  assert.match(missingServerMessage({}, false), /not trusted.*drift\.server\.path/);
});

test("diagnostics are pulled after every save, and while typing only when asked for", () => {
  assert.deepEqual(diagnosticPullOptions({}), { onSave: true, onChange: false });
  assert.deepEqual(diagnosticPullOptions({ diagnosticsOn: "change" }), { onSave: true, onChange: true });
});
