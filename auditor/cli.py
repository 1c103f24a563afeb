"""The `audit` command. The only module that prints or exits.

Exit codes: 0 nothing at or above the fail-on level; 1 findings at or above it;
2 usage, config or input error.
"""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from auditor import __version__
from auditor.config import display_path
from auditor.errors import AuditError, UsageError
from auditor.fileio import write_atomic
from auditor.fixer import fixable, unified_diff
from auditor.gate import ERROR, exit_code
from auditor.model import Severity

PROGRESS_MIN_FILES = 200


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AuditError as exc:
            click.echo(f"audit: error: {exc.message}", err=True)
            ctx.exit(ERROR)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="audit")
def cli() -> None:
    """Audit a codebase for quality issues, fix them, and track their remediation."""


def _ids(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _display(root: Path) -> Callable[[str], str]:
    cwd = Path.cwd()

    def display(rel: str) -> str:
        absolute = root / rel
        try:
            return Path(os.path.relpath(absolute, cwd)).as_posix()
        except ValueError:
            return absolute.as_posix()

    return display


@contextmanager
def _history_bar() -> Iterator[Callable[[int, int], None] | None]:
    """Commits walked, on stderr and only on a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("walking the history", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


@contextmanager
def _progress_bar() -> Iterator[Callable[[int], Callable[[], None]] | None]:
    """A bar on stderr for long scans, and only on a terminal: CI logs stay clean."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:

        def start(total: int) -> Callable[[], None]:
            if total < PROGRESS_MIN_FILES:
                return lambda: None
            task = bar.add_task("scanning", total=total)
            return lambda: bar.advance(task)

        yield start


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--fix", is_flag=True, help="Apply safe fixes and write the files.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, apply unsafe fixes too.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--select", multiple=True, help="Only these rule ids (comma-separated).")
@click.option("--ignore", multiple=True, help="Not these rule ids (comma-separated).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "sarif", "github"]),
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
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Config file.")
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
    baseline: Path | None,
    update_baseline: bool,
    new_since: str | None,
    include_suppressed: bool,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
    use_sources: bool | None,
    config_file: Path | None,
) -> None:
    """Scan PATHS (default: the configured include) for findings."""
    from auditor.scan import open_project
    from auditor.scan import scan as run_scan
    from reports.findings_text import plural

    if update_baseline and baseline is None:
        raise UsageError("--update-baseline needs --baseline FILE")
    project = open_project(
        _start(paths),
        config_file,
        select=_ids(select) if select else None,
        ignore=_ids(ignore),
        use_cache=not no_cache,
        cache_dir=cache_dir,
    )
    entries = _read_baseline(baseline) if baseline is not None else None
    with _progress_bar() as progress:
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
            sources=_sources_wanted(use_sources, project.config) and not diff,
        )
    _report_sources(outcome.sources)

    findings = list(outcome.findings)
    notes: list[str] = []
    extra: dict[str, Any] = {}
    if outcome.sources:
        notes.append(_sources_note(outcome.sources))
        extra["sources"] = [_source_json(report) for report in outcome.sources]
    if new_since is not None:
        from auditor.gate import not_in
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
        from auditor.gate import apply_baseline, render_baseline

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
    display = _display(project.config.root)
    if diff:
        for change in outcome.changes:
            click.echo(unified_diff(display(change.path), change.before, change.after), nl=False)
        fixes, files = len(outcome.fixed), len(outcome.changes)
        click.echo(f"Would fix {plural(fixes, 'finding')} in {plural(files, 'file')}.", err=True)
    else:
        _emit(
            _render_findings(
                output_format,
                findings,
                project,
                display,
                counts,
                notes,
                extra,
                outcome.suppressed if include_suppressed else (),
                outcome.sources,
            ),
            output,
        )
    if diff or output_format != "text" or output is not None:
        # The report went elsewhere or is for machines: say on stderr, one line each,
        # which files could not be checked, so a person reading the log sees it.
        from reports.findings_text import finding_line

        for finding in findings:
            if finding.is_error:
                click.echo(f"audit: {finding_line(finding, display)}", err=True)

    threshold = project.config.fail_on
    if fail_on is not None:
        threshold = None if fail_on == "none" else Severity.parse(fail_on)
    code = exit_code(findings, threshold)
    sys.exit(ERROR if any(not r.ok for r in outcome.sources) else code)


