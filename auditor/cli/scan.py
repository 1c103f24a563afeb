"""`audit scan`: the options parsed into one request (auditor/cli/scan_options.py), the use
case run (auditor/scan/use_case.py), and its report printed in the format asked for
(reports/formats.py) with the exit code the report derives."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from auditor import __version__
from auditor.cli.group import cli, emit, path_display, progress_bar, start_dir
from auditor.cli.scan_options import scan_options, scan_request
from auditor.cli.show import colour_wanted, show
from auditor.scan.gate import ERROR

if TYPE_CHECKING:
    from typing import Unpack

    from auditor.cli.scan_options import ScanOptions
    from auditor.scan.report import ScanReport
    from auditor.scan.request import Printing, ScanRequest
    from auditor.scan.run import Project
    from reports.formats import RenderContext


@cli.command()
@scan_options
def scan(**options: Unpack[ScanOptions]) -> None:
    """Scan PATHS (default: the configured include) for findings; `-` reads one document
    from stdin (with --stdin-filename)."""
    sys.exit(run_scan(scan_request(options)))


def run_scan(request: ScanRequest) -> int:
    """Scan as `request` asks, print the report; the exit code. With --watch, again at
    each change until Ctrl-C (auditor/cli/watch.py)."""
    if request.show.watch:
        from auditor.cli.watch import watch

        return watch(lambda: scan_once(request))
    return scan_once(request).code


# eq=False where nothing compares or hashes the values: each generated method is code
# compiled at import, and a warm `audit scan` is mostly its imports.
@dataclass(frozen=True, slots=True, eq=False)
class Run:
    code: int
    project: Project | None = None
    report: ScanReport | None = None


def scan_once(request: ScanRequest) -> Run:
    from auditor.scan.use_case import open_scan_project, scan_report

    read = request.read
    if read.stdin_filename is not None:
        from auditor.cli.stdin import stdin_start

        start = stdin_start(read.stdin_filename)
    else:
        start = start_dir(read.paths)
    project = open_scan_project(start, read)
    if request.show.show_settings or request.show.show_files:
        show(
            project,
            read.paths,
            show_settings=request.show.show_settings,
            force_exclude=read.force_exclude,
        )
        return Run(0, project)
    if read.stdin:
        report = scan_report(project, request, document=sys.stdin.buffer.read())
    else:
        with progress_bar() as progress:
            report = scan_report(project, request, progress=progress)
    if report.sources:
        from auditor.cli.sources_output import report_sources

        report_sources(report.sources)
    if request.fix.add_ignore:
        return Run(add_ignores(project, report), project, report)
    publish(report, request, render_context(project, request.show))
    code = report.exit_code(request.gate.threshold(project.config.fail_on))
    return Run(code, project, report)


def add_ignores(project: Project, report: ScanReport) -> int:
    """--add-ignore: a comment for each finding; how many were added, on stderr as ruff's
    --add-noqa says it; what could not be done, one line each. Exit 2 when a file could
    not be checked or written, else 0."""
    from auditor.scan.use_case import add_ignore_comments
    from reports.findings_text import finding_line, plural

    added = add_ignore_comments(project, report)
    display = path_display(project.config.root)
    for finding in report.findings:
        if finding.is_error:
            click.echo(f"audit: {finding_line(finding, display)}", err=True)
    for finding in added.left:
        where = f"{display(finding.path)}:{finding.start.line}:{finding.start.column}"
        click.echo(f"audit: note: {where}: no ignore comment fits for {finding.rule_id}", err=True)
    for problem in added.unwritten:
        click.echo(f"audit: error: {problem}", err=True)
    click.echo(f"Added {plural(added.comments, 'ignore comment')}.", err=True)
    failed = added.unwritten or any(f.is_error for f in report.findings)
    return ERROR if failed else 0


def render_context(project: Project, show: Printing) -> RenderContext:
    from reports.formats import RenderContext

    base, prefix = repository_base(project.config.root.resolve())
    return RenderContext(
        display=path_display(project.config.root),
        version=__version__,
        project=project,
        root_uri=base.as_uri() + "/",
        path_prefix=prefix,
        colour=colour_wanted(show.output),
        statistics=show.statistics,
        quiet=show.quiet,
        verbose=show.verbose,
        include_suppressed=show.include_suppressed,
    )


def publish(report: ScanReport, request: ScanRequest, context: RenderContext) -> None:
    """The report on stdout or in --output; with --diff the diffs instead. What a person
    must see whatever the format goes to stderr."""
    from reports.formats import render

    show = request.show
    if request.fix.diff:
        _print_diff(report, context.display)
    elif request.read.stdin and request.fix.fix:
        # ruff's convention: the fixed document on stdout, the report on stderr.
        changed = report.changes[0].after if report.changes else None
        click.echo(changed if changed is not None else _document(report), nl=False)
        text = render(show.format, report, context)
        if show.output is None:
            click.echo(text, nl=False, err=True)
        else:
            emit(text, show.output)
    else:
        emit(render(show.format, report, context), show.output)
    if request.fix.diff or show.format != "text" or show.output is not None:
        _tell_stderr(report, context.display)
    for warning in report.warnings:
        click.echo(f"audit: warning: {warning}", err=True)


def _document(report: ScanReport) -> str:
    return next(iter(report.texts.values()), "")


def _print_diff(report: ScanReport, display: Callable[[str], str]) -> None:
    from auditor.scan.fixer import unified_diff
    from reports.findings_text import plural

    for change in report.changes:
        click.echo(unified_diff(display(change.path), change.before, change.after), nl=False)
    fixes = plural(len(report.fixed), "finding")
    files = plural(sum(c.before is not None for c in report.changes), "file")
    created = ", ".join(display(path) for path in report.created)
    creating = f", creating {created}" if created else ""
    click.echo(f"Would fix {fixes} in {files}{creating}.", err=True)


def _tell_stderr(report: ScanReport, display: Callable[[str], str]) -> None:
    """The report went elsewhere or is for machines: say on stderr, one line each, which
    files could not be checked and what the fixes did, so a person reading the log sees it."""
    from reports.findings_text import finding_line
    from reports.scan_notes import fix_notes

    for finding in report.findings:
        if not finding.is_finding:
            click.echo(f"audit: {finding_line(finding, display)}", err=True)
    notes = fix_notes(report, display)
    click.echo("".join(f"audit: note: {note}\n" for note in notes), nl=False, err=True)


def repository_base(root: Path) -> tuple[Path, str]:
    """The repository around the project (GitHub and GitLab read report paths from its
    root), and the project's folder below it ("backend/"); the project itself when it is
    in none. A `.git` is looked for rather than git asked: reports need no git."""
    for directory in (root, *root.parents):
        if (directory / ".git").exists():
            rel = root.relative_to(directory).as_posix()
            return directory, "" if rel == "." else rel + "/"
    return root, ""
