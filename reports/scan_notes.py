"""The notes of a scan's report: what the fixes did or left, the files not checked, the
sources, and what the gate hid. The text output ends with them; the command line repeats
the fixes' notes on stderr when the report goes elsewhere."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from reports.findings_text import plural

if TYPE_CHECKING:
    from auditor.scan.report import ScanReport
    from auditor.sources.report import SourceReport


def fix_notes(report: ScanReport, display: Callable[[str], str]) -> list[str]:
    """Hard links split by a write, files the fixes that span files created, and fixes
    left for a next run."""
    notes = [f"{display(c.path)}: {c.note}" for c in report.changes if c.note]
    if not report.diff:
        notes += [f"created {display(path)}" for path in report.created]
    notes += [skip.line(display) for skip in report.not_applied]
    return notes


def notes(report: ScanReport, display: Callable[[str], str], *, listed: bool) -> list[str]:
    """Every note, in the order the summary shows them (`listed`: -v names each file
    not checked)."""
    found = fix_notes(report, display)
    if report.skipped:
        found += skipped_notes(report.skipped, display, listed=listed)
    if report.sources:
        found.append(sources_note(report.sources))
    if report.new_since is not None:
        since = report.new_since
        found.append(
            f"{plural(since.hidden, 'finding')} already at the merge base of {since.ref}: "
            "not shown."
        )
        found += since.notes
    if report.baseline is not None:
        used = report.baseline
        found.append(f"{plural(used.hidden, 'finding')} in the baseline: not shown.")
        if used.fixed:
            found.append(f"{plural(len(used.fixed), 'baseline finding')} fixed:")
            found += [f"  {e.path}: {e.rule_id} {e.code}" for e in used.fixed]
        if used.updated:
            found.append(f"{used.file}: {plural(len(used.fixed), 'fixed entry')} removed.")
    return found


def skipped_notes(
    skipped: Sequence[tuple[str, str]], display: Callable[[str], str], *, listed: bool
) -> list[str]:
    """The summary's account of the files read but not checked, by reason; each named
    when `listed` (-v)."""
    reasons = Counter(reason for _, reason in skipped)
    counts = ", ".join(
        f"{plural(n, 'file')} skipped as {reason}" if i == 0 else f"{n} as {reason}"
        for i, (reason, n) in enumerate(sorted(reasons.items()))
    )
    hint = "" if listed else " (-v lists them; --no-skip-generated scans them)"
    lines = [f"{counts}: not checked{hint}."]
    if listed:
        lines += [f"  {display(path)}: {reason}" for path, reason in skipped]
    return lines


def sources_note(reports: Sequence[SourceReport]) -> str:
    parts = [
        f"{r.name} {plural(len(r.findings), 'finding')}" if r.ok else f"{r.name} failed"
        for r in reports
    ]
    return "Sources: " + ", ".join(parts) + "."
