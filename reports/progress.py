"""The progress report for leads: Markdown and HTML from the tracker's state (Jinja2).

Deterministic: the same state gives the same bytes, so the report can be committed and
diffed. Every value in the HTML is autoescaped and the page has no script; the Markdown
escapes what would turn a commit subject or a message into markup with backslashes, so the
raw file stays readable. Everything derived for display (words, percentages, the chart's
geometry) is computed here from the state.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import quote

import markupsafe

from auditor.track.state import COMPLETE, SEVERITIES, IssueState, TrackerState

if TYPE_CHECKING:
    import jinja2

# Okabe-Ito: told apart with the common colour-vision deficiencies; each line also has
# its own dash pattern, so critical and high differ without colour too.
COLOURS = {"critical": "#D55E00", "high": "#E69F00", "medium": "#0072B2", "low": "#009E73"}
DASHES = {"critical": "", "high": "9 4", "medium": "2 3", "low": "10 3 2 3"}
STATUS_LABELS = {
    "complete": "Complete",
    "in-progress": "In progress",
    "not-started": "Not started",
    "wont-fix": "Won't fix",
    "unknown": "Unknown (files unreadable or a source not snapshotted)",
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


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
    """`3 fixable (2 safe, 1 with `--unsafe-fixes`)`, or '' when nothing is."""
    if not safe + unsafe:
        return ""
    if not unsafe:
        return f"{safe} fixable with `audit scan --fix`"
    return f"{safe + unsafe} fixable ({safe} safe, {unsafe} with `--unsafe-fixes`)"


def fixable_summary(state: TrackerState) -> str:
    total = state.fixable_safe + state.fixable_unsafe
    if not total:
        return ""
    verb = "is" if total == 1 else "are"
    return (
        f"{total} of the open findings {verb} fixable with `audit scan --fix` "
        f"({state.fixable_safe} safe, {state.fixable_unsafe} more with `--unsafe-fixes`)."
    )


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
    return text


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
# The burn-down chart: inline SVG, no script.
#
# The outer <svg> has no viewBox: it is as wide as the page column and a fixed height in CSS
# px, so its text is set in CSS px and stays legible on a phone. The lines are drawn in an
# inner <svg> that stretches a 0..1000 x range over the full width (preserveAspectRatio
# none, non-scaling strokes); x positions of text and ticks are percentages of the width.

PLOT_TOP = 18  # px: room for the top y label
PLOT_BOTTOM = 198  # px: the x axis
CHART_HEIGHT = 226  # px: x labels below the axis
X_RANGE = 1000  # the inner svg's x units


@dataclass(frozen=True, slots=True)
class Series:
    severity: str
    colour: str
    dash: str
    points: str  # SVG polyline points, inner coordinates: a step line
    last: int  # open at HEAD, by the statistics table


@dataclass(frozen=True, slots=True)
class Tick:
    position: float  # y in px, or x in percent of the width
    label: str
    anchor: str = "middle"


@dataclass(frozen=True, slots=True)
class Span:
    x: float  # inner x units
    width: float
    left: float  # percent of the width, for the label
    anchor: str


@dataclass(frozen=True, slots=True)
class Chart:
    height: int
    top: int
    bottom: int
    x_range: int
    axis_max: int
    series: tuple[Series, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    unknown: tuple[Span, ...]
    first_date: str
    last_date: str


def _seconds(iso: str) -> float:
    stamp = dt.datetime.fromisoformat(iso)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.timestamp()


def _nice_step(top: int) -> int:
    """The y grid's step: 1, 2 or 5 times a power of ten, for at most five intervals."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if top <= 5 * step * factor:
                return step * factor
        step *= 10


def _anchor(percent_x: float) -> str:
    return "start" if percent_x < 6 else "end" if percent_x > 94 else "middle"


def _month_start(year: int, month: int) -> dt.datetime:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return dt.datetime(year, month, 1, tzinfo=dt.UTC)


def _time_ticks(start: float, end: float) -> list[tuple[float, str]]:
    """Dates on the x axis: whole days or months, at most six."""
    span_days = (end - start) / 86400
    first = dt.datetime.fromtimestamp(start, dt.UTC)
    for step in (1, 2, 7, 14):
        if span_days / step <= 5:
            midnight = dt.datetime(first.year, first.month, first.day, tzinfo=dt.UTC)
            if midnight.timestamp() < start:
                midnight += dt.timedelta(days=1)
            ticks = []
            while midnight.timestamp() <= end:
                ticks.append(
                    (midnight.timestamp(), f"{_MONTHS[midnight.month - 1]} {midnight.day}")
                )
                midnight += dt.timedelta(days=step)
            return ticks
    for months in (1, 2, 3, 6, 12, 24, 60, 120):
        if span_days / (30.44 * months) <= 5:
            break
    at = _month_start(first.year, first.month)
    if at.timestamp() < start:
        at = _month_start(first.year, first.month + 1)
    while (at.month - 1) % months and months <= 12:  # align: quarters start in Jan, Apr...
        at = _month_start(at.year, at.month + 1)
    ticks = []
    while at.timestamp() <= end:
        label = f"{at.year}" if months >= 12 else f"{_MONTHS[at.month - 1]} {at.year}"
        ticks.append((at.timestamp(), label))
        at = _month_start(at.year, at.month + months)
    return ticks


