"""`audit report`: the progress report for leads, every format from one walk of the history."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from auditor.cli.group import (
    cli,
    config_option,
    emit,
    history_bar,
    no_cache_option,
    since_option,
    tracker_project,
    trust_option,
)
from auditor.errors import UsageError

if TYPE_CHECKING:
    from auditor.track.state import TrackerState

_REPORT_SUFFIXES = {"markdown": ".md", "html": ".html", "json": ".json"}


@cli.command()
@click.option(
    "--format",
    "output_formats",
    type=click.Choice(["markdown", "html", "json"]),
    multiple=True,
    help="markdown (default), html or json; repeat for several, each with its --output.",
)
@click.option(
    "--output",
    "outputs",
    type=click.Path(path_type=Path),
    multiple=True,
    help="Write to FILE [config: report-output]; one per --format, in the same order.",
)
@click.option(
    "--output-dir",
    type=click.Path(path_type=Path),
    help="Write every --format into DIR as progress.md, progress.html, progress.json.",
)
@since_option
@click.option(
    "--area-depth",
    type=click.IntRange(1, 10),
    default=1,
    show_default=True,
    help="Directory levels that make an area in the per-area breakdown.",
)
@click.option(
    "--trend",
    type=click.Choice(["auto", "day", "week", "month"]),
    default="auto",
    show_default=True,
    help="The trend table's period (auto: days up to six weeks, weeks up to a year, then months).",
)
@no_cache_option
@config_option
@trust_option
def report(
    output_formats: tuple[str, ...],
    outputs: tuple[Path, ...],
    output_dir: Path | None,
    since: str | None,
    area_depth: int,
    trend: str,
    no_cache: bool,
    config_file: Path | None,
) -> None:
    """The remediation progress report, computed from issues.yaml and git history. The
    history is walked once for every format asked for, and kept in the cache folder."""
    from auditor.track.use_case import tracker_state

    formats = output_formats or ("markdown",)
    if len(set(formats)) != len(formats):
        raise UsageError("--format: each format at most once")
    if outputs and output_dir is not None:
        raise UsageError("--output and --output-dir: give one or the other")
    if outputs and len(outputs) != len(formats):
        raise UsageError(
            f"--output: {len(outputs)} given for {len(formats)} format(s); give one per --format"
        )
    if not outputs and output_dir is None and len(formats) > 1:
        raise UsageError("several --format values need an --output each, or --output-dir")
    project = tracker_project(config_file, no_cache)
    with history_bar() as progress:
        _, state = tracker_state(
            project, since, area_depth=area_depth, trend=trend, progress=progress
        )
    targets: list[Path | None]
    if output_dir is not None:
        targets = [output_dir / f"progress{_REPORT_SUFFIXES[f]}" for f in formats]
    elif outputs:
        targets = list(outputs)
    elif project.config.report_output:
        targets = [project.config.root / project.config.report_output]
    else:
        targets = [None]
    if output_dir is not None:
        output_dir.mkdir(parents=True, exist_ok=True)
    texts = [_render_report(state, f) for f in formats]
    for text, target in zip(texts, targets, strict=True):
        emit(text, target)


def _render_report(state: TrackerState, output_format: str) -> str:
    if output_format == "json":
        import json

        return json.dumps(state.to_json(), indent=2, ensure_ascii=False) + "\n"
    from reports.progress import render_html, render_markdown

    return render_html(state) if output_format == "html" else render_markdown(state)
