"""`drift scan`, `check`, `patterns`, `show`, `approve`, `ignore`, `examples`."""

from __future__ import annotations

import argparse
import json
import stat
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from drift_lsp.analysis.baseline import Compared
from drift_lsp.analysis.git import git
from drift_lsp.analysis.languages import language_for_path
from drift_lsp.analysis.model import SEVERITIES, Violation
from drift_lsp.analysis.sarif import to_sarif
from drift_lsp.analysis.scanner import Walker
from drift_lsp.analysis.scope import describe, unscoped
from drift_lsp.commands import report
from drift_lsp.commands.baseline import (
    Baseline,
    BaselineError,
    compare_file,
    deleted_violations,
)
from drift_lsp.commands.baseline import resolve as resolve_baseline
from drift_lsp.commands.history import history_json, print_history
from drift_lsp.commands.upgrade import offer_upgrade
from drift_lsp.config import ConfigError
from drift_lsp.workspace import Workspace
from storage.paths import check_private_dir, db_path
from storage.repositories import gates as gates_repo
from storage.repositories import patterns as pattern_repo
from storage.repositories.patterns import STATUSES, PatternFilter

LEVELS = ("high", "medium", "low", "uncertain")


def positive_int(text: str) -> int:
    """argparse type for --limit: a page of zero rows has no last row to continue after."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    scan = subparsers.add_parser("scan", help="learn the workspace's conventions")
    scan.add_argument("path", nargs="?", help="workspace root (default: --root)")
    scan.add_argument("--full", action="store_true", help="re-analyse every file")
    scan.add_argument("--json", action="store_true", help="print a JSON summary")
    scan.set_defaults(handler=_scan, creates=True)

    check = subparsers.add_parser("check", help="report violations of approved patterns")
    check.add_argument("paths", nargs="*", help="files to check (default: changed files)")
    check.add_argument("--format", choices=("text", "json", "sarif"), default=None)
    check.add_argument("--fail-on", choices=SEVERITIES, default=None)
    check.add_argument(
        "--fix", action="store_true", help="apply the safe fixes (those the editor prefers)"
    )
    check.add_argument(
        "--diff", action="store_true", help="print the fixes as a unified diff; write nothing"
    )
    check.add_argument("--statistics", action="store_true", help="count violations by rule")
    check.add_argument(
        "--baseline",
        nargs="?",
        const="",
        metavar="REF",
        help="report only violations new since this git commit (alone: since the merge base "
        "with the default branch); SARIF marks each result new, unchanged or absent",
    )
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text output (auto: on a terminal, unless NO_COLOR is set)",
    )
    check.set_defaults(handler=_check)

    listing = subparsers.add_parser("patterns", help="list learned patterns")
    listing.add_argument("--category")
    listing.add_argument("--status", choices=STATUSES)
    listing.add_argument("--level", choices=LEVELS)
    listing.add_argument("--after", metavar="ID", help="continue after this pattern id")
    listing.add_argument("--limit", type=positive_int, default=50)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_patterns)

    show = subparsers.add_parser("show", help="one pattern in detail")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")
    show.add_argument(
        "--history",
        action="store_true",
        help="when it was learned and approved, by whom, and how its compliance moved",
    )
    show.set_defaults(handler=_show)

    for name, status in (("approve", "approved"), ("ignore", "ignored")):
        decide = subparsers.add_parser(name, help=f"mark patterns {status} (survives rescans)")
        decide.add_argument("ids", nargs="+", metavar="ID")
        decide.add_argument(
            "--by", help="who decides, as recorded in drift.lock (default: git's user.name)"
        )
        decide.set_defaults(handler=_decide, status=status)

    examples = subparsers.add_parser("examples", help="real examples of a pattern")
    examples.add_argument("id")
    examples.add_argument("--limit", type=positive_int, default=5)
    examples.add_argument("--json", action="store_true")
    examples.set_defaults(handler=_examples)


@contextmanager
def open_workspace(args: argparse.Namespace) -> Iterator[Workspace]:
    root = Path(getattr(args, "path", None) or args.root)
    if not root.is_dir():
        print(f"drift: {root} is not a directory", file=sys.stderr)
        raise SystemExit(2)
    check_private_dir(db_path(root).parent)
    if not getattr(args, "creates", False) and not db_path(root).exists():
        # Only a scan creates the database; anything else would report on an empty one.
        print(f"drift: no scan yet in {root.resolve()}; run `drift scan` first", file=sys.stderr)
        raise SystemExit(getattr(args, "no_scan_exit", 1))
    try:
        workspace = Workspace.open(root)
    except ConfigError as exc:
        print(f"drift: invalid drift.config.json: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc
    try:
        yield workspace
    finally:
        workspace.close()


class _ProgressBar:
    """files/s and ETA on a terminal; silent when stderr is piped."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.started = time.perf_counter()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if not self.enabled or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        rate = done / max(now - self.started, 1e-6)
        eta = (total - done) / rate if rate else 0.0
        print(
            f"\rscanning {done}/{total} files  {rate:,.0f} files/s  ETA {eta:,.0f}s ",
            end="" if done < total else "\n",
            file=sys.stderr,
            flush=True,
        )