def burn_down(state: TrackerState) -> Chart | None:
    """Open findings per issue severity after every tracked commit, placed by commit date,
    as step lines (a count holds until the next commit changes it)."""
    points = state.timeline
    dated = [p for p in points if p.date]
    if len(points) < 2 or not dated:
        return None
    # Committer dates on the first-parent line almost always rise; where one does not,
    # the point is drawn at the previous one's time rather than back in time.
    # The first point is the state before the first tracked commit (the base commit may
    # be years older): it is drawn at the left margin, not at its own date.
    times: list[float] = [0.0]
    for p in points[1:]:
        t = _seconds(p.date or dated[-1].date or "")
        times.append(max(t, times[-1]) if len(times) > 1 else t)
    start, end = times[1], times[-1]
    if end - start < 86400:  # at least a day wide, centred on the commits
        widen = (86400 - (end - start)) / 2
        start, end = start - widen, end + widen
    # A margin either side: the state before the first commit shows left of it, and the
    # state after HEAD (with any unknown span at HEAD) right of the last one.
    pad = (end - start) * 0.03
    start, end = start - pad, end + pad
    times[0] = start

    def x(t: float) -> float:
        return X_RANGE * (t - start) / (end - start)

    shown = [s for s in SEVERITIES if any(p.open.get(s, 0) for p in points)]
    top = max((p.open.get(s, 0) for p in points for s in shown), default=0)
    step = _nice_step(max(top, 1))
    axis_max = step * -(-max(top, 1) // step)
    height = PLOT_BOTTOM - PLOT_TOP

    def y(value: int) -> float:
        return PLOT_BOTTOM - height * value / axis_max

    totals = {t.severity: t.open for t in state.totals}
    series = []
    for severity in shown:
        values = [p.open.get(severity, 0) for p in points]
        coords = [(x(times[0]), y(values[0]))]
        for t, before, value in zip(times[1:], values, values[1:], strict=False):
            coords += [(x(t), y(before)), (x(t), y(value))]
        coords.append((X_RANGE, y(values[-1])))
        text = [f"{cx:.1f},{cy:.1f}" for cx, cy in coords]
        series.append(
            Series(
                severity,
                COLOURS[severity],
                DASHES[severity],
                " ".join(a for i, a in enumerate(text) if i == 0 or a != text[i - 1]),
                totals.get(severity, values[-1]),
            )
        )
    y_ticks = tuple(Tick(round(y(v), 1), str(v), "start") for v in range(0, axis_max + 1, step))
    x_ticks = []
    for t, label in _time_ticks(start, end):
        left = round(100 * (t - start) / (end - start), 2)
        x_ticks.append(Tick(left, label, _anchor(left)))
    # The unknown spans: from a commit with unreadable files to the next commit.
    spans: list[list[float]] = []
    for i, p in enumerate(points):
        if not p.unreadable:
            continue
        left_x = x(times[i])
        right_x = x(times[i + 1]) if i + 1 < len(points) else X_RANGE
        if spans and spans[-1][1] >= left_x:
            spans[-1][1] = max(spans[-1][1], right_x)
        else:
            spans.append([left_x, right_x])
    unknown = []
    for left_x, right_x in spans:
        width = max(right_x - left_x, 4.0)
        left_x = min(left_x, X_RANGE - width)
        label_at = round(100 * left_x / X_RANGE, 2)
        anchor = "end" if label_at > 70 else "start"
        if anchor == "end":
            label_at = round(100 * (left_x + width) / X_RANGE, 2)
        unknown.append(Span(round(left_x, 1), round(width, 1), label_at, anchor))
    return Chart(
        height=CHART_HEIGHT,
        top=PLOT_TOP,
        bottom=PLOT_BOTTOM,
        x_range=X_RANGE,
        axis_max=axis_max,
        series=tuple(series),
        y_ticks=y_ticks,
        x_ticks=tuple(x_ticks),
        unknown=tuple(unknown),
        first_date=day(dated[0].date),
        last_date=day(dated[-1].date),
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
        link=markdown_link,
    )
    return env


def _context(state: TrackerState, cap: int, html: bool) -> dict[str, object]:
    counts = {label: sum(1 for i in state.issues if i.severity == label) for label in SEVERITIES}
    code: Callable[[str], str] = str if html else markdown_code
    return {
        "state": state,
        "counts": counts,
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
        "colours": COLOURS,
        "dashes": DASHES,
        "chart": burn_down(state) if html else None,
        "period_label": "Month" if state.trend_period == "month" else "Week",
    }


def render_markdown(state: TrackerState, cap: int = 10) -> str:
    template = _environment(False).get_template("progress.md.j2")
    return template.render(_context(state, cap, html=False))


def render_html(state: TrackerState, cap: int = 25) -> str:
    template = _environment(True).get_template("progress.html.j2")
    return template.render(_context(state, cap, html=True))
