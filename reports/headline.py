"""The report's header in words a lead reads in a minute: issues by status and by
severity, counted from the same numbers as the sections below, so that every total is
the sum of its parts."""

from __future__ import annotations

from auditor.track.state import (
    COMPLETE,
    IN_PROGRESS,
    NOT_STARTED,
    UNKNOWN,
    WONT_FIX,
    IssueState,
    TrackerState,
)

# In the order a lead asks: what is done, what is moving, what is waiting.
_ORDER = ((COMPLETE, "complete"), (IN_PROGRESS, "in progress"), (NOT_STARTED, "not started"))
_ASIDE = ((UNKNOWN, "unknown"), (WONT_FIX, "won't fix (left out of progress)"))
FOLD = 5  # lists longer than this show their first few and a count


def issues_line(state: TrackerState) -> str:
    """`12: 4 complete, 3 in progress, 4 not started, 1 won't fix (left out of progress)`;
    the parts always add up to the number of issues."""
    issues = state.issues
    count = {
        status: sum(1 for i in issues if i.status == status) for status, _ in (*_ORDER, *_ASIDE)
    }
    parts = [f"{count[s]} {words}" for s, words in _ORDER]
    parts += [f"{count[s]} {words}" for s, words in _ASIDE if count[s]]
    return f"{len(issues)}: " + ", ".join(parts)


def severity_line(state: TrackerState) -> str:
    """`Critical 4/4 complete, High 2/5 complete`: the severities that have issues
    (won't-fix issues left out, as in the statistics)."""
    return ", ".join(
        f"{t.severity[:1].upper()}{t.severity[1:]} {t.complete}/{t.issues} complete"
        for t in state.totals
        if t.issues
    )


def not_started(issues: list[IssueState]) -> list[IssueState]:
    """Issues nobody has touched: shown as one compact table, not a block each."""
    return [i for i in issues if i.status == NOT_STARTED and not i.commits]


def started(issues: list[IssueState]) -> list[IssueState]:
    waiting = {id(i) for i in not_started(issues)}
    return [i for i in issues if id(i) not in waiting]


def fixed_cell(fixed: int, withdrawn: int) -> str:
    """A commit's Fixed column: the fixes that stand (the column adds up to the issue's
    fixed count), and in words those a later commit undid."""
    if not withdrawn:
        return str(fixed)
    made = fixed + withdrawn
    if not fixed:
        undone = "reverted later" if made == 1 else f"all {made} reverted later"
    else:
        undone = f"{withdrawn} reverted later"
    return f"{fixed} ({made} fixed, {undone})"
