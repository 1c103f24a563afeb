"""`audit scan` as a use case: a ScanRequest in, a ScanReport out. It opens the project
with the request's settings, scans the files (or the one document read from stdin), and
applies the gate's filters (baseline, new since a revision); what is printed, and how,
is the command line's (auditor/cli/scan.py) and the renderers' (reports/formats.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.errors import UsageError
from auditor.model import PARSE_ERROR, Finding, error_finding
from auditor.scan.report import Counts, ScanReport
from auditor.scan.run import Project, ScanOutcome, open_project

if TYPE_CHECKING:
    from auditor.config import Config
    from auditor.scan.fixer import FileChange
    from auditor.scan.gate_filters import BaselineEntry, BaselineUse, NewSince
    from auditor.scan.ignore_comments import Added
    from auditor.scan.request import Gate, Reading, ScanRequest

Progress = Callable[[int], Callable[[int], None]]


def open_scan_project(start: Path, read: Reading) -> Project:
    """The project the request reads, its config as the command line amends it."""
    project = open_project(
        start,
        read.config_file,
        select=read.select,
        ignore=read.ignore,
        use_cache=read.use_cache,
        cache_dir=read.cache_dir,
        extend_select=read.extend_select,
    )
    config = project.config
    if read.exclude is not None:  # ruff's --exclude: in place of the configured one
        config = replace(config, exclude=read.exclude)
    if read.extend_exclude:
        config = replace(config, extend_exclude=(*config.extend_exclude, *read.extend_exclude))
    if read.report_unused_ignores:
        config = replace(config, report_unused_ignores=True)
    if not read.skip_generated:
        config = replace(config, skip_generated=False)
    return project if config is project.config else replace(project, config=config)


def sources_wanted(flag: bool | None, config: Config) -> bool:
    """--sources / --no-sources, else `run-sources`. Asking for sources when none is
    configured is a usage error, not a silent no-op."""
    if flag and not config.sources:
        raise UsageError(
            f"--sources: no source is configured in {config.display_file} "
            "(add a [tool.audit.sources.<name>] table)"
        )
    return bool(config.run_sources) if flag is None else flag


def read_baseline(path: Path) -> tuple[BaselineEntry, ...]:
    from auditor.scan.gate_filters import BaselineError, parse_baseline

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror}") from None
    return parse_baseline(text, str(path))


def scan_report(
    project: Project,
    request: ScanRequest,
    *,
    progress: Progress | None = None,
    document: bytes = b"",
) -> ScanReport:
    """Scan as the request asks and gate the findings; `document`: the text read from
    stdin, when the request reads stdin."""
    from auditor.scan.run import scan  # looked up at each call (tests stand in for it)

    read, fixing, gate = request.read, request.fix, request.gate
    entries = read_baseline(gate.baseline) if gate.baseline is not None else None
    if read.stdin_filename is not None:
        project = project.realized()
        outcome = scan_document(
            project,
            read.stdin_filename,
            document,
            fix=fixing.fix or fixing.diff,
            unsafe=fixing.unsafe,
            fix_edits=request.show.fix_edits,
        )
    else:
        outcome = scan(
            project,
            read.paths,
            fix=fixing.fix,
            unsafe=fixing.unsafe,
            diff=fixing.diff,
            progress=progress,
            jobs=read.jobs,
            cache_dir=project.cache_dir,
            keep_texts=gate.new_since is not None,
            sources=sources_wanted(read.sources, project.config) and not fixing.diff,
            force_exclude=read.force_exclude,
            shard=read.shard,
            fix_edits=request.show.fix_edits,
        )
    findings = list(outcome.findings)
    new_since = None
    if gate.new_since is not None:
        findings, new_since = _new_since(project, gate.new_since, outcome)
    used = None
    if entries is not None and gate.baseline is not None:
        findings, used = _baseline(findings, entries, gate)
    return _report(project, request, outcome, findings, new_since, used)


def _new_since(project: Project, ref: str, outcome: ScanOutcome) -> tuple[list[Finding], NewSince]:
    from auditor.scan.gate_filters import NewSince, not_in
    from auditor.track.use_case import existing_since

    project = project.realized()  # the merge base's files are parsed
    old = existing_since(project, ref, outcome)
    findings = not_in(outcome.findings, old.fingerprints)
    snapshots = old.snapshots if outcome.sources else None
    hidden = len(outcome.findings) - len(findings)
    return findings, NewSince(ref, hidden, tuple(old.notes), snapshots)


def _baseline(
    findings: list[Finding], entries: tuple[BaselineEntry, ...], gate: Gate
) -> tuple[list[Finding], BaselineUse]:
    from auditor.scan.fileio import write_atomic
    from auditor.scan.gate_filters import BaselineUse, apply_baseline, render_baseline

    assert gate.baseline is not None
    kept, gone = apply_baseline(findings, entries)
    updated = gate.update_baseline and bool(gone)
    if updated:
        remaining = set(entries) - set(gone)
        write_atomic(gate.baseline, render_baseline(remaining).encode("utf-8"))
    hidden = len(findings) - len(kept)
    return kept, BaselineUse(gate.baseline, hidden, tuple(gone), updated)


def _report(
    project: Project,
    request: ScanRequest,
    outcome: ScanOutcome,
    findings: list[Finding],
    new_since: NewSince | None,
    baseline: BaselineUse | None,
) -> ScanReport:
    fix, unsafe, diff = request.fix.fix, request.fix.unsafe, request.fix.diff
    # fixer.fixable's test, spelled out: a scan that fixes nothing does not import the fixer.
    safe = [f.fix_for(False) is not None for f in findings]
    counts = Counts(
        files=outcome.files,
        fixed=0 if diff else len(outcome.fixed),
        fixable_safe=0 if fix else sum(safe),
        fixable_unsafe=0
        if fix and unsafe
        else sum(
            f.fix_for(True) is not None and not s for f, s in zip(findings, safe, strict=True)
        ),
    )
    read = request.read
    named_files = bool(read.paths) and all(p.is_file() for p in read.paths)  # pre-commit's way
    nothing = (
        outcome.files == 0
        and not outcome.skipped  # found, and skipped on purpose (generated): not a wrong path
        and not outcome.sources
        and not (read.force_exclude and named_files)
        and read.shard is None
    )
    warnings: tuple[str, ...] = ()
    if any(f.rule_id == PARSE_ERROR for f in findings):  # the note is about parse errors
        from auditor.scan.python_version import newer_python_note

        newer = newer_python_note(project.config.root, findings)
        warnings = (newer,) if newer is not None else ()
    if nothing:  # a wrong `include`, an empty folder
        where = ", ".join(str(p) for p in read.paths) or ", ".join(project.config.include)
        warnings = (
            f"no files to check under {where} (see `include`, `exclude` and the languages "
            "of the selected rules)",
        )
    return ScanReport(
        findings=tuple(findings),
        counts=counts,
        suppressed=outcome.suppressed,
        fixed=outcome.fixed,
        changes=outcome.changes,
        diff=diff,
        not_applied=outcome.not_applied,
        skipped=outcome.skipped,
        checked=outcome.checked,
        sources=outcome.sources,
        new_since=new_since,
        baseline=baseline,
        warnings=warnings,
        nothing_checked=nothing,
        texts=outcome.texts,
        stamps=outcome.stamps,
    )


def add_ignore_comments(project: Project, report: ScanReport) -> Added:
    """--add-ignore: an `audit: ignore[rule-id]` comment for each of the report's findings,
    written into its file (auditor/scan/ignore_comments.py)."""
    from auditor.scan.ignore_comments import add_ignores_to_files

    project = project.realized()
    return add_ignores_to_files(project.engine(), project.config.root, report.findings)


def scan_document(
    project: Project, path: Path, data: bytes, *, fix: bool, unsafe: bool, fix_edits: bool = False
) -> ScanOutcome:
    """One document (stdin's bytes), scanned and with `fix` fixed as the project would
    scan and fix the file at `path` (auditor/scan/buffer.py)."""
    from auditor.scan.buffer import buffer_for, decode, fix_buffer, scan_buffer
    from auditor.scan.fixer import FileChange, fixable
    from auditor.scan.source import DecodeError

    engine = project.engine()
    buffer = buffer_for(engine, project.config.root, path)
    try:
        text = decode(buffer, data)
    except DecodeError as exc:
        finding = error_finding(PARSE_ERROR, buffer.rel, f"cannot decode: {exc}", exc.location)
        return ScanOutcome(1, (finding,), checked=(buffer.rel,))
    findings, suppressed = scan_buffer(engine, buffer, text)
    if fix_edits:
        findings = engine.with_fixes(buffer.rel, buffer.language, text, findings)
    fixed: tuple[Finding, ...] = ()
    changes: tuple[FileChange, ...] = ()
    after = text
    if fix and any(fixable(f, unsafe) for f in findings):
        outcome = fix_buffer(engine, buffer, text, unsafe=unsafe)
        after, fixed = outcome.text, outcome.applied
        findings = list(outcome.findings)
        if after != text:
            changes = (FileChange(buffer.rel, text, after),)
            suppressed = scan_buffer(engine, buffer, after)[1]
    return ScanOutcome(
        files=1,
        findings=tuple(sorted(findings, key=lambda f: f.sort_key())),
        fixed=fixed,
        changes=changes,
        suppressed=tuple(suppressed),
        texts={buffer.rel: after},
        checked=(buffer.rel,),
    )
