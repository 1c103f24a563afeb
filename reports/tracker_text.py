"""`audit issues list`: the tracker's state as a table for the terminal."""

from __future__ import annotations

from auditor.track.state import TrackerState
from reports.findings_text import clean, plural
from reports.progress import unreadable_summary


def render_list(state: TrackerState) -> str:
    rows = [("id", "severity", "status", "open", "fixed", "removed", "done", "title")]
    for issue in state.issues:
        status = issue.status + (" (!)" if issue.contradiction else "")
        rows.append(
            (
                clean(issue.id),
                issue.severity,
                status,
                str(len(issue.open)),
                str(len(issue.fixed)),
                str(len(issue.removed)),
                "-" if issue.percent is None else f"{issue.percent}%",
                clean(issue.title),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = [
        "  ".join([*(c.ljust(w) for c, w in zip(row, widths, strict=False)), row[-1]]).rstrip()
        for row in rows
    ]
    lines += [f"{i.id}: {clean(i.contradiction)}" for i in state.issues if i.contradiction]
    for group in state.untracked:
        lines.append(f"untracked: {group.rule_id}: {plural(len(group.findings), 'finding')}")
    summary = (
        f"{plural(state.fixed, 'finding')} fixed, {state.removed} removed, "
        f"{state.open} open ({state.percent}% done)"
    )
    if state.history:
        summary += f" over {plural(state.commits_scanned, 'commit')}"
    lines.append(summary + ".")
    if state.excluded:
        lines.append(
            f"excluded: {plural(state.excluded, 'open finding')} of won't-fix issues, "
            "not in the totals."
        )
    unknown = unreadable_summary(state)
    if unknown:
        lines.append(f"unknown: {clean(unknown)}.")
    if state.history_note:
        lines.append(f"note: {state.history_note}")
    return "\n".join(lines) + "\n"
