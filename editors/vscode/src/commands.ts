import * as vscode from "vscode";
import { backupPickItems, BackupEntry, statusMessage, StatusResult } from "./messages";

/** Server commands (contract D) that the palette runs directly; the language client registers them. */
export const SERVER_PALETTE_COMMANDS = ["drift.backup", "drift.rescan", "drift.status"] as const;

/** Commands the extension itself registers. */
export const CLIENT_COMMANDS = ["drift.restoreBackup", "drift.restartServer", "drift.showOutput"] as const;

/** What the commands need from the running extension; the real one wraps the language client. */
export interface Controller {
  listBackups(): Promise<BackupEntry[]>;
  executeServerCommand(command: string, args: unknown[]): Promise<unknown>;
  restart(): Promise<void>;
  showOutput(): void;
  refreshStatus(): Promise<void>;
}

export function registerCommands(controller: Controller): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand("drift.restoreBackup", () => restoreBackup(controller)),
    vscode.commands.registerCommand("drift.restartServer", () => controller.restart()),
    vscode.commands.registerCommand("drift.showOutput", () => controller.showOutput()),
  ];
}

async function restoreBackup(controller: Controller): Promise<void> {
  let entries: BackupEntry[];
  try {
    entries = await controller.listBackups();
  } catch (error) {
    void vscode.window.showErrorMessage(`Drift: could not list backups: ${(error as Error).message}`);
    return;
  }
  if (entries.length === 0) {
    void vscode.window.showInformationMessage("Drift: there are no backups yet. Run “Drift: Backup Database” first.");
    return;
  }
  const picked = await vscode.window.showQuickPick(backupPickItems(entries), {
    placeHolder: "Backup to restore (the current database is backed up first)",
  });
  if (!picked) {
    return;
  }
  // The server tells the user what it restored and where the replaced database went.
  await controller.executeServerCommand("drift.restore", [picked.id]);
  await controller.refreshStatus();
}

/**
 * Language-client middleware for `workspace/executeCommand`: the palette commands run on the
 * server, and the answers the server does not announce itself are shown here. Backup and
 * restore are announced by the server (`window/showMessage`, as every editor shows them), so
 * one command gives one notification.
 */
export async function showServerCommandResult(
  command: string,
  result: unknown,
  controller: Pick<Controller, "refreshStatus">,
): Promise<void> {
  if (command === "drift.status" && result) {
    void vscode.window.showInformationMessage(statusMessage(result as StatusResult));
  } else if (command === "drift.rescan") {
    await controller.refreshStatus();
    void vscode.window.showInformationMessage("Drift: rescan finished.");
  }
}

/** The command of the "Explain this convention…" code action. */
export const ADD_MEMORY = "drift.addMemory";

/**
 * LSP has no input box, so the code action sends [patternId] and the client asks for the text:
 * the arguments to send on, or undefined when the user cancelled or wrote nothing.
 */
export async function askForExplanation(args: unknown[]): Promise<unknown[] | undefined> {
  if (args.length !== 1) {
    return args;
  }
  const text = await vscode.window.showInputBox({
    prompt: "Why does this convention exist? Saved as team memory, shown on hover.",
    placeHolder: "e.g. We log through the module logger so production logs keep the request id",
  });
  return text?.trim() ? [args[0], text] : undefined;
}

export async function showMissingServer(message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(message, "Open settings");
  if (choice === "Open settings") {
    await vscode.commands.executeCommand("workbench.action.openSettings", "drift.server");
  }
}
