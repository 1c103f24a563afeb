"""The findings of the last version of a document that parsed, carried to a version that
does not (as ruff's server keeps them while a syntax error is being typed): each moved
by the lines inserted or deleted above it, and dropped when a line it covers changed.

Which lines moved where comes from the two texts (the editor sends whole documents):
the lines they share at the top and bottom, and between them the runs of equal lines a
diff finds. A carried finding keeps its message and range and loses its fixes, whose
offsets are the old text's: no code action is offered for it (nor could one be: the
fixer and the suppression check refuse any result that does not parse). Pure."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import replace

from auditor.model import Finding, Location
from auditor.scan.source import common_ends, split_lines


def line_map(old: str, new: str) -> dict[int, int]:
    """0-based line of `old` -> its line in `new`, for the lines that are unchanged."""
    before, after = split_lines(old, keepends=True), split_lines(new, keepends=True)
    # A last line without its line break is unchanged only if it stays the last one.
    top, bottom = common_ends(before, after)
    moved = {line: line for line in range(top)}
    delta = len(after) - len(before)
    moved.update({line: line + delta for line in range(len(before) - bottom, len(before))})
    a, b = before[top : len(before) - bottom], after[top : len(after) - bottom]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for i, j, size in matcher.get_matching_blocks():
        moved.update({top + i + k: top + j + k for k in range(size)})
    return moved


def carried(old: str, findings: Sequence[Finding], new: str) -> list[Finding]:
    """`findings` of the text `old`, moved to the text `new`: those whose lines are all
    unchanged, by the lines inserted or deleted above them."""
    moved = line_map(old, new)
    out = []
    for finding in findings:
        first, last = finding.start.line - 1, max(finding.end.line, finding.start.line) - 1
        at = moved.get(first)
        if at is None or any(
            moved.get(line) != at + line - first for line in range(first, last + 1)
        ):
            continue
        shift = at - first
        out.append(
            replace(
                finding,
                start=Location(finding.start.line + shift, finding.start.column),
                end=Location(finding.end.line + shift, finding.end.column),
                fix=None,
                alternatives=(),
            )
        )
    return out