def _sources_wanted(flag: bool | None, config: Any) -> bool:
    """--sources / --no-sources, else `run-sources`. Asking for sources when none is
    configured is a usage error, not a silent no-op."""
    if flag and not config.sources:
        raise UsageError(
            f"--sources: no source is configured in {config.display_file} "
            "(add a [tool.audit.sources.<name>] table)"
        )
    return bool(config.run_sources) if flag is None else flag


def _report_sources(reports: Sequence[Any]) -> None:
    """A failed source is one error line on stderr, naming it; its warnings, one each."""
    for report in reports:
        if report.error is not None:
            click.echo(f"audit: error: source {report.name}: {report.error}", err=True)
        for warning in report.warnings:
            click.echo(f"audit: warning: source {report.name}: {warning}", err=True)


def _sources_note(reports: Sequence[Any]) -> str:
    from reports.findings_text import plural

    parts = [
        f"{r.name} {plural(len(r.findings), 'finding')}" if r.ok else f"{r.name} failed"
        for r in reports
    ]
    return "Sources: " + ", ".join(parts) + "."


def _source_json(report: Any) -> dict[str, Any]:
    return {
        "name": report.name,
        "kind": report.kind,
        "findings": len(report.findings),
        "suppressed": len(report.suppressed),
        "error": report.error,
        "warnings": list(report.warnings),
    }


def _read_baseline(path: Path) -> Any:
    from auditor.gate import BaselineError, parse_baseline

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
) -> str:
    failed = [(f"source {r.name}", r.error) for r in sources if r.error is not None]
    if output_format == "json":
        from reports.findings_json import render as render_json

        return render_json(findings, version=__version__, extra=extra, **counts)
    if output_format == "sarif":
        from reports.sarif import RuleInfo
        from reports.sarif import render as render_sarif

        by_id: dict[str, list[Any]] = {}
        for rule in project.rules:  # one entry per id, whatever the languages
            by_id.setdefault(rule.id, []).append(rule)
        infos = [
            RuleInfo(
                id=rule_id,
                name="".join(part.title() for part in rule_id.split("-")),
                summary=impls[0].cls.message,
                description="\n\n".join(r.cls.explanation() for r in impls),
                severity=max(r.severity for r in impls),
            )
            for rule_id, impls in by_id.items()
        ]
        infos += _source_rule_infos(sources, [*findings, *suppressed])
        root_uri = project.config.root.resolve().as_uri() + "/"
        return render_sarif(
            findings,
            infos,
            version=__version__,
            root_uri=root_uri,
            suppressed=suppressed,
            failures=[f"{title}: {message}" for title, message in failed],
        )
    if output_format == "github":
        from reports.github import render as render_github

        return render_github(findings, display, failed)
    from reports.findings_text import render as render_text

    return render_text(findings, display, notes=notes, **counts)


def _source_rule_infos(sources: Sequence[Any], findings: Sequence[Any]) -> list[Any]:
    """SARIF rule entries for the sources' rules that have findings in this run."""
    import re

    from reports.sarif import RuleInfo

    infos = []
    for report in sources:
        severities: dict[str, Severity] = {}
        for finding in findings:
            if finding.rule_id.startswith(report.name + ":"):
                known = severities.get(finding.rule_id, finding.severity)
                severities[finding.rule_id] = max(known, finding.severity)
        for rule_id, severity in sorted(severities.items()):
            doc = report.rules.get(rule_id)
            summary = doc.summary if doc is not None else rule_id.split(":", 1)[1]
            described = doc.description if doc is not None and doc.description else summary
            infos.append(
                RuleInfo(
                    id=rule_id,
                    name="".join(
                        p[:1].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", rule_id)
                    ),
                    summary=summary,
                    description=f"{described}\n\nReported by the source `{report.name}` "
                    f"({report.kind}), imported by auditor.",
                    severity=severity,
                    help_uri=doc.help_uri if doc is not None else "",
                )
            )
    return infos


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
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Config file.")
def baseline(
    paths: tuple[Path, ...], output: Path | None, use_sources: bool | None, config_file: Path | None
) -> None:
    """Write the current findings' fingerprints to a baseline file, for `scan --baseline`."""
    from auditor.gate import BaselineEntry, excerpt, render_baseline
    from auditor.scan import open_project
    from auditor.scan import scan as run_scan

    project = open_project(_start(paths), config_file)
    outcome = run_scan(
        project,
        paths,
        keep_texts=True,
        sources=_sources_wanted(use_sources, project.config),
    )
    _report_sources(outcome.sources)
    errors = [f for f in outcome.findings if f.is_error]
    if errors:
        display = _display(project.config.root)
        from reports.findings_text import finding_line

        for finding in errors:
            click.echo(finding_line(finding, display), err=True)
        raise UsageError("some files could not be scanned; no baseline written")
    if any(not report.ok for report in outcome.sources):
        raise UsageError("a source failed; no baseline written")
    entries = [
        BaselineEntry(f.path, f.rule_id, f.fingerprint, excerpt(outcome.texts.get(f.path, ""), f))
        for f in outcome.findings
    ]
    target = output if output is not None else project.config.root / ".audit-baseline.json"
    write_atomic(target, render_baseline(entries).encode("utf-8"))
    count = len(entries)
    click.echo(
        f"{display_path(target)}: {count} finding{'' if count == 1 else 's'} in the baseline."
    )


