"""`# audit: ignore[rule-id, ...]` comments (`//` and `/* */` in JS/TS): on the flagged
line, or alone on the line above it; `# audit: ignore-file[...]` anywhere: the whole file.
Without a list they suppress every rule."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from auditor.model import Edit, Finding, Fix, Location, Severity
from auditor.scan.source import LineIndex

_IGNORE = re.compile(
    r"(?:^|[\s#/*])audit:\s*ignore(?P<file>-file)?(?![\w-])(?:\[(?P<ids>[^\]]*)\])?"
)
EVERY_LINE = frozenset({0})  # applies_to of a file-level suppression


@dataclass(frozen=True, slots=True)
class Comment:
    line: int
    text: str
    alone: bool  # nothing but whitespace before it on its line
    column: int = 1  # 1-based, in characters


@dataclass(frozen=True, slots=True)
class Suppression:
    line: int  # where the comment is
    rules: frozenset[str] | None  # None: every rule
    applies_to: frozenset[int]  # EVERY_LINE: the whole file
    comment: Comment | None = None


def suppressions(comments: Iterable[Comment]) -> list[Suppression]:
    found = []
    for comment in comments:
        match = _IGNORE.search(comment.text)
        if match is None:
            continue
        ids = match.group("ids")
        rules = None if ids is None else frozenset(i.strip() for i in ids.split(",") if i.strip())
        if match.group("file"):
            lines = EVERY_LINE
        else:
            lines = frozenset({comment.line, comment.line + 1} if comment.alone else {comment.line})
        found.append(Suppression(comment.line, rules, lines, comment))
    return found


def is_suppressed(finding: Finding, active: Sequence[Suppression]) -> bool:
    if not finding.is_finding:
        return False  # a file we could not read or parse (all or part) is never silenced
    return any(_silences(s, finding) for s in active)


def _silences(suppression: Suppression, finding: Finding) -> bool:
    if finding.rule_id in IGNORE_RULES:
        return False  # a comment cannot silence what is said about it
    lines = suppression.applies_to
    return (lines is EVERY_LINE or finding.start.line in lines) and (
        suppression.rules is None or finding.rule_id in suppression.rules
    )


# What is said about the comments themselves.
INVALID_IGNORE = "invalid-ignore"  # names a rule id no installed rule has: always
UNUSED_IGNORE = "unused-ignore"  # silences nothing: with report-unused-ignores
IGNORE_RULES = frozenset({INVALID_IGNORE, UNUSED_IGNORE})
_ONLY_DIRECTIVE = re.compile(
    r"(?:#|//|/\*)\s*audit:\s*ignore(?:-file)?(?:\[[^\]]*\])?\s*(?:\*/)?\s*"
    r"|\{\s*/\*\s*audit:\s*ignore(?:-file)?(?:\[[^\]]*\])?\s*\*/\s*\}"  # JSX: {/* ... */}
)


def check_ignores(
    path: str,
    text: str,
    active: Sequence[Suppression],
    findings: Sequence[Finding],
    *,
    known: frozenset[str],
    enabled: frozenset[str],
    report_unused: bool,
) -> list[Finding]:
    """Findings about the comments: ids no rule has (always), and, with `report_unused`,
    comments that silence none of `findings` (ids of rules `enabled` here only: another
    selection may need them), with a fix that removes a comment that is only the
    directive."""
    out: list[Finding] = []
    index: LineIndex | None = None
    for suppression in active:
        comment = suppression.comment
        if comment is None:
            continue
        at = Location(comment.line, comment.column)
        end = Location(comment.line, comment.column + len(comment.text))
        # `ruff:F401`, `mypy:arg-type`: another tool's ids, which its source knows.
        ours = {r for r in suppression.rules or () if ":" not in r}
        unknown = sorted(ours - known)
        if unknown:
            names = ", ".join(repr(u) for u in unknown)
            message = f"`{comment.text.strip()}` names no rule: {names} (see `audit rules`)"
            out.append(Finding(INVALID_IGNORE, Severity.MEDIUM, path, at, end, message))
            continue
        if not report_unused:
            continue
        if suppression.rules is not None and not suppression.rules & enabled:
            continue  # about rules that do not run here, or another tool's
        if any(_silences(suppression, f) for f in findings if f.is_finding):
            continue
        fix = None
        if _ONLY_DIRECTIVE.fullmatch(comment.text):
            index = index or LineIndex(text)
            start = index.offset(at)
            stop = start + len(comment.text)
            newline = text.find("\n", stop)
            line_end = len(text) if newline < 0 else newline + 1
            if comment.alone and not text[stop:line_end].strip():
                start, stop = index.offset(Location(comment.line, 1)), line_end
            elif comment.alone:  # `/* ... */ code`: the code stays where it was
                while stop < len(text) and text[stop] in " \t":
                    stop += 1
            else:
                while start > 0 and text[start - 1] in " \t":
                    start -= 1
            fix = Fix((Edit(start, stop, ""),), "remove the unused ignore comment")
        message = f"`{comment.text.strip()}` silences nothing here"
        out.append(Finding(UNUSED_IGNORE, Severity.LOW, path, at, end, message, fix))
    return out
