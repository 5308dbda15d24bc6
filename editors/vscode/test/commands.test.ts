import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeEach, test } from "node:test";
import * as vscode from "vscode";
import { cliCommand } from "../src/cli";
import {
  askForExplanation,
  CLIENT_COMMANDS,
  Controller,
  registerCommands,
  SERVER_PALETTE_COMMANDS,
  showMissingServer,
  showServerCommandResult,
} from "../src/commands";
import { statusBarText } from "../src/messages";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const stub = vscode as any;

function controller(overrides: Partial<Controller> = {}): Controller & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    listBackups: async () => [],
    executeServerCommand: async (command, args) => {
      calls.push(`${command}(${JSON.stringify(args)})`);
      return { id: 9, path: "/ws/.drift/backups/safety.db" };
    },
    restart: async () => void calls.push("restart"),
    showOutput: () => void calls.push("showOutput"),
    refreshStatus: async () => void calls.push("refreshStatus"),
    ...overrides,
  };
}

beforeEach(() => stub.__reset());

test("every palette command in package.json is registered by the extension or is a server command", () => {
  const manifest = JSON.parse(readFileSync(path.join(__dirname, "..", "package.json"), "utf8"));
  const contributed = manifest.contributes.commands.map((entry: { command: string }) => entry.command).sort();
  registerCommands(controller());
  const registered = stub.__calls.registered.map((entry: { id: string }) => entry.id);
  assert.deepEqual(registered, [...CLIENT_COMMANDS]);
  assert.deepEqual(contributed, [...CLIENT_COMMANDS, ...SERVER_PALETTE_COMMANDS].sort());
});

test("restart and show output reach the controller", async () => {
  const drift = controller();
  registerCommands(drift);
  for (const { id, handler } of stub.__calls.registered) {
    if (id !== "drift.restoreBackup") await handler();
  }
  assert.deepEqual(drift.calls, ["restart", "showOutput"]);
});

test("restore offers the backups newest first and restores the picked one", async () => {
  const drift = controller({
    listBackups: async () => [
      { id: 1, created_at: "2026-01-01T00:00:00Z", reason: "user_requested", size_bytes: 4096, path: "/b/1.db" },
      { id: 2, created_at: "2026-01-02T00:00:00Z", reason: "scheduled", size_bytes: 8192, path: "/b/2.db" },
    ],
  });
  stub.__answers.quickPick = (items: { id: number }[]) => items[1];
  registerCommands(drift);
  const restore = stub.__calls.registered.find((entry: { id: string }) => entry.id === "drift.restoreBackup");
  await restore.handler();
  const offered = stub.__calls.quickPicks[0].items.map((item: { label: string }) => item.label);
  assert.deepEqual(offered, ["#2  2026-01-02T00:00:00Z", "#1  2026-01-01T00:00:00Z"]);
  assert.deepEqual(drift.calls, ["drift.restore([1])", "refreshStatus"]);
  assert.equal(stub.__calls.infos.length, 0, "the server announces the restore: one notification, not two");
});

test("restore with no backups says so instead of showing an empty list", async () => {
  registerCommands(controller());
  await stub.__calls.registered.find((entry: { id: string }) => entry.id === "drift.restoreBackup").handler();
  assert.equal(stub.__calls.quickPicks.length, 0);
  assert.match(stub.__calls.infos[0].message, /no backups yet/);
});

test("a missing server shows an error with an Open settings button that opens the drift.server settings", async () => {
  stub.__answers.errorChoice = "Open settings";
  await showMissingServer("Drift: no language server found.");
  assert.deepEqual(stub.__calls.errors, [{ message: "Drift: no language server found.", items: ["Open settings"] }]);
  assert.deepEqual(stub.__calls.executed, [{ id: "workbench.action.openSettings", args: ["drift.server"] }]);
});

test("server command answers are shown once: backup by the server, status by the extension", async () => {
  const drift = controller();
  await showServerCommandResult("drift.backup", { id: 3, path: "/ws/.drift/backups/x.db", size_bytes: 2048 }, drift);
  await showServerCommandResult(
    "drift.status",
    { total_patterns: 12, approved: 7, discovered: 5, ignored: 0, last_scan_at: "2026-01-01" },
    drift,
  );
  const messages = stub.__calls.infos.map((info: { message: string }) => info.message);
  assert.equal(messages.length, 1);
  assert.match(messages[0], /12 patterns \(7 approved, 5 discovered/);
});

test("the status bar shows the pattern count once scanned, and the scan state otherwise", () => {
  assert.match(statusBarText("ready", { total_patterns: 4, last_scan_at: "x" }), /4 patterns/);
  assert.match(statusBarText("ready", { total_patterns: 0, last_scan_at: null }), /not scanned/);
  assert.match(statusBarText("scanning", undefined), /scanning/);
});

test("backups are listed with the same drift the server runs", () => {
  assert.deepEqual(cliCommand({ command: "/v/bin/drift", args: ["lsp"] }, ["backups", "--json"]), {
    command: "/v/bin/drift",
    args: ["backups", "--json"],
  });
  assert.deepEqual(cliCommand({ command: "python3", args: ["-m", "drift_lsp"] }, ["backups", "--json"]), {
    command: "python3",
    args: ["-m", "drift_lsp.cli", "backups", "--json"],
  });
});

test("Explain this convention… asks for the text and sends it with the pattern; cancelling sends nothing", async () => {
  stub.__answers.input = "We log through the module logger";
  assert.deepEqual(await askForExplanation(["abc123"]), ["abc123", "We log through the module logger"]);
  assert.match(stub.__calls.inputs[0].prompt, /Why does this convention exist/);
  stub.__answers.input = undefined;
  assert.equal(await askForExplanation(["abc123"]), undefined);
  stub.__answers.input = "   ";
  assert.equal(await askForExplanation(["abc123"]), undefined);
});
