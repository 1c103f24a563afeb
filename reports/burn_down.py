"""The burn-down chart of the progress report: inline SVG geometry, no script.

The outer <svg> has no viewBox: it is as wide as the page column and a fixed height in CSS
px, so its text is set in CSS px and stays legible on a phone. The lines are drawn in an
inner <svg> that stretches a 0..1000 x range over the full width (preserveAspectRatio
none, non-scaling strokes); x positions of text and ticks are percentages of the width.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from auditor.track.state import SEVERITIES, TimelinePoint, TrackerState

# One line for every open finding, and the critical ones marked apart: a lead sees the
# whole burn-down and the part that matters most. Okabe-Ito colours, told apart with the
# common colour-vision deficiencies; the critical line is also dashed and thicker.
LINES = (("all", "All open", "#333333", ""), ("critical", "Critical", "#D55E00", "6 3"))
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PLOT_TOP = 18  # px: room for the top y label
PLOT_BOTTOM = 198  # px: the x axis
CHART_HEIGHT = 226  # px: x labels below the axis
X_RANGE = 1000  # the inner svg's x units


@dataclass(frozen=True, slots=True)
class Series:
    key: str  # all | critical
    label: str
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
    """The commit's time on its own clock, as `git log` and the report's tables show it:
    a commit made at 23:30 in New York is drawn on the day its tables say."""
    return dt.datetime.fromisoformat(iso).replace(tzinfo=dt.UTC).timestamp()


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
    """Open findings after every tracked commit, placed by commit date, as step lines (a
    count holds until the next commit changes it): all of them, and the critical ones.
    The line starts at the first known count: before a first commit there was no code,
    and a line rising from 0 would read as findings introduced."""
    points = state.timeline
    # No base commit: the line starts at the first commit, at its date.
    first = 1 if points and points[0].sha is None and len(points) > 2 else 0
    dated = [p for p in points if p.date]
    if len(points) < 2 or not dated:
        return None
    # Committer dates on the first-parent line almost always rise; where one does not,
    # the point is drawn at the previous one's time rather than back in time.
    # The first point is the state before the first commit drawn (the base commit may
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

    def count(key: str, p: TimelinePoint) -> int:
        return sum(p.open.get(s, 0) for s in SEVERITIES) if key == "all" else p.open.get(key, 0)

    top = max((count("all", p) for p in points[first:]), default=0)
    step = _nice_step(max(top, 1))
    axis_max = step * -(-max(top, 1) // step)
    height = PLOT_BOTTOM - PLOT_TOP

    def y(value: int) -> float:
        return PLOT_BOTTOM - height * value / axis_max

    now = {t.severity: t.open for t in state.totals}
    series = []
    for key, label, colour, dash in LINES:
        values = [count(key, p) for p in points]
        if key != "all" and not any(values):
            continue
        coords = [(x(times[first]), y(values[first]))]
        for i in range(first + 1, len(points)):
            coords += [(x(times[i]), y(values[i - 1])), (x(times[i]), y(values[i]))]
        coords.append((X_RANGE, y(values[-1])))
        text = [f"{cx:.1f},{cy:.1f}" for cx, cy in coords]
        last = sum(now.values()) if key == "all" else now.get(key, values[-1])
        series.append(
            Series(
                key,
                label,
                colour,
                dash,
                " ".join(a for i, a in enumerate(text) if i == 0 or a != text[i - 1]),
                last if now else values[-1],
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
        if not (p.unreadable or p.sources_unknown):
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
        first_date=(dated[0].date or "")[:10],
        last_date=(dated[-1].date or "")[:10],
    )
