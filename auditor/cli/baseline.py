"""`audit baseline` and `audit snapshot`: recording the findings of now, in a file or a git note."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from auditor.cli.group import (
    cli,
    config_option,
    path_display,
    start_dir,
    trust_option,
    write_output,
)
from auditor.cli.sources_output import report_sources
from auditor.config import display_path
from auditor.errors import UsageError
from auditor.scan.gate import ERROR


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    help="Where to write it [default: .audit-baseline.json at the project root].",
)
@click.option(
    "--sources/--no-sources",
    "use_sources",
    default=None,
    help="Include the configured sources' findings [config: run-sources].",
)
@config_option
@trust_option
def baseline(
    paths: tuple[Path, ...], output: Path | None, use_sources: bool | None, config_file: Path | None
) -> None:
    """Write the current findings' fingerprints to a baseline file, for `scan --baseline`."""
    from auditor.scan.gate_filters import BaselineEntry, excerpt, render_baseline
    from auditor.scan.run import open_project
    from auditor.scan.run import scan as run_scan
    from auditor.scan.use_case import sources_wanted

    project = open_project(start_dir(paths), config_file)
    outcome = run_scan(
        project,
        paths,
        keep_texts=True,
        sources=sources_wanted(use_sources, project.config),
    )
    report_sources(outcome.sources)
    errors = [f for f in outcome.findings if f.is_error]
    if errors:
        display = path_display(project.config.root)
        from reports.findings_text import finding_line

        for finding in errors:
            click.echo(finding_line(finding, display), err=True)
        raise UsageError("some files could not be scanned; no baseline written")
    if any(not report.ok for report in outcome.sources):
        raise UsageError("a source failed; no baseline written")
    entries = [
        BaselineEntry(f.path, f.rule_id, f.fingerprint, excerpt(outcome.texts.get(f.path, ""), f))
        for f in outcome.findings
        if f.is_finding
    ]
    target = output if output is not None else project.config.root / ".audit-baseline.json"
    write_output(target, render_baseline(entries).encode("utf-8"))
    count = len(entries)
    click.echo(
        f"{display_path(target)}: {count} finding{'' if count == 1 else 's'} in the baseline."
    )


@cli.command()
@click.option(
    "--backfill",
    is_flag=True,
    help="Record the sources' findings at past first-parent commits too, each in a "
    "temporary work tree (resumable: commits already recorded are skipped).",
)
@click.option(
    "--since",
    metavar="REF",
    help="With --backfill: from this commit on [default: the commit issues.yaml's "
    "`started` tracks from, else the first].",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="With --backfill: commits checked at once [default: the cores, fewer where "
    "memory would not hold them].",
)
@click.option(
    "--setup",
    metavar="CMD",
    help="With --backfill: a shell command run in each work tree first (`npm ci`), "
    "instead of linking in the current node_modules and virtualenv.",
)
@config_option
@trust_option
def snapshot(
    backfill: bool,
    since: str | None,
    jobs: int | None,
    setup: str | None,
    config_file: Path | None,
) -> None:
    """Record the findings of every source and of the rules at HEAD, as a git note
    (refs/notes/audit) that the tracker's history and `scan --new-since` read. The work
    tree must not differ from HEAD in the files they read. Exit 2 when a source failed
    (the others are recorded)."""
    from auditor.config import load_config
    from auditor.scan.run import open_project
    from auditor.track.snapshot_notes import NOTES_REF
    from auditor.track.snapshots import take
    from auditor.trust import require
    from reports.findings_text import plural

    if not backfill and (since is not None or jobs is not None or setup is not None):
        raise UsageError("--since, --jobs and --setup go with --backfill")
    # Snapshots are what the project's tools say: without trust there is nothing to record.
    what = "`audit snapshot --backfill`" if backfill else "`audit snapshot`"
    require(load_config(Path.cwd(), config_file), what)
    if backfill:
        from auditor.cli.backfill import run_backfill

        sys.exit(run_backfill(config_file, since, jobs, setup))
    project = open_project(Path.cwd(), config_file)
    taken = take(project)
    display = path_display(project.config.root)
    from reports.findings_text import finding_line

    for finding in taken.rules:
        if not finding.is_finding:  # not recorded; the history reads these files from git
            click.echo(f"audit: {finding_line(finding, display)}", err=True)
    report_sources(taken.sources)
    parts = [f"rules {plural(len(taken.rules), 'finding')}"]
    parts += [
        f"{r.name} {plural(len(r.findings), 'finding')}" if r.ok else f"{r.name} failed"
        for r in taken.sources
    ]
    click.echo(f"Snapshot of {taken.commit[:7]} stored in {NOTES_REF}: {', '.join(parts)}.")
    click.echo(f"Share it with: git push origin {NOTES_REF}")
    errors = any(not r.ok for r in taken.sources) or any(f.is_error for f in taken.rules)
    sys.exit(ERROR if errors else 0)
