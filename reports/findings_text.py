"""`audit scan` text output: one finding a line, `path:line:col: severity rule-id message`,
then a summary."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from auditor.model import FIX_ERROR, Finding, Severity

if TYPE_CHECKING:
    from auditor.scan.report import ScanReport
    from reports.formats import RenderContext

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """One line, with no control characters: a scanned file's contents must not be able
    to move the cursor or recolour the terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


_RESET = "\x1b[0m"
_STYLES = {
    "path": "\x1b[1m",  # bold
    "position": "\x1b[2m",  # dim
    "rule": "\x1b[36m",  # cyan
    "critical": "\x1b[1;31m",
    "high": "\x1b[31m",
    "medium": "\x1b[33m",
    "low": "\x1b[34m",
    "warning": "\x1b[33m",
}


def _styled(text: str, style: str, colour: bool) -> str:
    return f"{_STYLES[style]}{text}{_RESET}" if colour else text


def finding_line(finding: Finding, display: Callable[[str], str], *, colour: bool = False) -> str:
    """`path:line:col: severity rule-id message`; with `colour`, ANSI styles around the
    parts (the message, the scanned file's own text, is never styled or trusted)."""
    label = "warning" if finding.is_warning else finding.severity.label
    style = "critical" if finding.is_error else label
    return (
        f"{_styled(clean(display(finding.path)), 'path', colour)}"
        f"{_styled(f':{finding.start.line}:{finding.start.column}:', 'position', colour)} "
        f"{_styled(label, style, colour)} {_styled(finding.rule_id, 'rule', colour)} "
        f"{clean(finding.message)}"
    )


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(
    findings: Sequence[Finding],
    *,
    files: int,
    fixed: int = 0,
    fixable_safe: int = 0,
    fixable_unsafe: int = 0,
) -> list[str]:
    errors = [f for f in findings if f.is_error]
    warnings = [f for f in findings if f.is_warning]
    issues = [f for f in findings if f.is_finding]
    lines = []
    if fixed:
        lines.append(f"Fixed {plural(fixed, 'finding')}.")
    if issues:
        counts = Counter(f.severity for f in issues)
        parts = ", ".join(
            f"{counts[s]} {s.label}" for s in sorted(Severity, reverse=True) if counts[s]
        )
        in_files = plural(len({f.path for f in issues}), "file")
        remaining = "remaining " if fixed else ""
        lines.append(
            f"Found {plural(len(issues), remaining + 'finding')} ({parts}) in {in_files}; "
            f"{plural(files, 'file')} scanned."
        )
    else:
        lines.append(f"No findings; {plural(files, 'file')} scanned.")
    unchecked = [f for f in errors if f.rule_id != FIX_ERROR]
    unfixed = [f for f in errors if f.rule_id == FIX_ERROR]
    if unchecked:
        kinds = ", ".join(sorted({f.rule_id for f in unchecked}))
        lines.append(f"{plural(len(unchecked), 'error')} ({kinds}): some code was not checked.")
    if unfixed:
        lines.append(f"{plural(len(unfixed), 'error')} ({FIX_ERROR}): some fixes were not applied.")
    if warnings:
        kinds = ", ".join(sorted({f.rule_id for f in warnings}))
        what = "not checked" if any(not _fixes_only(f) for f in warnings) else "not fixed"
        lines.append(
            f"{plural(len(warnings), 'warning')} ({kinds}): some code was {what}, through a "
            "limit of the parser; the exit code ignores it."
        )
    if fixable_safe:
        lines.append(f"{fixable_safe} fixable with `audit scan --fix`.")
    if fixable_unsafe:
        lines.append(f"{fixable_unsafe} more fixable with `audit scan --fix --unsafe-fixes`.")
    return lines


def render(
    findings: Sequence[Finding],
    display: Callable[[str], str],
    *,
    files: int,
    fixed: int = 0,
    fixable_safe: int = 0,
    fixable_unsafe: int = 0,
    notes: Sequence[str] = (),
    colour: bool = False,
    by_rule: bool = False,
    quiet: bool = False,
    verbose: bool = False,
    urls: Mapping[str, str] | None = None,
) -> str:
    """`by_rule`: counts per rule (--statistics) instead of one line a finding; `quiet`:
    the findings only; `verbose`: each finding's detail (a crashing rule's traceback),
    and at the end the documentation of each rule that has findings (`urls`)."""
    if by_rule:
        from reports.statistics import statistics  # --statistics only

        lines = statistics(findings)
    else:
        lines = []
        for finding in findings:
            lines.append(finding_line(finding, display, colour=colour))
            if verbose and finding.detail:
                lines += ["    " + clean(line) for line in finding.detail.splitlines()]
    if quiet:
        return "\n".join(lines) + "\n" if lines else ""
    if verbose and urls:
        shown = sorted({f.rule_id for f in findings} & set(urls))
        lines += [f"{rule}: {urls[rule]}" for rule in shown]
    lines += [clean(note) for note in notes]
    lines += summary(
        findings,
        files=files,
        fixed=fixed,
        fixable_safe=fixable_safe,
        fixable_unsafe=fixable_unsafe,
    )
    return "\n".join(lines) + "\n"


def render_report(report: ScanReport, context: RenderContext) -> str:
    from reports.scan_notes import notes

    urls: Mapping[str, str] = {}
    if context.verbose and context.project is not None:
        from auditor.scan.loading import rule_urls

        urls = rule_urls(context.project.registry, context.project.config.docs_url)
    counts = report.counts
    return render(
        report.findings,
        context.display,
        files=counts.files,
        fixed=counts.fixed,
        fixable_safe=counts.fixable_safe,
        fixable_unsafe=counts.fixable_unsafe,
        notes=notes(report, context.display, listed=context.verbose),
        colour=context.colour,
        by_rule=context.statistics,
        quiet=context.quiet,
        verbose=context.verbose,
        urls=urls,
    )


def _fixes_only(warning: Finding) -> bool:
    """A parse-limit that cost only the fixes: the file was checked (on `ast`), and LibCST,
    which writes the fixes, refused it."""
    return warning.message.endswith("; its fixes are not applied")
