"""`# audit: ignore[rule-id, ...]` comments (`//` and `/* */` in JS/TS): on the flagged
line, or alone on the line above it. Without a list they suppress every rule."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from auditor.model import Finding

_IGNORE = re.compile(r"(?:^|[\s#/*])audit:\s*ignore(?:\[(?P<ids>[^\]]*)\])?")


@dataclass(frozen=True, slots=True)
class Comment:
    line: int
    text: str
    alone: bool  # nothing but whitespace before it on its line


@dataclass(frozen=True, slots=True)
class Suppression:
    line: int  # where the comment is
    rules: frozenset[str] | None  # None: every rule
    applies_to: frozenset[int]


def suppressions(comments: Iterable[Comment]) -> list[Suppression]:
    found = []
    for comment in comments:
        match = _IGNORE.search(comment.text)
        if match is None:
            continue
        ids = match.group("ids")
        rules = None if ids is None else frozenset(i.strip() for i in ids.split(",") if i.strip())
        lines = {comment.line, comment.line + 1} if comment.alone else {comment.line}
        found.append(Suppression(comment.line, rules, frozenset(lines)))
    return found


def is_suppressed(finding: Finding, active: Sequence[Suppression]) -> bool:
    if not finding.is_finding:
        return False  # a file we could not read or parse (all or part) is never silenced
    line = finding.start.line
    return any(
        line in s.applies_to and (s.rules is None or finding.rule_id in s.rules) for s in active
    )