def _scan(args: argparse.Namespace) -> int:
    with open_workspace(args) as workspace:
        summary = workspace.scan(full=args.full, progress=_ProgressBar())
        status = workspace.status()
        approved = [p for i in summary.auto_approved if (p := workspace.pattern(i)) is not None]
        threshold = workspace.config.learning.auto_approve_threshold
    offer_upgrade(workspace.root)
    if args.json:
        print(json.dumps(summary.to_json(), indent=2))
        return 0
    print(
        f"{summary.kind} scan {summary.status} in {summary.duration_ms / 1000:.2f}s: "
        f"{summary.files_scanned} analysed, {summary.files_skipped + summary.files_unchanged} "
        f"unchanged or skipped, {summary.files_deleted} removed; "
        f"{status.get('total_patterns', 0)} patterns ({status.get('approved', 0)} approved, "
        f"{summary.patterns_new} new)"
    )
    if approved:
        _print_auto_approved(approved, threshold)
    for problem in summary.problems[:20]:
        print(f"  skipped {problem}", file=sys.stderr)
    if summary.locked_without_evidence:
        print(
            f"{len(summary.locked_without_evidence)} convention(s) drift.lock decides are no "
            "longer shown by the code (kept; `drift lock validate` lists them):"
        )
        for convention in summary.locked_without_evidence:
            print(f"  {convention}")
    return 0


def _print_auto_approved(patterns: list[Any], threshold: float) -> None:
    print(f"Approved automatically (score >= {threshold:.2f}), now enforced:")
    for pattern in sorted(patterns, key=lambda p: (p.detector_id, p.context)):
        context, scope = unscoped(pattern.context)
        print(
            f"  {pattern.detector_id:<24} {pattern.value!r} for {context} in {describe(scope)}"
            f" (score {pattern.confidence_score:.2f})  {pattern.id}"
        )
    print(
        "Review one with `drift show RULE`, stop one with `drift ignore RULE`, or all automatic\n"
        'approval with "learning": {"autoApprove": false} in drift.config.json.'
    )


def _changed_files(root: Path) -> list[Path] | None:
    """Files changed against git HEAD (tracked and untracked), or None outside git."""
    status = git(root, "status", "--porcelain", "--untracked-files=all", "-z")
    if status is None:
        return None
    output = status.decode("utf-8", "replace")
    entries = [e for e in output.split("\0") if len(e) > 3]
    return [root / entry[3:] for entry in entries if entry[:2].strip() != "D"]


def _resolve(raw: str, root: Path) -> Path:
    """A command-line path: relative to the current directory when that lies inside the
    workspace (what the shell completed), else relative to the workspace root."""
    cwd = Path.cwd().resolve()
    base = cwd if cwd == root or root in cwd.parents else root
    return (base / raw).resolve()


