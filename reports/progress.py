"""The progress report for leads: Markdown and HTML from the tracker's state (Jinja2).

Deterministic: the same state gives the same bytes, so the report can be committed and
diffed. Every value in the HTML is autoescaped; the Markdown escapes what would turn a
commit subject or a message into markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import jinja2
import markupsafe

from auditor.tracker import COMPLETE, SEVERITIES, WONT_FIX, IssueState, TrackerState

COLOURS = {"critical": "#b91c1c", "high": "#c2410c", "medium": "#a16207", "low": "#4d7c0f"}
STATUS_LABELS = {
    "complete": "Complete",
    "in-progress": "In progress",
    "not-started": "Not started",
    "wont-fix": "Won't fix",
}


@dataclass(frozen=True, slots=True)
class Series:
    severity: str
    colour: str
    points: str  # SVG polyline points
    last: int


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    top: int  # the largest open count: the y axis runs from 0 to it
    series: tuple[Series, ...]
    first_date: str
    last_date: str


def burn_down(state: TrackerState, width: int = 640, height: int = 200) -> Chart | None:
    """Open findings per severity after every tracked commit, as polylines."""
    points = state.timeline
    if len(points) < 2:
        return None
    top = max(max(p.open.values()) for p in points) or 1
    step = width / (len(points) - 1)
    series = []
    for severity in SEVERITIES:
        if not any(p.open[severity] for p in points):
            continue
        coords = " ".join(
            f"{i * step:.1f},{height - p.open[severity] * height / top:.1f}"
            for i, p in enumerate(points)
        )
        series.append(Series(severity, COLOURS[severity], coords, points[-1].open[severity]))
    dates = [p.date for p in points if p.date]
    return Chart(
        width,
        height,
        top,
        tuple(series),
        day(dates[0]) if dates else "",
        day(dates[-1]) if dates else "",
    )


def day(iso: str | None) -> str:
    return iso[:10] if iso else "unknown"


def next_actions(state: TrackerState) -> list[IssueState]:
    rank = {label: i for i, label in enumerate(SEVERITIES)}
    pending = [i for i in state.issues if i.status not in (COMPLETE, WONT_FIX)]
    return sorted(pending, key=lambda i: (rank[i.severity], -len(i.open), i.id))


_CODE_SPAN = re.compile(r"(`[^`]*`)")
_MARKUP = re.compile(r"([\\*\[\]|])")


def markdown_text(value: object) -> str:
    """Text from commits, code and issues.yaml in Markdown: one line, no raw HTML (`<`,
    `>` and `&` become entities), no emphasis, links or table breaks. `code spans` are
    kept, as rule messages use them: inside them nothing is markup, and only `|` needs
    escaping (GFM tables)."""
    parts = _CODE_SPAN.split(" ".join(str(value).split()))
    return "".join(
        part.replace("|", "\\|") if index % 2 else _plain_markdown(part)
        for index, part in enumerate(parts)
    )


def _plain_markdown(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKUP.sub(r"\\\1", text)


def code_spans(value: object) -> markupsafe.Markup:
    """HTML for a message: escaped, with its `code spans` set in <code>."""
    parts = _CODE_SPAN.split(str(value))
    return markupsafe.Markup("").join(
        markupsafe.Markup("<code>{}</code>").format(part[1:-1])
        if index % 2
        else markupsafe.escape(part)
        for index, part in enumerate(parts)
    )


@cache
def _environment(html: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("reports", "templates"),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_text
    env.filters["code_spans"] = code_spans
    env.filters["day"] = day
    env.filters["title"] = lambda s: s[:1].upper() + s[1:]
    env.globals["status_label"] = STATUS_LABELS.get
    return env


def _context(state: TrackerState, cap: int) -> dict[str, object]:
    counts = {label: sum(1 for i in state.issues if i.severity == label) for label in SEVERITIES}
    return {
        "state": state,
        "counts": counts,
        "completed": [i for i in state.issues if i.status in (COMPLETE, WONT_FIX)],
        "pending": [i for i in state.issues if i.status not in (COMPLETE, WONT_FIX)],
        "next_actions": next_actions(state),
        "cap": cap,
        "severities": SEVERITIES,
        "colours": COLOURS,
        "chart": burn_down(state),
    }


def render_markdown(state: TrackerState, cap: int = 10) -> str:
    return _environment(False).get_template("progress.md.j2").render(_context(state, cap))


def render_html(state: TrackerState, cap: int = 25) -> str:
    return _environment(True).get_template("progress.html.j2").render(_context(state, cap))
