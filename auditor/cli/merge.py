"""`audit merge`: the results of the shards of one scan (`audit scan --shard I/N`), combined
into the report the whole scan would have written, gate and exit code included (the work:
auditor/scan/shards.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from auditor.cli.group import cli, emit
from auditor.model import Severity


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--output", type=click.Path(path_type=Path), help="Write the merged report to FILE.")
@click.option(
    "--fail-on",
    type=click.Choice(["critical", "high", "medium", "low", "none"]),
    default="critical",
    show_default=True,
    help="Exit 1 on findings at or above this severity.",
)
def merge(files: tuple[Path, ...], output: Path | None, fail_on: str) -> None:
    """Merge the JSON (or SARIF) reports of a scan's shards into one. Exit 2 when a shard
    could not check a file (or the files are not such reports), else 1 on findings at or
    above --fail-on, else 0."""
    from auditor.scan.shards import load_shard, merge_shards
    from reports.formats import RenderContext, render

    merged = merge_shards([load_shard(path) for path in files], files)
    if merged.sarif is not None:
        emit(merged.sarif, output)
    else:
        emit(
            render("json", merged.report, RenderContext(display=str, version=merged.version)),
            output,
        )
    threshold = None if fail_on == "none" else Severity.parse(fail_on)
    sys.exit(merged.report.exit_code(threshold))
