import { execFile } from "node:child_process";
import { ServerCommand } from "./settings";

/**
 * The `drift` CLI invocation that goes with a server command: the same executable, or
 * `python -m drift_lsp.cli` when the server runs from an interpreter.
 */
export function cliCommand(server: ServerCommand, cliArgs: string[]): ServerCommand {
  if (server.args[0] === "-m") {
    return { command: server.command, args: ["-m", "drift_lsp.cli", ...cliArgs] };
  }
  return { command: server.command, args: cliArgs };
}

export function runCli(server: ServerCommand, cliArgs: string[], cwd: string): Promise<string> {
  const { command, args } = cliCommand(server, cliArgs);
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(stderr.trim() || error.message));
      } else {
        resolve(stdout);
      }
    });
  });
}
