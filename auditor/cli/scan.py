"""`audit scan`: findings, fixes, diffs and the gate, in every output format."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from auditor import __version__
from auditor.cli.group import (
    cli,
    config_option,
    emit,
    ids,
    path_display,
    progress_bar,
    start_dir,
    trust_option,
    verbose_callback,
)
from auditor.cli.show import TextView, colour_wanted, show, skipped_notes
from auditor.cli.sources_output import (
    report_sources,
    source_json,
    source_rule_infos,
    sources_note,
    sources_wanted,
)
from auditor.cli.stdin import scan_stdin, stdin_start, stdin_text
from auditor.errors import UsageError
from auditor.model import Severity
from auditor.scan.fileio import write_atomic
from auditor.scan.fixer import fixable, unified_diff
from auditor.scan.gate import ERROR, exit_code


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--fix", is_flag=True, help="Apply safe fixes and write the files.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, apply unsafe fixes too.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--select", multiple=True, help="Only these rule ids (comma-separated).")
@click.option("--ignore", multiple=True, help="Not these rule ids (comma-separated).")
@click.option(
    "--format",
    "--output-format",  # ruff's name
    "output_format",
    type=click.Choice(["text", "json", "jsonl", "sarif", "github", "gitlab", "junit"]),
    default="text",
    show_default=True,
)
@click.option("--output", type=click.Path(path_type=Path), help="Write the report to FILE.")
@click.option(
    "--fail-on",
    type=click.Choice(["critical", "high", "medium", "low", "none"]),
    help="Exit 1 on findings at or above this severity [config, else critical].",
)
@click.option(
    "--exit-zero",
    is_flag=True,
    help="Exit 0 whatever the findings (--fail-on none); errors still exit 2.",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path),
    help="Report only findings not in this baseline (see `audit baseline`).",
)
@click.option(
    "--update-baseline", is_flag=True, help="With --baseline, drop the entries that are fixed."
)
@click.option(
    "--new-since", metavar="REF", help="Report only findings absent at the merge base of REF."
)
@click.option(
    "--include-suppressed", is_flag=True, help="SARIF: include suppressed findings, marked."
)
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), help="Worker processes [default: the cores]."
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path),
    help="Where the result cache lives [default: .audit_cache at the project root].",
)
@click.option(
    "--sources/--no-sources",
    "use_sources",
    default=None,
    help="Run the configured sources (ruff, mypy, SARIF) too [config: run-sources].",
)
@click.option(
    "--no-skip-generated",
    is_flag=True,
    help="Scan generated and minified files too [config: skip-generated].",
)
@click.option("-q", "--quiet", is_flag=True, help="Text: the findings only, no summary.")
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    callback=verbose_callback,
    help="Text: a crashing rule's traceback, each rule's docs.",
)
@click.option(
    "--statistics", is_flag=True, help="Text: counts per rule instead of one line a finding."
)
@click.option(
    "--show-files", is_flag=True, help="List the files the scan would read, and scan nothing."
)
@click.option(
    "--show-settings", is_flag=True, help="Print the settings in force, and scan nothing."
)
@click.option(
    "--shard",
    metavar="I/N",
    help="Scan only shard I of N (a stable split by path; combine with `audit merge`).",
)
@click.option(
    "--report-unused-ignores",
    is_flag=True,
    help="Report `audit: ignore` comments that silence nothing [config: report-unused-ignores].",
)
@click.option(
    "--force-exclude",
    is_flag=True,
    help="Apply the excludes to files named on the command line too (for pre-commit).",
)
@click.option(
    "--stdin-filename",
    type=click.Path(path_type=Path),
    help="With PATHS `-`: the path of the document read from stdin (its language, config and "
    "per-file ignores); with --fix the fixed text goes to stdout.",
)
@config_option
@trust_option
def scan(
    paths: tuple[Path, ...],
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    output_format: str,
    output: Path | None,
    fail_on: str | None,
    exit_zero: bool,
    baseline: Path | None,
    update_baseline: bool,
    new_since: str | None,
    include_suppressed: bool,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
    use_sources: bool | None,
    quiet: bool,
    verbose: bool,
    statistics: bool,
    show_files: bool,
    show_settings: bool,
    shard: str | None,
    report_unused_ignores: bool,
    no_skip_generated: bool,
    force_exclude: bool,
    stdin_filename: Path | None,
    config_file: Path | None,
) -> None:
    """Scan PATHS (default: the configured include) for findings; `-` reads one document
    from stdin (with --stdin-filename)."""
    from auditor.scan.run import open_project
    from auditor.scan.run import scan as run_scan
    from reports.findings_text import plural

    if update_baseline and baseline is None:
        raise UsageError("--update-baseline needs --baseline FILE")
    if exit_zero:  # ruff's flag
        if fail_on not in (None, "none"):
            raise UsageError(f"--exit-zero and --fail-on {fail_on} contradict each other")
        fail_on = "none"
    if select and not ids(select):
        raise UsageError("--select: no rule id given (see `audit rules`)")
    parts = _shard(shard) if shard is not None else None
    stdin = paths == (Path("-"),)
    if stdin and stdin_filename is None:
        raise UsageError("`audit scan -` reads stdin: give its path with --stdin-filename PATH")
    if not stdin and stdin_filename is not None:
        raise UsageError("--stdin-filename goes with the path `-` (read stdin)")
    if stdin and (new_since is not None or use_sources):
        raise UsageError("`audit scan -` scans one document: no --new-since or --sources")
    project = open_project(
        stdin_start(stdin_filename) if stdin_filename is not None else start_dir(paths),
        config_file,
        select=ids(select) if select else None,
        ignore=ids(ignore),
        use_cache=not no_cache,
        cache_dir=cache_dir,
    )
    from dataclasses import replace

    if report_unused_ignores:
        project = replace(project, config=replace(project.config, report_unused_ignores=True))
    if no_skip_generated:
        project = replace(project, config=replace(project.config, skip_generated=False))
    if show_settings or show_files:
        show(project, paths, show_settings=show_settings, force_exclude=force_exclude)
        return
    entries = _read_baseline(baseline) if baseline is not None else None
    if stdin_filename is not None:
        project = project.realized()
        outcome = scan_stdin(project, stdin_filename, fix=fix or diff, unsafe=unsafe_fixes)
    else:
        with progress_bar() as progress:
            outcome = run_scan(
                project,
                paths,
                fix=fix,
                unsafe=unsafe_fixes,
                diff=diff,
                progress=progress,
                jobs=jobs,
                cache_dir=project.cache_dir,
                keep_texts=new_since is not None,
                sources=sources_wanted(use_sources, project.config) and not diff,
                force_exclude=force_exclude,
                shard=parts,
            )
    report_sources(outcome.sources)

    findings = list(outcome.findings)
    display = path_display(project.config.root)
    notes = [f"{display(c.path)}: {c.note}" for c in outcome.changes if c.note]  # split links
    if not diff:  # files the fixes that span files created
        notes += [f"created {display(c.path)}" for c in outcome.changes if c.before is None]
    notes += [skip.line(display) for skip in outcome.not_applied]  # left for a next run
    split = len(notes)  # these first notes go to stderr too
    extra: dict[str, Any] = {}
    if outcome.skipped:
        notes += skipped_notes(outcome.skipped, display, listed=verbose)
        extra["skipped"] = [{"path": path, "reason": why} for path, why in outcome.skipped]
    if outcome.sources:
        notes.append(sources_note(outcome.sources))
        extra["sources"] = [source_json(report) for report in outcome.sources]
    if new_since is not None:
        from auditor.scan.gate import not_in
        from auditor.track.progress import existing_since

        project = project.realized()  # the merge base's files are parsed
        old = existing_since(project, new_since, outcome)
        findings = not_in(findings, old.fingerprints)
        hidden = len(outcome.findings) - len(findings)
        notes.append(
            f"{plural(hidden, 'finding')} already at the merge base of {new_since}: not shown."
        )
        notes += old.notes
        extra["new_since"] = {"ref": new_since, "hidden": hidden}
        if outcome.sources:
            extra["new_since"]["snapshots"] = old.snapshots
    if entries is not None and baseline is not None:
        from auditor.scan.gate import apply_baseline, render_baseline

        before = len(findings)
        findings, gone = apply_baseline(findings, entries)
        notes.append(f"{plural(before - len(findings), 'finding')} in the baseline: not shown.")
        if gone:
            notes.append(f"{plural(len(gone), 'baseline finding')} fixed:")
            notes += [f"  {e.path}: {e.rule_id} {e.code}" for e in gone]
        if update_baseline and gone:
            kept = set(entries) - set(gone)
            write_atomic(baseline, render_baseline(kept).encode("utf-8"))
            notes.append(f"{baseline}: {plural(len(gone), 'fixed entry')} removed.")
        extra["baseline"] = {
            "file": str(baseline),
            "hidden": before - len(findings),
            "fixed": [
                {"fingerprint": e.fingerprint, "rule_id": e.rule_id, "path": e.path, "code": e.code}
                for e in gone
            ],
        }

    counts = {
        "files": outcome.files,
        "fixed": 0 if diff else len(outcome.fixed),
        "fixable_safe": 0 if fix else sum(fixable(f, False) for f in findings),
        "fixable_unsafe": 0
        if fix and unsafe_fixes
        else sum(fixable(f, True) and not fixable(f, False) for f in findings),
    }
    if diff:
        for change in outcome.changes:
            click.echo(unified_diff(display(change.path), change.before, change.after), nl=False)
        fixes = plural(len(outcome.fixed), "finding")
        files = plural(sum(c.before is not None for c in outcome.changes), "file")
        created = ", ".join(display(c.path) for c in outcome.changes if c.before is None)
        creating = f", creating {created}" if created else ""
        click.echo(f"Would fix {fixes} in {files}{creating}.", err=True)
    else:
        report = _render_findings(
            output_format,
            findings,
            project,
            display,
            counts,
            notes,
            extra,
            outcome.suppressed if include_suppressed else (),
            outcome.sources,
            TextView(
                colour=colour_wanted(output), statistics=statistics, quiet=quiet, verbose=verbose
            ),
            outcome.checked,
        )
        if stdin and fix:
            # ruff's convention: the fixed document on stdout, the report on stderr.
            changed = outcome.changes[0].after if outcome.changes else None
            click.echo(changed if changed is not None else stdin_text(outcome), nl=False)
            if output is None:
                click.echo(report, nl=False, err=True)
            else:
                emit(report, output)
        else:
            emit(report, output)
    if diff or output_format != "text" or output is not None:
        # The report went elsewhere or is for machines: say on stderr, one line each,
        # which files could not be checked, so a person reading the log sees it.
        from reports.findings_text import finding_line

        for finding in findings:
            if not finding.is_finding:
                click.echo(f"audit: {finding_line(finding, display)}", err=True)
        click.echo("".join(f"audit: note: {note}\n" for note in notes[:split]), nl=False, err=True)

    threshold = project.config.fail_on
    if fail_on is not None:
        threshold = None if fail_on == "none" else Severity.parse(fail_on)
    code = exit_code(findings, threshold)
    named_files = bool(paths) and all(p.is_file() for p in paths)  # pre-commit's way
    if (
        outcome.files == 0
        and not outcome.sources
        and not (force_exclude and named_files)
        and parts is None
    ):
        # A gate that checked nothing must not pass: a wrong `include`, an empty folder.
        where = ", ".join(str(p) for p in paths) or ", ".join(project.config.include)
        click.echo(
            f"audit: warning: no files to check under {where} (see `include`, `exclude` "
            "and the languages of the selected rules)",
            err=True,
        )
        if threshold is not None:
            code = ERROR
    sys.exit(ERROR if any(not r.ok for r in outcome.sources) else code)


def _read_baseline(path: Path) -> Any:
    from auditor.scan.gate import BaselineError, parse_baseline

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror}") from None
    return parse_baseline(text, str(path))


def _render_findings(
    output_format: str,
    findings: Sequence[Any],
    project: Any,
    display: Callable[[str], str],
    counts: dict[str, int],
    notes: list[str],
    extra: dict[str, Any],
    suppressed: Sequence[Any],
    sources: Sequence[Any] = (),
    view: TextView | None = None,
    checked: Sequence[str] = (),
) -> str:
    view = view or TextView()
    failed = [(f"source {r.name}", r.error) for r in sources if r.error is not None]
    if output_format == "json":
        from reports.findings_json import render as render_json

        return render_json(findings, version=__version__, extra=extra, **counts)
    if output_format == "sarif":
        from auditor.scan.loading import rule_urls
        from auditor.scan.tool_rules import TOOL_RULES
        from reports.sarif import RuleInfo
        from reports.sarif import render as render_sarif

        by_id: dict[str, list[Any]] = {}
        urls = rule_urls(project.registry, project.config.docs_url)
        for rule in project.rules:  # one entry per id, whatever the languages
            by_id.setdefault(rule.id, []).append(rule)
        infos = [
            RuleInfo(
                id=rule_id,
                name="".join(part.title() for part in rule_id.split("-")),
                summary=impls[0].cls.message,
                description="\n\n".join(r.cls.explanation() for r in impls),
                severity=max(r.severity for r in impls),
                help_uri=urls.get(rule_id, ""),
            )
            for rule_id, impls in by_id.items()
        ]
        infos += [
            RuleInfo(
                id=tool.id,
                name="".join(part.title() for part in tool.id.split("-")),
                summary=tool.summary,
                description=tool.description,
                severity=tool.severity,
            )
            for tool in TOOL_RULES
        ]
        infos += source_rule_infos(sources, [*findings, *suppressed])
        base, prefix = repository_base(project.config.root.resolve())
        return render_sarif(
            findings,
            infos,
            version=__version__,
            root_uri=base.as_uri() + "/",
            path_prefix=prefix,
            suppressed=suppressed,
            failures=[f"{title}: {message}" for title, message in failed],
            skipped=[(s["path"], s["reason"]) for s in extra.get("skipped", ())],
        )
    if output_format == "github":
        from reports.github import render as render_github

        # GitHub reads annotation paths from the repository's root, whatever the job's
        # working-directory: not from the current directory, as the text output is.
        prefix = repository_base(project.config.root.resolve())[1]
        return render_github(findings, lambda rel: prefix + rel, failed)
    if output_format == "gitlab":
        from reports.gitlab import render as render_gitlab

        return render_gitlab(findings, repository_base(project.config.root.resolve())[1])
    if output_format == "junit":
        from reports.junit import render as render_junit

        return render_junit(findings, display, checked)
    if output_format == "jsonl":
        from reports.jsonl import render as render_jsonl

        return render_jsonl(findings)
    from auditor.scan.loading import rule_urls
    from reports.findings_text import render as render_text

    urls = rule_urls(project.registry, project.config.docs_url) if view.verbose else {}
    return render_text(
        findings,
        display,
        files=counts["files"],
        fixed=counts["fixed"],
        fixable_safe=counts["fixable_safe"],
        fixable_unsafe=counts["fixable_unsafe"],
        notes=notes,
        colour=view.colour,
        by_rule=view.statistics,
        quiet=view.quiet,
        verbose=view.verbose,
        urls=urls,
    )


def _shard(text: str) -> tuple[int, int]:
    index, _, count = text.partition("/")
    if index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count):
        return int(index), int(count)
    raise UsageError(f"--shard {text}: expected I/N with 1 <= I <= N, e.g. 2/3")


def repository_base(root: Path) -> tuple[Path, str]:
    """The repository around the project (GitHub and GitLab read report paths from its
    root), and the project's folder below it ("backend/"); the project itself when it is
    in none. A `.git` is looked for rather than git asked: reports need no git."""
    for directory in (root, *root.parents):
        if (directory / ".git").exists():
            rel = root.relative_to(directory).as_posix()
            return directory, "" if rel == "." else rel + "/"
    return root, ""
