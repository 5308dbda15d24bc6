import * as path from "node:path";

/** The `drift` settings section as VS Code hands it over (unset values are undefined). */
export interface DriftSettings {
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

function nonNegative(value: number | undefined, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}

/** Where to look for things on disk; injected so tests don't depend on the machine. */
export interface Environment {
  platform: NodeJS.Platform;
  pathVariable: string;
  workspaceFolders: string[];
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

/**
 * The command that starts the server, or undefined when none can be found.
 * Order: drift.server.path, drift.server.python, `drift` in a workspace virtualenv, `drift` on PATH.
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
  const found = [...venvCandidates(env, "drift"), ...pathCandidates(env, "drift")].find((file) =>
    env.isExecutable(file),
  );
  return found ? { command: found, args: ["lsp", ...extra] } : undefined;
}

export function missingServerMessage(settings: DriftSettings): string {
  if (settings.serverPath?.trim()) {
    return `Drift: the server at drift.server.path (${settings.serverPath}) is not an executable file.`;
  }
  return (
    "Drift: no language server found. Install Drift (pip install drift-lsp) into the workspace's " +
    ".venv or onto PATH, or set drift.server.path (a drift executable) or drift.server.python " +
    "(an interpreter with drift_lsp installed)."
  );
}
