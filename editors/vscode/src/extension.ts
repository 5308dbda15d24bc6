import * as fs from "node:fs";
import * as vscode from "vscode";
import {
  ConfigurationParams,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";
import { runCli } from "./cli";
import {
  ADD_MEMORY,
  askForExplanation,
  Controller,
  registerCommands,
  showMissingServer,
  showServerCommandResult,
} from "./commands";
import { parseBackups, ScanState, statusBarText, StatusResult } from "./messages";
import {
  diagnosticPullOptions,
  Environment,
  initializationOptions,
  missingServerMessage,
  readSettings,
  resolveServerCommand,
  ServerCommand,
} from "./settings";

const LANGUAGES = ["python", "javascript", "typescript", "javascriptreact", "typescriptreact"];

function environment(): Environment {
  return {
    platform: process.platform,
    pathVariable: process.env.PATH ?? "",
    workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath),
    trusted: vscode.workspace.isTrusted,
    isExecutable(file: string): boolean {
      try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
      } catch {
        return false;
      }
    },
  };
}

/**
 * The language client writes its LSP trace at the channel's `trace` level, and traces only while
 * the channel's own log level is Trace, which users seldom find; `drift.trace.server` is the
 * switch they know. This view of the Drift channel reports level Trace, so the client follows
 * `drift.trace.server` alone, and writes trace lines into the same channel as the server's logs.
 */
function traceInto(channel: vscode.LogOutputChannel): vscode.LogOutputChannel {
  return new Proxy(channel, {
    get(target, property) {
      if (property === "logLevel") {
        return vscode.LogLevel.Trace;
      }
      if (property === "trace") {
        return (message: string) => target.info(message);
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function settings() {
  return readSettings(vscode.workspace.getConfiguration("drift"));
}

class DriftExtension implements Controller {
  private client: LanguageClient | undefined;
  private server: ServerCommand | undefined;
  private status: StatusResult | undefined;
  private readonly output = vscode.window.createOutputChannel("Drift", { log: true });
  private readonly statusBar = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);

  constructor(private readonly context: vscode.ExtensionContext) {
    this.statusBar.command = "drift.status";
    this.statusBar.tooltip = "Drift: show status";
    context.subscriptions.push(this.output, this.statusBar);
  }

  async start(): Promise<void> {
    const current = settings();
    if (current.enable === false) {
      this.statusBar.hide();
      return;
    }
    this.server = resolveServerCommand(current, environment());
    if (!this.server) {
      this.setState("stopped");
      void showMissingServer(missingServerMessage(current, vscode.workspace.isTrusted));
      return;
    }
    const serverOptions: ServerOptions = {
      command: this.server.command,
      args: this.server.args,
      transport: TransportKind.stdio,
      options: { cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: LANGUAGES.map((language) => ({ scheme: "file", language })),
      initializationOptions: initializationOptions(current),
      outputChannel: this.output,
      traceOutputChannel: traceInto(this.output),
      diagnosticPullOptions: diagnosticPullOptions(current),
      synchronize: {
        configurationSection: "drift",
        fileEvents: vscode.workspace.createFileSystemWatcher("**/drift.config.json"),
      },
      middleware: {
        workspace: {
          // The server asks for section "drift" and expects the contract's shape, not VS Code's.
          configuration: (params: ConfigurationParams, token, next) =>
            params.items.every((item) => item.section === "drift")
              ? params.items.map(() => initializationOptions(settings()))
              : next(params, token),
        },
        executeCommand: async (command, args, next) => {
          if (command === ADD_MEMORY) {
            const withText = await askForExplanation(args);
            return withText ? next(command, withText) : undefined;
          }
          if (command === "drift.rescan") {
            this.setState("scanning");
          }
          try {
            const result = await next(command, args);
            await showServerCommandResult(command, result, this);
            return result;
          } finally {
            if (command === "drift.rescan") {
              this.setState("ready");
            }
          }
        },
      },
    };
    this.client = new LanguageClient("drift", "Drift", serverOptions, clientOptions);
    this.setState("starting");
    try {
      await this.client.start();
    } catch (error) {
      this.setState("stopped");
      void vscode.window.showErrorMessage(`Drift: the server did not start: ${(error as Error).message}`, "Show output")
        .then((choice) => choice && this.showOutput());
      return;
    }
    this.client.onDidChangeState((event) => event.newState === State.Stopped && this.setState("stopped"));
    await this.refreshStatus();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client && client.state !== State.Stopped) {
      await client.stop();
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  showOutput(): void {
    this.output.show(true);
  }

  async executeServerCommand(command: string, args: unknown[]): Promise<unknown> {
    if (!this.client) {
      throw new Error("the Drift server is not running");
    }
    return this.client.sendRequest("workspace/executeCommand", { command, arguments: args });
  }

  async refreshStatus(): Promise<void> {
    if (!this.client) {
      return;
    }
    try {
      this.status = (await this.executeServerCommand("drift.status", [])) as StatusResult;
      this.setState("ready");
    } catch (error) {
      this.output.appendLine(`drift.status failed: ${(error as Error).message}`);
    }
  }

  async listBackups(): Promise<ReturnType<typeof parseBackups>> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!this.server || !folder) {
      throw new Error("no Drift server or workspace folder");
    }
    return parseBackups(await runCli(this.server, ["backups", "--json"], folder));
  }

  private setState(state: ScanState): void {
    this.statusBar.text = statusBarText(state, this.status);
    this.statusBar.show();
  }
}

let extension: DriftExtension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const drift = new DriftExtension(context);
  extension = drift;
  context.subscriptions.push(
    ...registerCommands(drift),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      // The client follows drift.trace.server by itself; these need a new server process.
      if (["drift.enable", "drift.server", "drift.diagnostics.on"].some((key) => event.affectsConfiguration(key))) {
        await drift.restart();
      }
    }),
    // Trusting the workspace makes its own virtualenv's drift eligible.
    vscode.workspace.onDidGrantWorkspaceTrust(() => drift.restart()),
    vscode.workspace.onDidSaveTextDocument((document) => {
      if (LANGUAGES.includes(document.languageId)) {
        void drift.refreshStatus();
      }
    }),
  );
  await drift.start();
}

export async function deactivate(): Promise<void> {
  await extension?.stop();
  extension = undefined;
}
