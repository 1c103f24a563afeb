"""The progress report for leads: Markdown and HTML from the tracker's state (Jinja2).

Deterministic: the same state gives the same bytes, so the report can be committed and
diffed. Every value in the HTML is autoescaped and the page has no script; the Markdown
escapes what would turn a commit subject or a message into markup with backslashes, so the
raw file stays readable. Everything derived for display (words, percentages, the chart's
geometry) is computed here from the state.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import quote

import markupsafe

from auditor.track.state import COMPLETE, SEVERITIES, IssueState, TrackerState, UnreadSpan
from reports.burn_down import burn_down
from reports.headline import FOLD, fixed_cell, issues_line, not_started, severity_line, started

if TYPE_CHECKING:
    import jinja2

PERIOD_LABELS = {"day": "Day", "week": "Week", "month": "Month"}
STATUS_LABELS = {
    "complete": "Complete",
    "in-progress": "In progress",
    "not-started": "Not started",
    "wont-fix": "Won't fix",
    "unknown": "Unknown (files unreadable or a source not snapshotted)",
}


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def day(iso: str | None) -> str:
    return iso[:10] if iso else "unknown"


def percent(fixed: int, open_: int) -> str:
    """Progress as shown: floored, like the tracker's; a dash when there is nothing."""
    return f"{100 * fixed // (fixed + open_)} %" if fixed + open_ else "\u2013"


def unattributed(issue: IssueState) -> int:
    """Fixes that happened while the file could not be read: credited to no commit."""
    return sum(1 for r in issue.fixed if r.commit is None)


def fixable_words(safe: int, unsafe: int) -> str:
    """`2 fixable with `audit scan --fix`, 1 more with `--unsafe-fixes``: the safe count
    alone is what `--fix` does; the unsafe ones are said apart. '' when none."""
    if not safe + unsafe:
        return ""
    if not unsafe:
        return f"{safe} fixable with `audit scan --fix`"
    more = f"{unsafe} more with `--unsafe-fixes` (to review)"
    return f"{safe} fixable with `audit scan --fix`, {more}" if safe else more.replace(" more", "")


def fixable_summary(state: TrackerState) -> str:
    safe, unsafe = state.fixable_safe, state.fixable_unsafe
    if not safe + unsafe:
        return ""
    text = f"{plural(safe, 'open finding')} {'is' if safe == 1 else 'are'} fixable with `audit scan --fix`"
    if unsafe:
        text += (
            f"; {unsafe} more with `audit scan --fix --unsafe-fixes`, whose changes need a review"
        )
    return text + "."


def unreadable_summary(state: TrackerState, path: Callable[[str], str] = str) -> str:
    """Where findings are unknown, in words; '' when every file could always be read."""
    u = state.unreadable
    if not (u.files or u.commits or u.at_head):
        return ""
    text = f"findings unknown in {plural(u.files, 'file')} over {plural(u.commits, 'commit')}"
    if u.first_date and u.last_date:
        text += (
            f", on {day(u.first_date)}"
            if day(u.first_date) == day(u.last_date)
            else f", from {day(u.first_date)} to {day(u.last_date)}"
        )
    if u.at_head:
        text += "; at HEAD: " + ", ".join(path(p) for p in u.at_head)
    else:
        text += "; every file is readable at HEAD"
    periods = [_period(span, path) for span in u.spans[:FOLD]]
    if len(u.spans) > FOLD:
        periods.append(f"and {plural(len(u.spans) - FOLD, 'more period')}")
    return text + (". " + "; ".join(periods) if periods else "")


def _period(span: UnreadSpan, path: Callable[[str], str]) -> str:
    """`app/old.py` (cannot parse: invalid syntax at 3:7), from 2025-10-02 to 2025-10-05."""
    since = f"from {day(span.since)}" if span.since else "from before the tracked range"
    until = f"to {day(span.until)}" if span.until else "still at HEAD"
    return f"{path(span.path)} ({span.reason}), {since} {until}"


def skipped_summary(state: TrackerState, path: Callable[[str], str] = str) -> str:
    """The files HEAD holds that the scan skips (generated, minified), in words; ''
    when none."""
    if not state.skipped:
        return ""
    reasons: dict[str, list[str]] = {}
    for file, reason in state.skipped:
        reasons.setdefault(reason, []).append(file)
    parts = [
        f"{plural(len(files), 'file')} as {reason} ({', '.join(path(f) for f in files)})"
        for reason, files in sorted(reasons.items())
    ]
    return "skipped: " + "; ".join(parts) + "; their findings are not counted"


def progress_words(issue: IssueState) -> str:
    """The per-issue progress line, without markup."""
    if issue.tracked_by == "commits":
        return f"tracked by its commits: {plural(len(issue.commits), 'commit')}"
    text = f"{issue.percent} %: {len(issue.fixed)} fixed, {len(issue.open)} open"
    out = sum(1 for r in issue.removed if r.outcome == "moved out of scope")
    if issue.removed and not out:
        text += f"; {len(issue.removed)} removed with their files (not progress)"
    elif issue.removed:
        gone = len(issue.removed) - out
        text += (
            f"; {len(issue.removed)} removed ({gone} with their files, {out} moved out of scope)"
        )
    if issue.suppressed:
        text += f"; {len(issue.suppressed)} suppressed by `audit: ignore` comments (excluded)"
    return text


