"""A parsed file's bytes with conversions between tree-sitter byte points and the
(line, code-point column) positions the rest of Drift uses."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

import tree_sitter

from drift_lsp.analysis.languages import Language


@dataclass
class Source:
    data: bytes
    rel_path: str
    language: Language
    # The file's query captures, for classifiers that need more than their own node (e.g.
    # every assignment, to tell a `let` that is reassigned from one that never is).
    captures: dict[str, list[tree_sitter.Node]] = field(default_factory=dict)
    # Per-file values classifiers compute once and reuse for every node.
    memo: dict[str, Any] = field(default_factory=dict)
    is_ascii: bool = field(init=False)
    _lines: list[bytes] | None = field(init=False, default=None)
    _ascii_lines: list[bool] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        # Byte columns are character columns in an ASCII file: no conversion needed.
        self.is_ascii = self.data.isascii()

    def capture_starts(self, name: str) -> set[int]:
        """Start bytes of the nodes captured as `name`: a classifier asks whether its node
        was also captured there (a method, a docstring statement) instead of walking the
        tree, where every step up (`node.parent`) descends again from the root."""
        starts = self.memo.get(name)
        if starts is None:
            starts = self.memo[name] = {node.start_byte for node in self.captures.get(name, ())}
        return starts

    def inside(self, name: str, node: tree_sitter.Node) -> bool:
        """Whether `node` lies within a node captured as `name` (an f-string's replacement
        field, a declaration of types), found by bisecting the outermost captured ranges
        rather than by walking up the tree."""
        key = f"inside:{name}"
        ranges = self.memo.get(key)
        if ranges is None:
            starts: list[int] = []
            ends: list[int] = []
            # Outermost first where two start together; captured nodes nest, never overlap.
            for captured in sorted(
                self.captures.get(name, ()), key=lambda n: (n.start_byte, -n.end_byte)
            ):
                if not ends or captured.start_byte >= ends[-1]:
                    starts.append(captured.start_byte)
                    ends.append(captured.end_byte)
            ranges = self.memo[key] = starts, ends
        starts, ends = ranges
        index = bisect.bisect_right(starts, node.start_byte) - 1
        return index >= 0 and node.start_byte < ends[index]

    def text(self, node: tree_sitter.Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    @property
    def lines(self) -> list[bytes]:
        if self._lines is None:
            self._lines = self.data.split(b"\n")
        return self._lines

    @property
    def ascii_lines(self) -> list[bool]:
        """Per line, whether its byte columns are its character columns: in a file with a
        few non-ASCII lines, only those need converting."""
        if self._ascii_lines is None:
            self._ascii_lines = [line.isascii() for line in self.lines]
        return self._ascii_lines

    def char_point(self, point: tuple[int, int]) -> tuple[int, int]:
        row, byte_col = point
        if self.is_ascii or (row < len(self.ascii_lines) and self.ascii_lines[row]):
            return row, byte_col
        line = self.lines[row] if row < len(self.lines) else b""
        return row, len(line[:byte_col].decode("utf-8", "replace"))

    def byte_point(self, line: int, column: int) -> tuple[int, int]:
        if self.is_ascii:
            return line, column
        raw = self.lines[line] if line < len(self.lines) else b""
        return line, len(raw.decode("utf-8", "replace")[:column].encode())

    def node_at(
        self, tree: tree_sitter.Tree, line: int, column: int, end_line: int, end_column: int
    ) -> tree_sitter.Node | None:
        return tree.root_node.named_descendant_for_point_range(
            self.byte_point(line, column), self.byte_point(end_line, end_column)
        )