def _targets(workspace: Workspace, paths: list[str], baseline: Baseline | None) -> list[Path]:
    if baseline is not None and not paths:
        # Only a file changed since the baseline can hold a violation that is new.
        found = (workspace.root / rel for rel in sorted(baseline.changed))
        return [p for p in found if language_for_path(p) and p.is_file()]
    if paths:
        resolved = {raw: _resolve(raw, workspace.root) for raw in paths}
        missing = [raw for raw, path in resolved.items() if not path.exists()]
        outside = [
            raw
            for raw, path in resolved.items()
            if path != workspace.root and workspace.relative(path) is None
        ]
        if missing:
            print(f"drift: no such file or directory: {', '.join(missing)}", file=sys.stderr)
            raise SystemExit(2)
        if outside:
            print(
                f"drift: not in the workspace {workspace.root} (or ignored by its config): "
                f"{', '.join(outside)}",
                file=sys.stderr,
            )
            raise SystemExit(2)
        found: list[Path] = []
        for path in resolved.values():
            if path.is_dir():
                found.extend(workspace.root / rel for rel, _ in _walk_under(workspace, path))
            else:
                found.append(path)
        return found
    changed = _changed_files(workspace.root)
    if changed is not None:
        return [p for p in changed if language_for_path(p) and p.is_file()]
    return [workspace.root / rel for rel, _ in _walk_under(workspace, workspace.root)]


def _walk_under(workspace: Workspace, folder: Path) -> Iterator[tuple[str, Any]]:
    prefix = "" if folder == workspace.root else folder.relative_to(workspace.root).as_posix()
    for rel, info in Walker(workspace.root, workspace.config):
        if not prefix or rel.startswith(prefix + "/"):
            yield rel, info


def _check(args: argparse.Namespace) -> int:
    fixing = args.fix or args.diff
    if fixing and args.baseline is not None:
        print("drift: --baseline does not combine with --fix or --diff", file=sys.stderr)
        return 2
    with open_workspace(args) as workspace:
        fmt = args.format or workspace.config.ci.report_format
        fail_on = args.fail_on or workspace.config.ci.fail_on
        violations: list[Violation] = []
        fixed: list[report.FixedFile] = []
        baseline = resolve_baseline_or_exit(workspace, args.baseline)
        compared = Compared()
        for path, text, found in checked_files(workspace, args.paths, baseline, compared):
            if fixing and any(v.quick_fixes for v in found):
                result = report.fix_text(workspace, path, text, found)
                fixed.append(result)
                found = result.remaining
            violations.extend(found)
    violations.sort(key=report.sort_key)
    if args.diff:
        # Like `ruff check --diff`: the would-be changes only, and exit 1 when there are some.
        return int(report.print_diffs(fixed) > 0)
    for result in fixed:
        if result.after != result.before:
            result.path.write_text(result.after, "utf-8")
    if fmt == "json":
        print(json.dumps([v.to_json() for v in violations], indent=2))
    elif fmt == "sarif":
        print(json.dumps(to_sarif(violations, baseline=compared if baseline else None), indent=2))
    elif args.statistics:
        report.print_statistics(violations)
    else:
        report.print_text(violations, colour=report.use_colour(args.color, sys.stdout))
    if baseline is not None and fmt == "text":
        print(
            f"new since {baseline.ref} ({baseline.commit[:12]}); {len(compared.unchanged)} "
            f"unchanged, {len(compared.absent)} fixed since"
        )
    if args.fix and fmt == "text":
        applied = sum(result.applied for result in fixed)
        print(f"fixed {applied} violation(s) in {sum(r.after != r.before for r in fixed)} file(s)")
    threshold = SEVERITIES.index(fail_on)
    return int(any(SEVERITIES.index(v.severity) <= threshold for v in violations))


def checked_files(
    workspace: Workspace, paths: list[str], baseline: Baseline | None, compared: Compared
) -> Iterator[tuple[Path, str, list[Violation]]]:
    """Each file to check (`paths`, else the changed ones) with its text and violations; with
    a baseline, only the violations new since, the whole comparison gathered in `compared`
    (with, after the last file, the violations of the files deleted since)."""
    max_size = workspace.config.performance.max_file_size
    for path in _targets(workspace, paths, baseline):
        text = _checkable_text(path, max_size)
        if text is None:
            continue
        found = workspace.check_text(path, text)
        if baseline is not None:
            result = compare_file(workspace, baseline, path, text, found)
            compared.add(result)
            found = [f.violation for f in result.new]
        yield path, text, found
    if baseline is not None and not paths:
        compared.add(deleted_violations(workspace, baseline))


