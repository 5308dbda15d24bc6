import * as path from "node:path";

/** The `drift` settings section as VS Code hands it over (unset values are undefined). */
export interface DriftSettings {
  enable?: boolean;
  serverPath?: string;
  serverPython?: string;
  serverArgs?: string[];
  diagnosticsOn?: string;
  debounceMs?: number;
  maxExamples?: number;
  trace?: string;
}

/** What the server expects in initializationOptions and `workspace/configuration` (contract D). */
export interface InitializationOptions {
  diagnostics: { on: "save" | "change"; debounceMs: number };
  hover: { maxExamples: number };
  log: { level: "info" | "debug" };
}

export interface ServerCommand {
  command: string;
  args: string[];
}

interface SettingsReader {
  get<T>(key: string): T | undefined;
}

export function readSettings(config: SettingsReader): DriftSettings {
  return {
    enable: config.get<boolean>("enable"),
    serverPath: config.get<string>("server.path"),
    serverPython: config.get<string>("server.python"),
    serverArgs: config.get<string[]>("server.args"),
    diagnosticsOn: config.get<string>("diagnostics.on"),
    debounceMs: config.get<number>("diagnostics.debounceMs"),
    maxExamples: config.get<number>("hover.maxExamples"),
    trace: config.get<string>("trace.server"),
  };
}

export function initializationOptions(settings: DriftSettings): InitializationOptions {
  return {
    diagnostics: {
      on: settings.diagnosticsOn === "change" ? "change" : "save",
      debounceMs: nonNegative(settings.debounceMs, 300),
    },
    hover: { maxExamples: nonNegative(settings.maxExamples, 3) },
    // A verbose trace is asked for while debugging, so the server logs in detail too.
    log: { level: settings.trace === "verbose" ? "debug" : "info" },
  };
}

/**
 * When the client asks for diagnostics (pull model): after every save, and while typing too
 * when the user chose `drift.diagnostics.on: change`; the server checks on the same events.
 */
export function diagnosticPullOptions(settings: DriftSettings): { onSave: boolean; onChange: boolean } {
  return { onSave: true, onChange: settings.diagnosticsOn === "change" };
}

function nonNegative(value: number | undefined, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}

/** Where to look for things on disk; injected so tests don't depend on the machine. */
export interface Environment {
  platform: NodeJS.Platform;
  pathVariable: string;
  workspaceFolders: string[];
  /** VS Code's workspace trust: in an untrusted workspace nothing inside it is executed. */
  trusted: boolean;
  isExecutable(file: string): boolean;
}

function executableName(env: Environment, name: string): string {
  return env.platform === "win32" ? `${name}.exe` : name;
}

function venvCandidates(env: Environment, name: string): string[] {
  const bin = env.platform === "win32" ? "Scripts" : "bin";
  return env.workspaceFolders.flatMap((folder) =>
    [".venv", "venv"].map((venv) => path.join(folder, venv, bin, executableName(env, name))),
  );
}

function pathCandidates(env: Environment, name: string): string[] {
  const separator = env.platform === "win32" ? ";" : ":";
  return env.pathVariable
    .split(separator)
    .filter((dir) => dir.length > 0)
    .map((dir) => path.join(dir, executableName(env, name)));
}

function insideWorkspace(env: Environment, file: string): boolean {
  return env.workspaceFolders.some((folder) => {
    const relative = path.relative(folder, file);
    return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
  });
}

/**
 * The command that starts the server, or undefined when none can be found.
 * Order: drift.server.path, drift.server.python, `drift` in a workspace virtualenv, `drift` on PATH.
 * In an untrusted workspace a hostile repository must not get its code run by opening it: the
 * workspace's virtualenvs are not searched, and neither a relative PATH entry nor one inside the
 * workspace counts. (VS Code itself ignores workspace values of the drift.server.* settings
 * there, as package.json's `restrictedConfigurations` asks.)
 */
export function resolveServerCommand(settings: DriftSettings, env: Environment): ServerCommand | undefined {
  const extra = settings.serverArgs ?? [];
  const explicitPath = settings.serverPath?.trim();
  if (explicitPath) {
    return env.isExecutable(explicitPath) ? { command: explicitPath, args: ["lsp", ...extra] } : undefined;
  }
  const python = settings.serverPython?.trim();
  if (python) {
    return { command: python, args: ["-m", "drift_lsp", ...extra] };
  }
  const candidates = env.trusted
    ? [...venvCandidates(env, "drift"), ...pathCandidates(env, "drift")]
    : pathCandidates(env, "drift").filter((file) => path.isAbsolute(file) && !insideWorkspace(env, file));
  const found = candidates.find((file) => env.isExecutable(file));
  return found ? { command: found, args: ["lsp", ...extra] } : undefined;
}

export function missingServerMessage(settings: DriftSettings, trusted = true): string {
  if (settings.serverPath?.trim()) {
    return `Drift: the server at drift.server.path (${settings.serverPath}) is not an executable file.`;
  }
  if (!trusted) {
    return (
      "Drift: this workspace is not trusted, so Drift runs no drift found inside it. Trust the " +
      "workspace, put drift on PATH, or set drift.server.path in your user settings."
    );
  }
  return (
    "Drift: no language server found. Install Drift (pip install drift-lsp) into the workspace's " +
    ".venv or onto PATH, or set drift.server.path (a drift executable) or drift.server.python " +
    "(an interpreter with drift_lsp installed)."
  );
}
