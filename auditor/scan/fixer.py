"""Applying fixes: non-overlapping edits, verified by re-parsing, repeated to a fixed
point; and writing the result atomically."""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from auditor.model import FIX_ERROR, Edit, Finding, error_finding
from auditor.scan.source import split_lines

MAX_ROUNDS = 25

Scan = Callable[[str], list[Finding]]
# (text before, text after, the edits between them) -> what is wrong with the result, or
# None: it must parse, and change nothing the edits did not mean to change.
Check = Callable[[str, str, Sequence[Edit]], str | None]


@dataclass(frozen=True, slots=True)
class FileChange:
    """A file a fix changes (`--fix`) or would change (`--diff`)."""

    path: str  # relative to the project root
    before: str | None  # None: the fix creates the file
    after: str
    note: str = ""  # what else the write did: a hard link split (see auditor.scan.fileio)


@dataclass(frozen=True, slots=True)
class FixOutcome:
    text: str
    findings: tuple[Finding, ...]  # what is left after fixing, plus any fix errors
    applied: tuple[Finding, ...]  # the findings whose fixes were applied


def fixable(finding: Finding, unsafe: bool) -> bool:
    return finding.fix_for(unsafe) is not None


@dataclass(frozen=True, slots=True)
class Level:
    """Which fixes a run applies: unsafe ones too, and alternatives or only `fix`."""

    unsafe: bool
    alternatives: bool = True

    def pick(self, finding: Finding) -> Finding | None:
        """`finding` with the one fix this level applies as its `fix` (the most capable
        allowed, see `Finding.fix_for`: with `--unsafe-fixes`, an unsafe alternative
        replaces the safe fix rather than adding to it); None when none is allowed."""
        fix = finding.fix_for(self.unsafe, alternatives=self.alternatives)
        if fix is None:
            return None
        if fix is finding.fix and not finding.alternatives:
            return finding
        return replace(finding, fix=fix, alternatives=())

    def pick_in_file(self, finding: Finding) -> Finding | None:
        """`pick`, when the fix changes only the finding's file: the per-file fixer's. A
        fix that edits or creates another file is the project-wide phase's (it is not
        replaced by a less capable fix here)."""
        picked = self.pick(finding)
        if picked is None or picked.fix is None or not picked.fix.in_file(finding.path):
            return None
        return picked


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """`edits` must not overlap (see `select_fixes`)."""
    parts = []
    position = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        parts.append(text[position : edit.start])
        parts.append(edit.text)
        position = edit.end
    parts.append(text[position:])
    return "".join(parts)


def select_fixes(findings: Sequence[Finding]) -> list[Finding]:
    """A set of fixes whose edits do not overlap, first come first served; the others wait
    for the next round, when they are recomputed on the new text."""
    taken: list[Edit] = []  # sorted by position, pairwise disjoint
    chosen = []
    for finding in findings:
        assert finding.fix is not None
        edits = finding.fix.edits
        # Edits of one fix never overlap each other, so only the taken ones matter.
        if any(_collides(edit, taken) for edit in edits):
            continue
        for edit in edits:
            bisect.insort(taken, edit)
        chosen.append(finding)
    return chosen


def _collides(edit: Edit, taken: list[Edit]) -> bool:
    """Whether `edit` overlaps a taken edit: only its neighbours in position can."""
    at = bisect.bisect_left(taken, edit)
    return any(_overlap(edit, taken[i]) for i in (at - 1, at) if 0 <= i < len(taken))


def _overlap(a: Edit, b: Edit) -> bool:
    if a.start == a.end == b.start == b.end:
        return True  # two insertions at one point: their order would be a guess
    return a.start < b.end and b.start < a.end


def _edits(fixes: Sequence[Finding]) -> list[Edit]:
    return [e for f in fixes if f.fix is not None for e in f.fix.edits]


def _apply(text: str, fixes: Sequence[Finding]) -> str:
    return apply_edits(text, _edits(fixes))


def fix_text(
    text: str,
    findings: Sequence[Finding],
    scan: Scan,
    check: Check,
    *,
    unsafe: bool = False,
    alternatives: bool = True,
) -> FixOutcome:
    """Fix `findings` (the scan of `text`) until nothing fixable is left. Each finding
    contributes one fix, the most capable its level allows (`Level.pick`); without
    `alternatives`, its own `fix` (the harness's `fixed` examples). Only fixes that
    change this file alone are applied here (`Level.pick_in_file`); the others are left
    to the project-wide phase (auditor.scan.project_fix).

    A round whose result does not pass `check` (it does not parse, or it changed code
    outside the edits) is undone, and each rule whose fix fails the check on its own is
    refused for this file. A rule that keeps changing the file for
    MAX_ROUNDS rounds is refused too, and the fixing starts over from the original text
    without it, so a buggy rule never leaves its churn behind. Each refusal is reported
    as a fix-error finding."""
    if any(f.fix_pending for f in findings):
        # An offer without its edits would apply nothing, and every round would find it
        # again: the scan must compute the fixes (Engine.scan_text(..., fixes=True)).
        raise ValueError("fix_text was given fixes that are offered, not computed")
    errors: list[Finding] = []
    refused: set[str] = set()
    while True:
        level = Level(unsafe, alternatives)
        outcome = _fix_rounds(text, findings, scan, check, level, refused, errors)
        if outcome is not None:
            return outcome


def _fix_rounds(
    text: str,
    findings: Sequence[Finding],
    scan: Scan,
    check: Check,
    level: Level,
    refused: set[str],
    errors: list[Finding],
) -> FixOutcome | None:
    applied: list[Finding] = []
    for _ in range(MAX_ROUNDS):
        picked = (level.pick_in_file(f) for f in findings if f.rule_id not in refused)
        candidates = [f for f in picked if f is not None]
        if not candidates:
            return FixOutcome(text, (*findings, *errors), tuple(applied))
        chosen = select_fixes(candidates)
        new_text = _apply(text, chosen)
        if check(text, new_text, _edits(chosen)) is not None:
            # Together they fail: refuse the rules whose fixes fail alone, apply one of
            # the rest, and let the others be recomputed next round.
            for finding in chosen:
                problem = check(text, _apply(text, [finding]), _edits([finding]))
                if problem is not None and finding.rule_id not in refused:
                    refused.add(finding.rule_id)
                    message = f"fix of {finding.rule_id} refused: {problem}"
                    errors.append(error_finding(FIX_ERROR, finding.path, message, finding.start))
            chosen = [f for f in chosen if f.rule_id not in refused][:1]
            new_text = _apply(text, chosen)
        if chosen:
            text = new_text
            applied.extend(chosen)
            findings = scan(text)
    churning = {f.rule_id for f in findings if level.pick_in_file(f) is not None} - refused
    if not churning:  # the last round settled it
        return FixOutcome(text, (*findings, *errors), tuple(applied))
    for rule_id in sorted(churning):
        refused.add(rule_id)
        first = next(f for f in findings if f.rule_id == rule_id)
        message = f"fix of {rule_id} refused: it still changed the file after {MAX_ROUNDS} rounds"
        errors.append(error_finding(FIX_ERROR, first.path, message, first.start))
    return None


def unified_diff(path: str, before: str | None, after: str) -> str:
    """git's unified diff of a file; `before` None: the file is created (from /dev/null)."""
    lines = difflib.unified_diff(
        split_lines(before or "", keepends=True),
        split_lines(after, keepends=True),
        fromfile="/dev/null" if before is None else f"a/{path}",
        tofile=f"b/{path}",
    )
    return "".join(
        line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
        for line in lines
    )