def resolve_baseline_or_exit(workspace: Workspace, ref: str | None) -> Baseline | None:
    if ref is None:
        return None
    try:
        return resolve_baseline(workspace.root, ref)
    except BaselineError as exc:
        print(f"drift: --baseline: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


def _checkable_text(path: Path, max_size: int) -> str | None:
    """The file's text, or None (said on stderr) for what check must not read: a FIFO or
    device would block, a file over the size limit is skipped by its stat alone."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{path} is not a regular file")
        if info.st_size > max_size:
            raise OSError(f"{info.st_size} bytes is over the {max_size}-byte maxFileSize limit")
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"drift: skipped {path}: {exc}", file=sys.stderr)
        return None


def _patterns(args: argparse.Namespace) -> int:
    where = PatternFilter(category=args.category, status=args.status, level=args.level)
    with open_workspace(args) as workspace:
        rows = workspace.patterns(where, after=args.after, limit=args.limit)
    if args.json:
        print(json.dumps([r.to_json() for r in rows], indent=2))
        return 0
    for r in rows:
        print(
            f"{r.id}  {r.status:<10} {r.confidence_level:<9} {r.confidence_score:.2f}  "
            f"{r.category:<13} {r.name} [{describe(unscoped(r.context)[1])}]: {r.value} "
            f"({r.location_count} locations, "
            f"{r.outlier_count} deviate)"
        )
    if len(rows) == args.limit:
        print(f"-- more: drift patterns --after {rows[-1].id}")
    return 0


def _pattern_or_exit(workspace: Workspace, name: str) -> Any:
    """The pattern a 16-hex id or a rule code (naming/function) names; a rule learned in
    several scopes is ambiguous and its candidates are listed."""
    found = workspace.patterns_named(name)
    if len(found) == 1:
        return found[0]
    if found:
        print(f"drift: {name} was learned in {len(found)} scopes; name one by id:", file=sys.stderr)
        for candidate in found:
            scope = describe(unscoped(candidate.context)[1])
            print(f"  {candidate.id}  {scope}: {candidate.value}", file=sys.stderr)
    else:
        print(f"drift: no pattern or rule {name}; see `drift patterns`", file=sys.stderr)
    raise SystemExit(2)


def _show(args: argparse.Namespace) -> int:
    with open_workspace(args) as workspace:
        pattern = _pattern_or_exit(workspace, args.id)
        explanation = workspace.explain(pattern.id)
        history = _history(workspace, pattern.id) if args.history else None
    if args.json:
        data = pattern.to_json()
        print(json.dumps(data if history is None else {**data, "history": history}, indent=2))
        return 0
    print(f"{pattern.id}")
    for line in explanation.lines() if explanation else ():
        print(line)
    if history is not None:
        print_history(history, plot=sys.stdout.isatty())
    return 0


def _history(workspace: Workspace, pattern_id: str) -> dict[str, Any]:
    def read(conn):
        # Compliance per gate run: pattern_history keeps decisions and score moves only.
        events = pattern_repo.history(conn, pattern_id, limit=1000)
        return events, gates_repo.compliance_history(conn, pattern_id)

    return history_json(*workspace.db.read("pattern_history", read))


def _decide(args: argparse.Namespace) -> int:
    with open_workspace(args) as workspace:
        ids = [_pattern_or_exit(workspace, name).id for name in args.ids]
        changed = workspace.set_status(ids, args.status, by=args.by)
    print(f"{changed} pattern(s) {args.status}")
    return 0


def _examples(args: argparse.Namespace) -> int:
    with open_workspace(args) as workspace:
        pattern = _pattern_or_exit(workspace, args.id)
        examples = workspace.examples(pattern.id, args.limit)
    if args.json:
        print(json.dumps([e.__dict__ for e in examples], indent=2))
        return 0
    for e in examples:
        print(f"--- {e.file}:{e.start_line + 1}-{e.end_line + 1} (quality {e.quality:.2f})")
        print(e.code)
    return 0