@cli.command()
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Config file.")
def snapshot(config_file: Path | None) -> None:
    """Record the findings of every source and of the rules at HEAD, as a git note
    (refs/notes/audit) that the tracker's history and `scan --new-since` read. The work
    tree must not differ from HEAD in the files they read. Exit 2 when a source failed
    (the others are recorded)."""
    from auditor.scan import open_project
    from auditor.track.snapshot_notes import NOTES_REF
    from auditor.track.snapshots import take
    from reports.findings_text import plural

    project = open_project(Path.cwd(), config_file)
    taken = take(project)
    display = _display(project.config.root)
    from reports.findings_text import finding_line

    for finding in taken.rules:
        if finding.is_error:  # not recorded; the history reads these files from git
            click.echo(f"audit: {finding_line(finding, display)}", err=True)
    _report_sources(taken.sources)
    parts = [f"rules {plural(len(taken.rules), 'finding')}"]
    parts += [
        f"{r.name} {plural(len(r.findings), 'finding')}" if r.ok else f"{r.name} failed"
        for r in taken.sources
    ]
    click.echo(f"Snapshot of {taken.commit[:7]} stored in {NOTES_REF}: {', '.join(parts)}.")
    click.echo(f"Share it with: git push origin {NOTES_REF}")
    errors = any(not r.ok for r in taken.sources) or any(f.is_error for f in taken.rules)
    sys.exit(ERROR if errors else 0)


def _start(paths: Sequence[Path]) -> Path:
    """Where config discovery starts: the deepest directory holding every path given."""
    if not paths:
        return Path.cwd()
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
    dirs = [str(p.resolve() if p.is_dir() else p.resolve().parent) for p in paths]
    return Path(os.path.commonpath(dirs))


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text.encode("utf-8"))


