"""`drift memory …`: team memory (`.drift/cortex.db`) from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drift_lsp import __version__
from storage.cortex import (
    Cortex,
    Links,
    Memory,
    MemoryView,
    SearchFilter,
    SearchHit,
    precomputed_path,
)
from storage.cortex.model import MEMORY_TYPES, RELATIONSHIP_TYPES, parse_content


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "memory", help="team memory: why conventions exist, decisions, warnings"
    )
    commands = parser.add_subparsers(dest="memory_command", required=True, metavar="ACTION")

    add = _action(commands, "add", "store a new memory", _add)
    add.add_argument("--type", required=True, metavar="T", help=f"one of {', '.join(MEMORY_TYPES)}")
    add.add_argument("--summary", required=True, help="one sentence: what to remember")
    add.add_argument("--content", metavar="JSON", help="structured details, a JSON value")
    add.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    add.add_argument("--pattern", action="append", default=[], metavar="ID",
                     help="link to a pattern id from `drift patterns` (repeatable)")  # fmt: skip
    add.add_argument("--file", action="append", default=[], metavar="PATH",
                     help="link to a workspace file (repeatable)")  # fmt: skip
    _validity_options(add)

    listing = _action(commands, "list", "list memories, newest first", _list)
    listing.add_argument("--type", metavar="T", help="only memories of this type")
    listing.add_argument("--after", type=int, metavar="ID",
                         help="continue after this id (printed at the end of a page)")  # fmt: skip
    listing.add_argument("--limit", type=_positive, default=20)
    listing.add_argument("--archived", action="store_true", help="include archived memories")

    search = _action(commands, "search", "find memories similar to a text", _search)
    search.add_argument("text")
    search.add_argument("--k", type=_positive, default=5, help="how many (default 5)")
    search.add_argument("--type", action="append", default=[], metavar="T")
    search.add_argument("--tag", action="append", default=[])
    search.add_argument("--valid-at", metavar="T", help="memories true at this time")
    search.add_argument("--archived", action="store_true", help="include archived memories")

    show = _action(commands, "show", "one memory with links and relationships", _show)
    show.add_argument("id", type=int)
    show.add_argument("--as-of", metavar="T", help="the version the database held at time T")
    show.add_argument("--history", action="store_true", help="also print every version")

    link = _action(commands, "link", "relate two memories: A REL B", _link)
    link.add_argument("source", type=int, metavar="A")
    link.add_argument("rel", metavar="REL", help=f"one of {', '.join(RELATIONSHIP_TYPES)}")
    link.add_argument("target", type=int, metavar="B")
    link.add_argument("--strength", type=float, default=1.0, help="0..1 (default 1)")

    supersede = _action(commands, "supersede", "replace a memory with a newer one", _supersede)
    supersede.add_argument("old", type=int, metavar="OLD")
    supersede.add_argument("--summary", required=True)
    supersede.add_argument("--content", metavar="JSON")
    supersede.add_argument("--type", metavar="T", help="default: the old memory's type")
    supersede.add_argument("--valid-from", metavar="T", help="when the new one starts (now)")

    archive = _action(commands, "archive", "hide a memory (kept, never deleted)", _archive)
    archive.add_argument("id", type=int)
    archive.add_argument("--reason", required=True)

    purge = _action(
        commands,
        "purge",
        "retention: delete memories archived long ago (backs up first)",
        _purge,
        json_output=False,
    )
    purge.add_argument("--older-than-days", type=float, default=90.0, metavar="DAYS")

    precompute = _action(
        commands,
        "precompute",
        "write every cached embedding to .drift/embeddings.npz (loaded at start-up)",
        _precompute,
        json_output=False,
    )
    precompute.add_argument("--out", metavar="PATH", help="another file to write instead")


def _action(
    commands: argparse._SubParsersAction,
    name: str,
    help_text: str,
    handler: Callable[[argparse.Namespace], int],
    *,
    json_output: bool = True,
) -> argparse.ArgumentParser:
    parser = commands.add_parser(name, help=help_text)
    parser.set_defaults(handler=handler)
    if json_output:
        parser.add_argument("--json", action="store_true", help="print JSON")
    return parser


def _validity_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--valid-from", metavar="T", help="when it became true (default now)")
    parser.add_argument("--valid-until", metavar="T", help="when it stops being true")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _open(args: argparse.Namespace) -> Cortex:
    return Cortex.open(Path(args.root), app_version=__version__)


def _content(args: argparse.Namespace) -> Any:
    return None if args.content is None else parse_content(args.content)


def _add(args: argparse.Namespace) -> int:
    with _open(args) as cortex:
        memory = cortex.add(
            args.type,
            args.summary,
            content=_content(args),
            tags=args.tag,
            links=Links(patterns=args.pattern, files=[_posix(f) for f in args.file]),
            valid_from=args.valid_from,
            valid_until=args.valid_until,
        )
        unknown = [p.pattern_id for p in cortex.with_patterns([memory.id]).get(memory.id, [])
                   if p.name is None]  # fmt: skip
        if unknown:
            print(f"note: drift.db has no pattern {', '.join(unknown)} (yet); the link is kept",
                  file=sys.stderr)  # fmt: skip
        return _print_memory(args, memory, f"added memory {memory.id}")


def _list(args: argparse.Namespace) -> int:
    with _open(args) as cortex:
        page = cortex.list(
            memory_type=args.type, after=args.after, limit=args.limit,
            include_archived=args.archived,
        )  # fmt: skip
    if args.json:
        _dump({"items": [m.to_json() for m in page.items], "next_after": page.next_after})
        return 0
    if not page.items:
        print("no memories yet; add one with `drift memory add --type rationale --summary …`")
    for memory in page.items:
        print(_line(memory))
    if page.next_after is not None:
        print(f"more: drift memory list --after {page.next_after}")
    return 0


def _search(args: argparse.Namespace) -> int:
    filters = SearchFilter(
        types=tuple(args.type), tags=tuple(args.tag), valid_at=args.valid_at,
        include_archived=args.archived,
    )  # fmt: skip
    with _open(args) as cortex:
        hits = cortex.search(args.text, k=args.k, filters=filters)
    if args.json:
        _dump([hit.to_json() for hit in hits])
        return 0
    if not hits:
        print("no matching memories")
    for hit in hits:
        print(_hit_line(hit))
    return 0


def _show(args: argparse.Namespace) -> int:
    with _open(args) as cortex:
        view = cortex.view(args.id, as_of=args.as_of)
        versions = cortex.history(args.id) if args.history else []
    if args.json:
        data = view.to_json()
        if args.history:
            data["versions"] = [v.to_json() for v in versions]
        _dump(data)
        return 0
    _print_view(view)
    for version in versions:
        until = version.recorded_until or "now"
        print(f"  v{version.version} recorded {version.recorded_at} → {until}: {version.summary}")
    return 0


def _link(args: argparse.Namespace) -> int:
    with _open(args) as cortex:
        relationship = cortex.link(args.source, args.rel, args.target, args.strength)
    if args.json:
        _dump(relationship.to_json())
    else:
        print(f"memory {args.source} {args.rel} memory {args.target} "
              f"(strength {relationship.strength:g})")  # fmt: skip
    return 0


def _supersede(args: argparse.Namespace) -> int:
    with _open(args) as cortex:
        memory = cortex.supersede(
            args.old, args.summary, content=_content(args), memory_type=args.type,
            valid_from=args.valid_from,
        )  # fmt: skip
        return _print_memory(args, memory, f"memory {memory.id} supersedes {args.old}")


def _archive(args: argparse.Namespace) -> int:
    with _open(args) as cortex:
        memory = cortex.archive(args.id, args.reason)
        return _print_memory(args, memory, f"archived memory {memory.id}")


def _purge(args: argparse.Namespace) -> int:
    with _open(args) as cortex:
        removed = cortex.purge_archived(args.older_than_days)
    print(f"removed {removed} memories archived more than {args.older_than_days:g} days ago")
    return 0


def _precompute(args: argparse.Namespace) -> int:
    root = Path(args.root)
    out = Path(args.out) if args.out else precomputed_path(root)
    with _open(args) as cortex:
        count = cortex.embeddings.export_precomputed(out)
    print(f"wrote {count} embeddings to {out}")
    return 0


def _posix(path: str) -> str:
    return Path(path).as_posix()


def _dump(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _print_memory(args: argparse.Namespace, memory: Memory, message: str) -> int:
    if args.json:
        _dump(memory.to_json())
    else:
        print(message)
        print(_line(memory))
    return 0


def _line(memory: Memory) -> str:
    tags = f"  [{', '.join(memory.tags)}]" if memory.tags else ""
    state = "  (archived)" if memory.archived else ""
    if memory.superseded_by is not None:
        state += f"  (superseded by {memory.superseded_by})"
    return (
        f"{memory.id:>6}  {memory.type:<12} {memory.valid_from[:10]}  {memory.summary}{tags}{state}"
    )


def _hit_line(hit: SearchHit) -> str:
    patterns = ", ".join(p.name or p.pattern_id for p in hit.patterns)
    suffix = f"  → {patterns}" if patterns else ""
    return f"{hit.similarity:5.2f}  {_line(hit.memory).lstrip()}{suffix}"


def _print_view(view: MemoryView) -> None:
    memory = view.memory
    print(f"memory {memory.id} (v{memory.version}, {memory.type})")
    print(f"  {memory.summary}")
    if memory.content not in ({}, None):
        print(f"  content: {json.dumps(memory.content, ensure_ascii=False)}")
    if memory.tags:
        print(f"  tags: {', '.join(memory.tags)}")
    print(f"  valid: {memory.valid_from} → {memory.valid_until or 'open'}")
    print(f"  recorded: {memory.recorded_at}   used {memory.access_count} times")
    if memory.archived:
        print(f"  archived: {memory.archive_reason}")
    for pattern in view.patterns:
        detail = (
            f"{pattern.name} ({pattern.status}, confidence {pattern.confidence_score:.2f})"
            if pattern.name is not None
            else "(not in drift.db)"
        )
        print(f"  pattern {pattern.pattern_id}: {detail}")
    for path in view.links.files:
        print(f"  file {path}")
    for rel in view.relationships:
        print(f"  {rel.source_id} {rel.type} {rel.target_id} (strength {rel.strength:g})")
    if len(view.chain) > 1:
        print(f"  supersede chain: {' → '.join(str(i) for i in view.chain)}")
