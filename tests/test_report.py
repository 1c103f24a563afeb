"""`audit report` and `audit issues list`: exact Markdown for states built here and for a
scripted history, the burn-down's geometry, and an HTML page that a real browser lays out
at desktop and phone widths, with everything from commits and code escaped."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from auditor.track.state import (
    AreaTotal,
    AuthorTotal,
    CommitLink,
    FileCount,
    FindingRef,
    Introduced,
    IssueState,
    OutcomeRef,
    SeverityTotal,
    TimelinePoint,
    TrackerState,
    TrendRow,
    Unreadable,
    UntrackedGroup,
)
from conftest import commit_all
from reports.burn_down import burn_down
from reports.progress import (
    STATUS_LABELS,
    markdown_text,
    render_html,
    render_markdown,
)
from reports.tracker_text import render_list

# The scripted history's plugin runs only in a trusted project (tests/test_trust.py).
pytestmark = pytest.mark.usefixtures("trusted")


GOLDEN = Path(__file__).parent / "golden"
SHA_A = "a1b2c3d" + "0" * 33
SHA_B = "b2c3d4e" + "0" * 33
SHA_C = "c3d4e5f" + "0" * 33
MINUS, DASH = "\u2212", "\u2013"  # as the report writes them
NONE = {"critical": 0, "high": 0, "medium": 0, "low": 0}


def _golden(name: str, text: str) -> str:
    """The stored expected output; AUDIT_UPDATE_GOLDEN=1 rewrites it (then read the diff)."""
    path = GOLDEN / name
    if os.environ.get("AUDIT_UPDATE_GOLDEN"):
        path.write_text(text)
    return path.read_text()


# ---------------------------------------------------------------------------------------
# States built by hand


def finding(
    path: str, line: int, fixable: str | None = None, rule: str = "bare-except"
) -> FindingRef:
    return FindingRef(
        rule, "critical", path, line, 5, "bare `except:` here", f"id-{path}-{line}", fixable
    )


def outcome(path: str, line: int, commit: str | None = SHA_A, kind: str = "fixed") -> OutcomeRef:
    return OutcomeRef(
        "bare-except", path, line, f"gone-{path}-{line}", kind, commit, None if commit else SHA_B
    )


def commit(sha: str = SHA_A, **changes: Any) -> CommitLink:
    link = CommitLink(
        sha=sha,
        short=sha[:7],
        subject="fix: name the exceptions",
        date="2025-10-12T10:00:00+00:00",
        author="Ada Lovelace",
        url=None,
        files=3,
        insertions=24,
        deletions=13,
        reasons=("message", "fix"),
        fixed=0,
        withdrawn=0,
        removed=0,
        introduced=0,
        moved=0,
    )
    return replace(link, **changes)


def issue(id_: str = "CRIT-1", **changes: Any) -> IssueState:
    state = IssueState(
        id=id_,
        title="Bare except blocks",
        severity="critical",
        status="in-progress",
        declared_status="auto",
        contradiction="",
        notes="",
        tracked_by="rules",
        excluded=False,
        open=(),
        fixed=(),
        removed=(),
        commits=(),
        missing_commits=(),
        files_fixed=(),
        first_fix=None,
        last_fix=None,
        percent=0,
        unreadable=(),
        regressions=(),
        fixable_safe=0,
        fixable_unsafe=0,
    )
    return replace(state, **changes)


def state(*issues: IssueState, **changes: Any) -> TrackerState:
    counted = [i for i in issues if not i.excluded]
    open_ = sum(len(i.open) for i in counted)
    fixed = sum(len(i.fixed) for i in counted)
    made = TrackerState(
        project="Shop",
        started="2025-10-11",
        range="from a1b2c3d (2025-10-12), the first commit on or after 2025-10-11",
        range_start=SHA_A,
        last_updated="2025-10-18T10:00:00+00:00",
        head=SHA_C,
        repository_url=None,
        history=True,
        history_note="",
        status="in-progress",
        percent=100 * fixed // (fixed + open_) if fixed + open_ else 100,
        open=open_,
        fixed=fixed,
        removed=sum(len(i.removed) for i in counted),
        excluded=sum(len(i.open) for i in issues if i.excluded),
        fixable_safe=sum(i.fixable_safe for i in counted),
        fixable_unsafe=sum(i.fixable_unsafe for i in counted),
        issues=issues,
        untracked=(),
        totals=tuple(
            SeverityTotal(
                s,
                sum(1 for i in counted if i.severity == s),
                sum(1 for i in counted if i.severity == s and i.status == "complete"),
                sum(len(i.open) for i in counted if i.severity == s),
                sum(len(i.fixed) for i in counted if i.severity == s),
                sum(len(i.removed) for i in counted if i.severity == s),
            )
            for s in NONE
        ),
        timeline=(),
        trend=(),
        trend_period="week",
        authors=(),
        areas=(),
        area_depth=1,
        unreadable=Unreadable(0, 0, None, None, ()),
        commits_scanned=3,
    )
    return replace(made, **changes)


def _raw_html(markdown: str) -> list[str]:
    """Every `<` that Markdown could take for HTML: not backslash-escaped, not in code."""
    prose = re.sub(r"`[^`]+`", "", markdown)
    return re.findall(r"(?<!\\)<(?!https?://)", prose)  # autolinks are fine


def section(markdown: str, title: str) -> str:
    """The text of one `## title` section."""
    return markdown.split(f"\n## {title}\n\n", 1)[1].split("\n## ", 1)[0]


def test_files_fixed_with_per_file_counts() -> None:
    crit = issue(
        fixed=(outcome("metrics.py", 3), outcome("metrics.py", 9), outcome("metrics.py", 12)),
        files_fixed=(FileCount("cache.py", 1), FileCount("metrics.py", 3)),
        open=(finding("cache.py", 7),),
        percent=75,
    )
    md = render_markdown(state(crit))
    assert "- **Files fixed:** `cache.py` (1 fix), `metrics.py` (3 fixes)\n" in md
    assert "- **Progress:** 75 %: 3 fixed, 1 open\n" in md


def test_commit_table_with_author_links_and_counts() -> None:
    crit = issue(
        commits=(
            commit(url="https://github.com/o/shop/commit/" + SHA_A, fixed=3, removed=1),
            commit(
                SHA_B,
                subject="docs: CRIT-1 plan",
                author="Grace",
                files=1,
                insertions=2,
                deletions=0,
            ),
        ),
    )
    md = render_markdown(state(crit))
    assert (
        f"- **Commits:** 2, +26 {MINUS}13\n"
        "\n"
        f"| Commit | Subject | Author | Date | Files | + | {MINUS} | Fixed | Removed |\n"
        "|---|---|---|---|--:|--:|--:|--:|--:|\n"
        f"| [`a1b2c3d`](https://github.com/o/shop/commit/{SHA_A}) | fix: name the exceptions "
        "| Ada Lovelace | 2025-10-12 | 3 | 24 | 13 | 3 | 1 |\n"
        "| `b2c3d4e` | docs: CRIT-1 plan | Grace | 2025-10-12 | 1 | 2 | 0 | 0 | 0 |\n"
    ) in md
    page = render_html(state(crit))
    assert f'<a href="https://github.com/o/shop/commit/{SHA_A}"><code>a1b2c3d</code></a>' in page
    assert '<td class="text" data-label="Author">Ada Lovelace</td>' in page


def test_links_only_to_http_urls() -> None:
    crit = issue(commits=(commit(url="javascript:alert(1)"), commit(SHA_B, url="https://h/x (y)")))
    md = render_markdown(state(crit, repository_url="javascript:alert(2)"))
    assert "javascript" not in md and "Repository" not in md
    assert "| `a1b2c3d` |" in md and "| [`b2c3d4e`](https://h/x%20%28y%29) |" in md
    assert "javascript" not in render_html(state(crit))


def test_subjects_are_escaped_with_backslashes() -> None:
    crit = issue(
        commits=(commit(subject="fix <script>alert(1)</script> | [x](javascript:y) *now*"),)
    )
    md = render_markdown(state(crit))
    assert (
        "| `a1b2c3d` | fix \\<script\\>alert(1)\\</script\\> \\| \\[x\\](javascript:y) \\*now\\* |"
    ) in md
    assert "&lt;" not in md and not _raw_html(md)


def test_markdown_text_escapes_only_what_is_markup() -> None:
    assert markdown_text("fix <script>") == "fix \\<script\\>"
    assert markdown_text("load_config and __init__") == "load_config and \\_\\_init\\_\\_"
    assert markdown_text("R&D &amp; co") == "R&D \\&amp; co"
    assert markdown_text("a ~~b~~ `x | <y>` c`d") == "a \\~\\~b\\~\\~ `x \\| <y>` c\\`d"
    assert markdown_text("two\nlines\\") == "two lines\\\\"


def test_trend_table() -> None:
    trend = (
        TrendRow("2025-W41", 2, {"critical": 3, "high": 2, "medium": 0, "low": 1}, 4, 0, 0, 3),
        TrendRow("2025-W42", 5, {"critical": 1, "high": 0, "medium": 0, "low": 1}, 4, 1, 2),
    )
    md = render_markdown(state(issue(), trend=trend))
    assert section(md, "Trend") == (
        "By week: open findings at the end of the week by the issue's severity (untracked "
        "and won't-fix left out), findings fixed, removed and introduced in it, files that "
        "could not be read at its end.\n"
        "\n"
        "| Week | Commits | Open critical | Open high | Open medium | Open low | Fixed "
        "| Removed | Introduced | Unreadable files |\n"
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n"
        "| 2025-W41 | 2 | 3 | 2 | 0 | 1 | 4 | 3 | 0 | 0 |\n"
        "| 2025-W42 | 5 | 1 | 0 | 0 | 1 | 4 | 0 | 1 | 2 |\n"
    )
    monthly = render_markdown(state(issue(), trend=trend[:1], trend_period="month"))
    assert "| Month | Commits |" in monthly and "By month: " in monthly


def test_author_and_area_tables() -> None:
    md = render_markdown(
        state(
            issue(),
            authors=(AuthorTotal("Ada *L*", 4, 3, 1, 0), AuthorTotal("Grace", 1, 0, 0, 2)),
            areas=(AreaTotal("apps/", 2, 5, 1), AreaTotal("(top level)", 0, 1, 0)),
        )
    )
    assert section(md, "By author") == (
        "| Author | Commits | Fixed | Removed | Introduced |\n"
        "|---|--:|--:|--:|--:|\n"
        "| Ada \\*L\\* | 4 | 3 | 1 | 0 |\n"
        "| Grace | 1 | 0 | 0 | 2 |\n"
    )
    assert section(md, "By area") == (
        "Areas are top-level directories of the path where each finding was last seen.\n"
        "\n"
        "| Area | Open | Fixed | Removed |\n"
        "|---|--:|--:|--:|\n"
        "| apps/ | 2 | 5 | 1 |\n"
        "| (top level) | 0 | 1 | 0 |\n"
    )


def test_regressions() -> None:
    crit = issue(
        open=(finding("core/app.py", 18),),
        regressions=(
            Introduced(
                "bare-except",
                "core/app.py",
                18,
                "bare",
                "reopened",
                SHA_B,
                "b2c3d4e",
                "Grace",
                "2025-10-15T10:00:00+00:00",
                "https://gitlab.com/o/s/-/commit/" + SHA_B,
            ),
        ),
    )
    md = render_markdown(state(crit))
    assert (
        "- **Regressions:** 1 open finding new or reopened in the tracked range\n"
        "  - `core/app.py:18` `bare-except` reopened in "
        f"[`b2c3d4e`](https://gitlab.com/o/s/-/commit/{SHA_B}) by Grace (2025-10-15)\n"
        "- **Remaining:** 1\n"
        "  - `core/app.py:18` bare `except:` here\n"
    ) in md


def test_unreadable_summary_and_unknown_status() -> None:
    unknown = issue(
        "HIGH-1",
        title="Placeholders",
        severity="high",
        status="unknown",
        fixed=(outcome("a.py", 2, commit=None), outcome("a.py", 5)),
        percent=100,
        unreadable=("core/broken.py",),
    )
    gone = Unreadable(
        3, 2, "2025-10-13T09:00:00+00:00", "2025-10-15T10:00:00+00:00", ("core/broken.py",)
    )
    md = render_markdown(state(unknown, unreadable=gone))
    assert (
        "- **Unknown:** findings unknown in 2 files over 3 commits, from 2025-10-13 to "
        "2025-10-15; at HEAD: `core/broken.py`\n"
    ) in md
    assert (
        "- **Severity:** High · **Status:** Unknown (files unreadable or a source not snapshotted)\n"
        "- **Progress:** 100 %: 2 fixed, 0 open\n"
        "- **Fixed while files were unreadable:** 1 (credited to no single commit)\n"
        "- **Unreadable at HEAD:** `core/broken.py`\n"
    ) in md
    assert "1. **HIGH-1** Placeholders (High): 0 open, 1 file unreadable at HEAD\n" in md
    assert STATUS_LABELS["unknown"] == "Unknown (files unreadable or a source not snapshotted)"
    healed = replace(gone, commits=1, files=1, last_date=gone.first_date, at_head=())
    assert (
        "- **Unknown:** findings unknown in 1 file over 1 commit, on 2025-10-13; every file "
        "is readable at HEAD\n"
    ) in render_markdown(state(unknown, unreadable=healed))
    assert "Unknown:" not in render_markdown(state(issue()))


def test_header_names_the_range_removed_and_excluded() -> None:
    crit = issue(
        open=(finding("a.py", 1),),
        fixed=(outcome("a.py", 3),),
        removed=(outcome("old.py", 1, kind="removed"),),
        percent=50,
    )
    prints = issue(
        "LOW-1",
        severity="low",
        status="wont-fix",
        declared_status="wont-fix",
        excluded=True,
        open=(finding("cli.py", 4),),
    )
    md = render_markdown(state(crit, prints, repository_url="https://github.com/o/shop"))
    assert md.startswith(
        "# Remediation progress: Shop\n"
        "\n"
        "- **Tracked:** from a1b2c3d (2025-10-12), the first commit on or after 2025-10-11, "
        "3 commits\n"
        "- **Started:** 2025-10-11\n"
        "- **Last updated:** 2025-10-18 (`c3d4e5f`)\n"
        "- **Repository:** <https://github.com/o/shop>\n"
        "- **Status:** In progress, 1 of 2 findings fixed (50 %)\n"
        "- **Removed:** 1 finding went with deleted or untracked files (not counted as progress)\n"
        "- **Excluded:** 1 open finding of won't-fix issues (left out of the totals)\n"
        "- **Issues:** 2: 0 complete, 1 in progress, 0 not started, 1 won't fix (left out of "
        "progress)\n"
        "- **By severity:** Critical 0/1 complete\n"
        "\n"
        "## Completed\n"
    )
    assert (
        "- **Progress:** 50 %: 1 fixed, 1 open; 1 removed with their files (not progress)\n" in md
    )


def test_excluded_section() -> None:
    prints = issue(
        "LOW-1",
        title="Prints in scripts",
        severity="low",
        status="wont-fix",
        declared_status="wont-fix",
        excluded=True,
        notes="The CLI prints on purpose.",
        open=(finding("cli.py", 4), finding("cli.py", 9)),
    )
    md = render_markdown(state(issue(open=(finding("a.py", 1),)), prints), cap=1)
    assert section(md, "Excluded") == (
        "Won't-fix issues: their findings stay on purpose and are left out of the totals.\n"
        "\n"
        "- **LOW-1** Prints in scripts (Low): 2 findings left open. The CLI prints on purpose.\n"
        "  - `cli.py:4` bare `except:` here\n"
        "  - and 1 more\n"
    )
    assert "LOW-1" not in section(md, "Completed") + section(md, "Open") + section(
        md, "Next actions"
    )
    assert (
        "| **All** | **0/1** | **0** | **0** | **1** | **0 %** |\n"
        "\n"
        "Won't-fix issues and their open findings (2) are left out; see Excluded.\n"
    ) in md
    assert section(render_markdown(state(issue())), "Excluded") == "None.\n"


def test_commit_tracked_issue_has_no_percentage() -> None:
    validation = issue(
        "CRIT-4",
        title="Input validation",
        tracked_by="commits",
        percent=None,
        commits=(commit(reasons=("message",)), commit(SHA_B, reasons=("listed",))),
    )
    md = render_markdown(state(validation))
    assert "- **Progress:** tracked by its commits: 2 commits\n" in md
    assert "1. **CRIT-4** Input validation (Critical): tracked by its commits: 2 commits\n" in md
    assert " %" not in section(md, "Open")
    page = render_html(state(validation))
    assert "tracked by its commits: 2 commits" in page
    assert 'class="bar"><span style="width: None' not in page


def test_next_actions_order_and_fixable_counts() -> None:
    low = issue("LOW-2", severity="low", open=(finding("a.py", 1),) * 5)
    crit_small = issue("CRIT-2", open=(finding("b.py", 1),), fixable_safe=1)
    crit_big = issue("CRIT-1", open=(finding("c.py", 1),) * 3, fixable_safe=1, fixable_unsafe=2)
    done = issue("HIGH-9", severity="high", status="complete", percent=100)
    md = render_markdown(state(low, crit_small, crit_big, done))
    assert section(md, "Next actions") == (
        "2 open findings are fixable with `audit scan --fix`; 2 more with `audit scan --fix "
        "--unsafe-fixes`, whose changes need a review.\n"
        "\n"
        "1. **CRIT-1** Bare except blocks (Critical): 3 open, 1 fixable with `audit scan "
        "--fix`, 2 more with `--unsafe-fixes` (to review)\n"
        "2. **CRIT-2** Bare except blocks (Critical): 1 open, 1 fixable with `audit scan --fix`\n"
        "3. **LOW-2** Bare except blocks (Low): 5 open\n"
    )
    contradicted = replace(
        done, open=(finding("d.py", 1),), contradiction="marked done, but 1 finding(s) are open"
    )
    assert "(High): 1 open (marked done, but 1 finding(s) are open)\n" in render_markdown(
        state(contradicted)
    )


def test_statistics_table() -> None:
    crit = issue(
        open=(finding("a.py", 1),) * 2,
        fixed=(outcome("a.py", 2),) * 2,
        removed=(outcome("b.py", 1, kind="removed"),),
        percent=50,
    )
    md = render_markdown(
        state(crit, issue("MED-1", severity="medium", status="complete", percent=100))
    )
    assert section(md, "Progress statistics") == (
        "| Severity | Issues complete | Fixed | Removed | Open | Progress |\n"
        "|---|--:|--:|--:|--:|--:|\n"
        "| Critical | 0/1 | 2 | 1 | 2 | 50 % |\n"
        f"| High | 0/0 | 0 | 0 | 0 | {DASH} |\n"
        f"| Medium | 1/1 | 0 | 0 | 0 | {DASH} |\n"
        f"| Low | 0/0 | 0 | 0 | 0 | {DASH} |\n"
        "| **All** | **1/2** | **2** | **1** | **2** | **50 %** |\n"
    )


def test_untracked_rule_ids_in_code_spans() -> None:
    md = render_markdown(
        state(issue(), untracked=(UntrackedGroup("mypy:arg-type", (finding("a.py", 1),)),))
    )
    assert "| `mypy:arg-type` | 1 |\n" in md


def test_issues_list() -> None:
    crit = issue(
        open=(finding("a.py", 1),),
        fixed=(outcome("a.py", 2),) * 2,
        removed=(outcome("b.py", 1, kind="removed"),),
        percent=66,
    )
    validation = issue(
        "CRIT-4", title="Input validation", tracked_by="commits", percent=None, commits=(commit(),)
    )
    prints = issue(
        "LOW-1",
        title="Prints",
        severity="low",
        status="wont-fix",
        excluded=True,
        open=(finding("c.py", 1),) * 3,
        percent=0,
    )
    gone = Unreadable(2, 1, "2025-10-13T09:00:00+00:00", "2025-10-14T09:00:00+00:00", ("x.py",))
    assert render_list(state(crit, validation, prints, unreadable=gone)) == (
        "id      severity  status       open  fixed  removed  done  title\n"
        "CRIT-1  critical  in-progress  1     2      1        66%   Bare except blocks\n"
        "CRIT-4  critical  in-progress  0     0      0        -     Input validation\n"
        "LOW-1   low       wont-fix     3     0      0        0%    Prints\n"
        "2 findings fixed, 1 removed, 1 open (66% done) over 3 commits.\n"
        "excluded: 3 open findings of won't-fix issues, not in the totals.\n"
        "unknown: findings unknown in 1 file over 2 commits, from 2025-10-13 to 2025-10-14; "
        "at HEAD: x.py.\n"
    )


# ---------------------------------------------------------------------------------------
# The burn-down


def _timeline() -> tuple[TimelinePoint, ...]:
    def at(
        sha: str | None, date: str | None, critical: int, high: int, unreadable: int = 0
    ) -> TimelinePoint:
        return TimelinePoint(sha, date, {**NONE, "critical": critical, "high": high}, unreadable)

    return (
        at(None, None, 47, 20),
        at(SHA_A, "2025-10-01T10:00:00+00:00", 30, 20),
        at(SHA_B, "2025-10-02T10:00:00+00:00", 30, 12, unreadable=1),
        at(SHA_C, "2025-10-10T10:00:00+00:00", 5, 12),
    )


def test_burn_down_places_commits_by_date_with_labelled_ticks() -> None:
    chart = burn_down(state(issue(), timeline=_timeline()))
    assert chart is not None
    every, critical = chart.series
    assert (every.label, every.colour, critical.label, critical.colour) == (
        "All open",
        "#333333",
        "Critical",
        "#D55E00",
    )
    assert critical.dash != every.dash
    xs = sorted({float(p.split(",")[0]) for p in critical.points.split()})
    first, second, third, end = xs
    # no base commit: the line starts at the first commit, at its date, not from 0
    assert first > 0 and end == 1000
    assert critical.points.split()[0].endswith(
        f",{chart.bottom - (chart.bottom - chart.top) * 30 / 50:.1f}"
    )
    # a day, then eight days: eight times as far
    assert (third - second) / (second - first) == pytest.approx(8, rel=0.01)
    assert [t.label for t in chart.x_ticks] == ["Oct 2", "Oct 4", "Oct 6", "Oct 8", "Oct 10"]
    assert [t.label for t in chart.y_ticks] == ["0", "10", "20", "30", "40", "50"]
    (span,) = chart.unknown
    assert span.x == pytest.approx(second, abs=0.1) and span.x + span.width == pytest.approx(
        third, abs=0.1
    )


def test_burn_down_places_a_commit_on_the_day_its_own_clock_says() -> None:
    late = "2025-10-01T23:30:00-05:00"  # 04:30 UTC on October 2
    timeline = (
        TimelinePoint(None, None, {**NONE, "critical": 3}, 0),
        TimelinePoint(SHA_A, late, {**NONE, "critical": 2}, 0),
        TimelinePoint(SHA_B, "2025-10-03T09:00:00-05:00", {**NONE, "critical": 1}, 0),
    )
    chart = burn_down(state(issue(), timeline=timeline))
    assert chart is not None
    assert (chart.first_date, chart.last_date) == ("2025-10-01", "2025-10-03")
    assert [t.label for t in chart.x_ticks] == ["Oct 2", "Oct 3"]


def test_html_chart_legend_caption_and_fallback_table() -> None:
    trend = (TrendRow("2025-W40", 3, {**NONE, "critical": 5, "high": 12}, 42, 0, 0),)
    totals = (SeverityTotal("critical", 1, 0, 5, 42, 0), SeverityTotal("high", 1, 0, 12, 8, 0))
    page = render_html(state(issue(), timeline=_timeline(), trend=trend, totals=totals))
    assert "<script" not in page and "max-width: 960px" not in page and "nowrap" not in page
    assert 'stroke-dasharray="6 3"' in page and 'vector-effect="non-scaling-stroke"' in page
    assert "All open: 17</li>" in page and "Critical: 5</li>" in page
    assert ">Findings unknown (files unreadable, or before a source's first snapshot)</li>" in page
    assert ">unknown</text>" in page
    assert "Untracked findings and won't-fix issues are left out." in page
    assert "<summary>The same data as a table, by week</summary>" in page
    fallback = page.split("<summary>", 1)[1].split("</details>", 1)[0]
    assert fallback.count("<tr>") == 2  # the header and one row per week, not per commit
    assert '<td class="num" data-label="Open high">12</td>' in fallback


# ---------------------------------------------------------------------------------------
# Over a real history


def test_markdown_report_of_the_scripted_history(history, audit) -> None:
    result = audit("report")
    assert result.code == 0, result.err
    assert result.out == _golden("scripted-progress.md", result.out)
    assert audit("report").out == result.out  # same repository state, same bytes


def test_report_output_file_from_config(history, audit, tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "report-output = 'docs/PROGRESS.md'\n")
    (tmp_path / "docs").mkdir()
    assert audit("report").out == ""
    assert (
        (tmp_path / "docs/PROGRESS.md")
        .read_text()
        .startswith("# Remediation progress: Demo shop\n")
    )


def _hostile_history(tmp_path: Path) -> None:
    app = tmp_path / "core/app.py"
    app.write_text(app.read_text().replace("    except:\n", "    except Exception:\n"))
    commit_all(
        tmp_path,
        "fix <script>alert(1)</script> | [x](javascript:alert(2)) (CRIT-1)",
        "2025-10-19T10:00:00+00:00",
    )
    (tmp_path / "web.py").write_text("def view():\n    todo()  # <img src=x onerror=alert(3)>\n")
    commit_all(tmp_path, "add </table><script>alert(4)</script>", "2025-10-20T10:00:00+00:00")


def test_html_escapes_commit_subjects_and_code(history, audit, tmp_path: Path) -> None:
    _hostile_history(tmp_path)
    html = audit("report", "--format", "html").out
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:alert(2)" in html and 'href="javascript' not in html
    markdown = audit("report").out
    assert not _raw_html(markdown)
    assert "fix \\<script\\>alert(1)\\</script\\> \\| \\[x\\](javascript:alert(2))" in markdown


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# Injected into a probe page, never into the report (which has no script): measures the
# report in two frames, desktop and phone wide, and leaves the figures on the probe's body.
_MEASURE = """
const frames = [...document.querySelectorAll('iframe')];
let loaded = 0;
frames.forEach((f) => f.addEventListener('load', () => {
  if (++loaded < frames.length) return;
  const out = {};
  for (const f of frames) {
    const d = f.contentDocument, w = f.contentWindow;
    const ths = [...d.querySelectorAll('table.commits th')];
    const texts = [...d.querySelectorAll('svg#burn-down text')];
    out[f.id] = {
      viewport: w.innerWidth,
      scrollWidth: d.documentElement.scrollWidth,
      headers: ths.map((th) => {
        const r = th.getBoundingClientRect();
        let hidden = false;  // outside a scrolling or clipping ancestor's box
        for (let a = th.parentElement; a; a = a.parentElement) {
          if (w.getComputedStyle(a).overflowX === 'visible') continue;
          const box = a.getBoundingClientRect();
          if (r.left < box.left - 0.5 || r.right > box.right + 0.5) hidden = true;
        }
        return {text: th.textContent, left: r.left, right: r.right, width: r.width,
                hidden, clipped: th.scrollWidth > th.clientWidth};
      }),
      rowDisplay: [...d.querySelectorAll('table.commits tbody tr')].map(
        (tr) => w.getComputedStyle(tr).display),
      fontSizes: texts.map((t) => parseFloat(w.getComputedStyle(t).fontSize)),
      textHeights: texts.map((t) => t.getBoundingClientRect().height),
      lines: d.querySelectorAll('svg#burn-down polyline').length,
      scripts: d.querySelectorAll('script').length,
      text: d.body.innerText,
    };
  }
  document.body.setAttribute('data-measured', JSON.stringify(out));
}));
"""


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)
def test_html_report_in_headless_chromium(history, audit, tmp_path: Path) -> None:
    _hostile_history(tmp_path)
    page = tmp_path / "report.html"
    assert audit("report", "--format", "html", "--output", str(page)).code == 0
    probe = tmp_path / "probe.html"
    probe.write_text(
        '<!DOCTYPE html><html><body style="margin:0">'
        '<iframe id="desktop" src="report.html" width="1280" height="900" style="border:0"></iframe>'
        '<iframe id="phone" src="report.html" width="390" height="844" style="border:0"></iframe>'
        f"<script>{_MEASURE}</script></body></html>"
    )
    flags = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--allow-file-access-from-files",
        "--window-size=1700,1000",
        "--virtual-time-budget=5000",
    ]
    dom = subprocess.run(
        [*flags, "--dump-dom", probe.as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    match = re.search(r'data-measured="([^"]*)"', dom)
    assert match, dom[-2000:]
    measured = json.loads(html.unescape(match.group(1)))
    desktop, phone = measured["desktop"], measured["phone"]

    # 1280 px: every column of every commit table in view, none clipped.
    assert desktop["viewport"] == 1280
    headers = desktop["headers"]
    assert [h["text"] for h in headers[:9]] == [
        "Commit",
        "Subject",
        "Author",
        "Date",
        "Files",
        "+",
        MINUS,
        "Fixed",
        "Removed",
    ]
    for h in headers:
        assert h["width"] > 0 and h["left"] >= 0 and h["right"] <= 1280, h
        assert not h["hidden"] and not h["clipped"], h
    # 390 px: no sideways scrolling, commit rows as stacked cards, legible chart text.
    assert phone["viewport"] == 390
    assert phone["scrollWidth"] <= 390
    assert phone["rowDisplay"] and set(phone["rowDisplay"]) == {"block"}
    assert set(desktop["rowDisplay"]) == {"table-row"}
    for view in (desktop, phone):
        assert view["fontSizes"] and min(view["fontSizes"]) >= 10
        assert min(view["textHeights"]) >= 10
        assert view["lines"] == 2  # the burn-down's critical and high lines
        assert view["scripts"] == 0  # nothing from a commit subject became a script
    text = phone["text"]
    assert "CRIT-1: Bare except blocks" in text and "HIGH-1: Placeholders" in text
    assert "Next actions" in text and "fix <script>alert(1)</script>" in text  # shown as text
