/** Text shown to the user for server command results; pure so it is tested without VS Code. */

export interface StatusResult {
  total_patterns?: number;
  approved?: number;
  discovered?: number;
  ignored?: number;
  health_score?: number | null;
  last_scan_at?: string | null;
}

export interface BackupEntry {
  id: number;
  created_at: string;
  reason: string;
  size_bytes: number;
  path: string;
}

export function formatBytes(bytes: number | undefined): string {
  if (typeof bytes !== "number") {
    return "?";
  }
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export function statusMessage(status: StatusResult): string {
  if (!status.last_scan_at) {
    return "Drift: this workspace has not been scanned yet. Run “Drift: Rescan Workspace”.";
  }
  const health = typeof status.health_score === "number" ? `, health ${Math.round(status.health_score)}` : "";
  return (
    `Drift: ${status.total_patterns ?? 0} patterns (${status.approved ?? 0} approved, ` +
    `${status.discovered ?? 0} discovered, ${status.ignored ?? 0} ignored)${health}; last scan ${status.last_scan_at}.`
  );
}

export type ScanState = "starting" | "scanning" | "ready" | "stopped";

export function statusBarText(state: ScanState, status: StatusResult | undefined): string {
  switch (state) {
    case "starting":
      return "$(loading~spin) Drift";
    case "scanning":
      return "$(sync~spin) Drift: scanning";
    case "stopped":
      return "$(circle-slash) Drift";
    case "ready":
      if (!status?.last_scan_at) {
        return "$(search) Drift: not scanned";
      }
      return `$(checklist) Drift: ${status.total_patterns ?? 0} patterns`;
  }
}

/** Quick-pick rows for `drift backups --json`, newest first. */
export function backupPickItems(entries: BackupEntry[]): { label: string; description: string; detail: string; id: number }[] {
  return [...entries]
    .sort((a, b) => b.id - a.id)
    .map((entry) => ({
      label: `#${entry.id}  ${entry.created_at}`,
      description: `${entry.reason} · ${formatBytes(entry.size_bytes)}`,
      detail: entry.path,
      id: entry.id,
    }));
}

export function parseBackups(stdout: string): BackupEntry[] {
  const parsed: unknown = JSON.parse(stdout);
  if (!Array.isArray(parsed)) {
    throw new Error("drift backups --json did not print a list");
  }
  return parsed.filter(
    (entry): entry is BackupEntry => typeof entry === "object" && entry !== null && typeof entry.id === "number",
  );
}