def completed(state: TrackerState) -> list[IssueState]:
    return [i for i in state.issues if not i.excluded and i.status == COMPLETE]


def pending(state: TrackerState) -> list[IssueState]:
    return [i for i in state.issues if not i.excluded and i.status != COMPLETE]


def excluded(state: TrackerState) -> list[IssueState]:
    return [i for i in state.issues if i.excluded]


def next_actions(state: TrackerState) -> list[IssueState]:
    """What is left, most severe first, then the most open findings: every issue not
    complete (or marked complete against its findings) and not excluded."""
    rank = {label: i for i, label in enumerate(SEVERITIES)}
    left = [i for i in pending(state)] + [i for i in completed(state) if i.contradiction]
    return sorted(left, key=lambda i: (rank[i.severity], -len(i.open), i.id))


# ---------------------------------------------------------------------------------------
# Markdown text


_CODE_SPAN = re.compile(r"(`[^`]+`)")
# Backslash escapes (CommonMark: any ASCII punctuation may be escaped): raw HTML, emphasis,
# links, table cells, strikethrough, stray backticks. `_` only where it could start or end
# emphasis (not inside snake_case words), `&` only where it would start an entity.
_MARKUP = re.compile(r"[\\`*\[\]<>|~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|&(?=#?[A-Za-z0-9]+;)")


def markdown_text(value: object) -> str:
    """Text from commits, code and issues.yaml in Markdown: one line, no raw HTML, no
    emphasis, links or table breaks, by backslash escapes that read well in the raw file
    (`fix <script>` becomes `fix \\<script\\>`). `code spans` are kept, as rule messages
    use them: inside them nothing is markup, and only `|` needs escaping (GFM tables)."""
    parts = _CODE_SPAN.split(" ".join(str(value).split()))
    return "".join(
        part.replace("|", "\\|") if index % 2 else _MARKUP.sub(r"\\\g<0>", part)
        for index, part in enumerate(parts)
    )


def markdown_code(value: object) -> str:
    """A value (a path, a rule id) as a code span: backticks in it widen the fence."""
    text = " ".join(str(value).split()).replace("|", "\\|")
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def safe_url(url: str | None) -> str | None:
    """An http(s) URL with what could end a Markdown link or an attribute percent-encoded;
    None for anything else (no `javascript:` links)."""
    if not url or not re.match(r"https?://", url, re.IGNORECASE):
        return None
    return quote(url, safe=":/?#@!$&'*+,;=%~-._")


def markdown_link(text: str, url: str | None) -> str:
    """`text` (already Markdown) linked to `url` when it is a safe one."""
    target = safe_url(url)
    return f"[{text}]({target})" if target else text


def code_spans(value: object) -> markupsafe.Markup:
    """HTML for a message: escaped, with its `code spans` set in <code>."""
    parts = _CODE_SPAN.split(str(value))
    return markupsafe.Markup("").join(
        markupsafe.Markup("<code>{}</code>").format(part[1:-1])
        if index % 2
        else markupsafe.escape(part)
        for index, part in enumerate(parts)
    )


# ---------------------------------------------------------------------------------------
# Rendering


@cache
def _environment(html: bool) -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("reports", "templates"),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_text
    env.filters["code"] = markdown_code
    env.filters["code_spans"] = code_spans
    env.filters["day"] = day
    env.filters["title"] = lambda s: s[:1].upper() + s[1:]
    env.filters["safe_url"] = safe_url
    env.globals.update(
        status_label=lambda status: STATUS_LABELS.get(status, status),
        plural=plural,
        percent=percent,
        unattributed=unattributed,
        fixable_words=fixable_words,
        progress_words=progress_words,
        issues_line=issues_line,
        severity_line=severity_line,
        started=started,
        not_started=not_started,
        fixed_cell=fixed_cell,
        fold=FOLD,
        link=markdown_link,
    )
    return env


def _context(state: TrackerState, cap: int, html: bool) -> dict[str, object]:
    code: Callable[[str], str] = str if html else markdown_code
    return {
        "state": state,
        "completed": completed(state),
        "pending": pending(state),
        "excluded": excluded(state),
        "next_actions": next_actions(state),
        "all_complete": sum(t.complete for t in state.totals),
        "all_issues": sum(t.issues for t in state.totals),
        "fixable_summary": fixable_summary(state),
        "unreadable_summary": unreadable_summary(state, code),
        "skipped_summary": skipped_summary(state, code),
        "cap": cap,
        "severities": SEVERITIES,
        "chart": burn_down(state) if html else None,
        "period_label": PERIOD_LABELS.get(state.trend_period, "Week"),
    }


def render_markdown(state: TrackerState, cap: int = 10) -> str:
    template = _environment(False).get_template("progress.md.j2")
    return template.render(_context(state, cap, html=False))


def render_html(state: TrackerState, cap: int = 25) -> str:
    template = _environment(True).get_template("progress.html.j2")
    return template.render(_context(state, cap, html=True))