@cli.command()
@click.argument("rule_id", required=False)
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Config file.")
def rules(rule_id: str | None, config_file: Path | None) -> None:
    """List the rules, or explain RULE_ID."""
    from auditor.config import load_config
    from auditor.plugins import load_rules

    config = load_config(Path.cwd(), config_file)
    registry = load_rules(config.plugins, config.root)
    if rule_id is None:
        rows = [("id", "severity", "languages", "fix", "from")]
        for loaded in sorted(registry.values(), key=lambda r: r.id):
            severities = dict.fromkeys(cls.severity.label for cls in loaded.classes)
            rows.append(
                (
                    loaded.id,
                    "/".join(severities),
                    ",".join(sorted(loaded.languages)),
                    _fix_summary(loaded.classes),
                    loaded.origin,
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            click.echo("  ".join([*cells, row[-1]]).rstrip())
        return
    if rule_id not in registry:
        raise UsageError(f"unknown rule id {rule_id!r} (see `audit rules`)")
    click.echo("\n".join(_explain(cls) for cls in registry[rule_id].classes), nl=False)


def _fix_summary(classes: Sequence[Any]) -> str:
    """The fix column: "safe", "unsafe" or "-"; when only some implementations fix, which
    languages they fix in ("safe(python)"). No spaces: the table splits on them."""
    fixing = [cls for cls in classes if cls.fixable()]
    if not fixing:
        return "-"
    kinds = "/".join(dict.fromkeys(cls.fix_applicability for cls in fixing))
    if len(fixing) == len(classes):
        return kinds
    languages = ",".join(sorted(lang for cls in fixing for lang in cls.languages))
    return f"{kinds}({languages})"


def _explain(cls: Any) -> str:
    fix = f"{cls.fix_applicability} fix" if cls.fixable() else "no fix"
    languages = ", ".join(sorted(cls.languages))
    out = [f"{cls.id} ({cls.severity.label}; {languages}; {fix})", "", cls.explanation(), ""]
    if cls.OPTIONS:
        out.append("Options (under [tool.audit.rules." + cls.id + "]):")
        out += [f"  {name} = {_toml(value)}" for name, value in cls.OPTIONS.items()]
        out.append("")
    for title, examples in (("Flagged", cls.INVALID), ("Accepted", cls.VALID)):
        for example in examples:
            out.append(f"{title}:")
            out.append(textwrap.indent(textwrap.dedent(example.code).strip("\n"), "    "))
            fixed = getattr(example, "fixed", None)
            if fixed is not None:
                out.append("Fixed:")
                out.append(textwrap.indent(textwrap.dedent(fixed).strip("\n"), "    "))
            out.append("")
    return "\n".join(out)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--write-example",
    "example",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write or update a .env.example FILE; values already in it are kept.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Config file.")
def env(
    paths: tuple[Path, ...], example: Path | None, output_format: str, config_file: Path | None
) -> None:
    """List every environment variable the code in PATHS (default: the configured include)
    reads, with each place, its default and whether it is in a settings module (the
    settings-modules option of unvalidated-env). Exit 2 on a usage or config error, or
    when a file could not be read or parsed."""
    from auditor.config import RuleSettings, load_config
    from auditor.envvars import merge_env_example, read_inventory
    from auditor.plugins import merge_options
    from auditor.source import DecodeError, decode_utf8
    from rules.unvalidated_env import UnvalidatedEnv, settings_modules

    config = load_config(_start(paths), config_file)
    settings = config.rules.get(UnvalidatedEnv.id, RuleSettings())
    options = merge_options(UnvalidatedEnv, settings.options, config.display_file)
    inventory = read_inventory(config, paths, settings_modules(options))

    if example is not None:
        try:
            data: bytes | None = example.read_bytes()
        except FileNotFoundError:
            data = None
        except OSError as exc:
            raise UsageError(f"{example}: cannot read: {exc.strerror}") from None
        try:
            existing = decode_utf8(data) if data is not None else None
        except DecodeError as exc:
            raise UsageError(f"{example}: {exc}") from None
        merged = merge_env_example(existing.text if existing else "", inventory.reads)
        encoding = existing.encoding if existing else "utf-8"
        if data is None or merged.encode(encoding) != data:
            try:
                write_atomic(example, merged.encode(encoding))
            except OSError as exc:
                raise UsageError(f"{example}: cannot write: {exc.strerror or exc}") from None

    if output_format == "json":
        from reports.env_json import render as render_json

        text = render_json(inventory, version=__version__)
    else:
        from reports.env_text import render as render_text

        text = render_text(inventory, _display(config.root))
    click.echo(text, nl=False)
    sys.exit(ERROR if inventory.errors else 0)


@cli.group()
def issues() -> None:
    """The remediation tracker in issues.yaml: check, list, sync."""


_config_option = click.option(
    "--config", "config_file", type=click.Path(path_type=Path), help="Config file."
)
_since_option = click.option(
    "--since", metavar="REF", help="Track from this revision instead of `started`."
)


@issues.command("check")
@_config_option
def issues_check(config_file: Path | None) -> None:
    """Validate issues.yaml: exit 0 when valid, 2 with the first error."""
    from auditor.scan import open_project
    from auditor.track.progress import load_project_issues

    loaded = load_project_issues(open_project(Path.cwd(), config_file))
    count = len(loaded.issues)
    click.echo(f"{loaded.path}: {count} issue{'' if count == 1 else 's'}, valid.")


def _tracker_project(config_file: Path | None, no_cache: bool = False) -> Any:
    """The project, its history cache in the cache folder unless `no_cache`."""
    from dataclasses import replace

    from auditor.scan import CACHE_DIR, open_project

    project = open_project(Path.cwd(), config_file)
    return replace(project, cache_dir=None if no_cache else project.config.root / CACHE_DIR)


_no_cache_option = click.option(
    "--no-cache", is_flag=True, help="Walk the whole history again; keep nothing."
)


@issues.command("list")
@_config_option
@_since_option
@_no_cache_option
def issues_list(config_file: Path | None, since: str | None, no_cache: bool) -> None:
    """Each issue with its severity, status, open and fixed counts."""
    from auditor.track.progress import tracker_state
    from reports.tracker_text import render_list

    with _history_bar() as progress:
        _, state = tracker_state(_tracker_project(config_file, no_cache), since, progress=progress)
    click.echo(render_list(state), nl=False)


@issues.command("sync")
@_config_option
def issues_sync(config_file: Path | None) -> None:
    """Append an issue to issues.yaml for each rule with untracked findings (for a
    source's findings, one issue for the source: `rules: ['mypy:*']`)."""
    from auditor.scan import open_project
    from auditor.track.issues_file import NewIssue, append_issues
    from auditor.track.progress import issues_path, tracker_state

    project = open_project(Path.cwd(), config_file)
    loaded, state = tracker_state(project, head_only=True)  # what is untracked now
    from auditor.discovery import language_of

    implementations: dict[str, list[Any]] = {}
    for rule in project.rules:
        implementations.setdefault(rule.id, []).append(rule)
    new: list[NewIssue] = []
    counts: dict[str, int] = {}
    by_source: dict[str, list[Any]] = {}
    for group in state.untracked:
        source, colon, _ = group.rule_id.partition(":")
        if colon:
            by_source.setdefault(source, []).extend(group.findings)
            continue
        candidates = implementations.get(group.rule_id)
        if not candidates:
            continue  # a rule no longer enabled: nothing to name the issue after
        # Named after the implementation for the language most of its findings are in.
        languages = [language_of(f.path) for f in group.findings]
        rule = max(candidates, key=lambda r: sum(lang in r.cls.languages for lang in languages))
        title = rule.cls.message[:1].upper() + rule.cls.message[1:]
        new.append(NewIssue(group.rule_id, title, rule.severity))
        counts[group.rule_id] = len(group.findings)
    for source, found in sorted(by_source.items()):
        severity = max(Severity.parse(f.severity) for f in found)
        new.append(NewIssue(f"{source}:*", f"Findings of {source}", severity))
        counts[f"{source}:*"] = len(found)
    if not new:
        click.echo(f"{loaded.path}: every finding belongs to an issue; nothing to add.")
        return
    path = issues_path(project)
    before = path.read_bytes()
    text = append_issues(before.decode("utf-8-sig"), loaded, new)
    write_atomic(path, text.encode("utf-8"), expected=before)
    for item in new:
        count = counts[item.rule_id]
        click.echo(
            f"added an issue for {item.rule_id} ({count} finding{'' if count == 1 else 's'})"
        )


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
@_since_option
@click.option(
    "--area-depth",
    type=click.IntRange(1, 10),
    default=1,
    show_default=True,
    help="Directory levels that make an area in the per-area breakdown.",
)
@click.option(
    "--trend",
    type=click.Choice(["auto", "week", "month"]),
    default="auto",
    show_default=True,
    help="The trend table's period (auto: months for ranges over half a year).",
)
@_no_cache_option
@_config_option
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
    from auditor.track.progress import tracker_state

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
    project = _tracker_project(config_file, no_cache)
    with _history_bar() as progress:
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
        _emit(text, target)


def _render_report(state: Any, output_format: str) -> str:
    if output_format == "json":
        import json

        return json.dumps(state.to_json(), indent=2, ensure_ascii=False) + "\n"
    from reports.progress import render_html, render_markdown

    return render_html(state) if output_format == "html" else render_markdown(state)


def _toml(value: object) -> str:
    """An option's default as it would be written in pyproject.toml."""
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(json.dumps(v) for v in value) + "]"
    return json.dumps(value)


def main() -> None:
    cli(prog_name="audit")
