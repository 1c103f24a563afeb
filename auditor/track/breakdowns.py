"""The tracker's breakdowns for leads: the trend by week or month, totals by author and
by area (top-level folders). Pure functions over the tally's values."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence

from auditor.track.records import CommitRecord
from auditor.track.state import AreaTotal, AuthorTotal, IssueState, TimelinePoint, TrendRow


def auto_period(commits: Sequence[CommitRecord]) -> str:
    """Days for a range of up to six weeks, weeks up to a year, months beyond: a trend
    table of a few dozen rows at most."""
    if len(commits) < 2:
        return "day"
    first = dt.datetime.fromisoformat(commits[0].date)
    last = dt.datetime.fromisoformat(commits[-1].date)
    days = (last.date() - first.date()).days
    return "day" if days <= 42 else "week" if days <= 366 else "month"


def period_of(date: str, period: str) -> str:
    """The period a commit falls in, by the date its own clock says (as `git log`)."""
    day = dt.datetime.fromisoformat(date).date()
    if period == "day":
        return day.isoformat()
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def trend(
    timeline: Sequence[TimelinePoint],
    fixed_at: Iterable[CommitRecord],
    introduced_at: Iterable[CommitRecord],
    period: str,
    removed_at: Iterable[CommitRecord] = (),
) -> tuple[TrendRow, ...]:
    """One row per period with commits: open counts at its end, fixes, removals and
    regressions in it. `fixed_at`, `introduced_at` and `removed_at` hold a commit per
    finding. The first point (the base, where tracking starts) gives no row of its own:
    a period before the tracked range has no commit to show."""
    fixed_in = Counter(period_of(commit.date, period) for commit in fixed_at)
    introduced_in = Counter(period_of(commit.date, period) for commit in introduced_at)
    removed_in = Counter(period_of(commit.date, period) for commit in removed_at)
    rows: dict[str, TrendRow] = {}
    count: Counter[str] = Counter()
    for point in timeline[1:]:
        if point.date is None:
            continue
        key = period_of(point.date, period)
        count[key] += 1
        rows[key] = TrendRow(
            key,
            count[key],
            point.open,
            fixed_in[key],
            introduced_in[key],
            point.unreadable,
            removed_in[key],
        )
    return tuple(rows.values())


def authors(
    commits: Sequence[CommitRecord],
    fixed_at: Iterable[CommitRecord],
    removed_at: Iterable[CommitRecord],
    introduced_at: Iterable[CommitRecord],
) -> tuple[AuthorTotal, ...]:
    """Per author: commits in the range, and the findings their commits fixed, removed
    and introduced (a commit per finding in each of the last three)."""
    authored = Counter(c.author for c in commits)
    fixed = Counter(c.author for c in fixed_at)
    removed = Counter(c.author for c in removed_at)
    introduced = Counter(c.author for c in introduced_at)
    rows = [
        AuthorTotal(a, authored[a], fixed[a], removed[a], introduced[a])
        for a in authored
        if fixed[a] or removed[a] or introduced[a]
    ]
    return tuple(sorted(rows, key=lambda r: (-r.fixed, -r.commits, r.author)))


def area_of(path: str, depth: int) -> str:
    parts = path.split("/")[:-1][:depth]
    return "/".join(parts) + "/" if parts else "(top level)"


def areas(states: Sequence[IssueState], depth: int) -> tuple[AreaTotal, ...]:
    open_: Counter[str] = Counter()
    fixed: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    for state in states:
        for f in state.open:
            open_[area_of(f.path, depth)] += 1
        for r in state.fixed:
            fixed[area_of(r.path, depth)] += 1
        for r in state.removed:
            removed[area_of(r.path, depth)] += 1
    names = sorted(set(open_) | set(fixed) | set(removed))
    rows = [AreaTotal(n, open_[n], fixed[n], removed[n]) for n in names]
    return tuple(sorted(rows, key=lambda r: (-(r.open + r.fixed), r.area)))
