"""One `audit scan`: config, rules, files, findings, fixes. The CLI turns the outcome into
output and an exit code; everything here is reusable by other commands."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from auditor import workers
from auditor.config import Config, load_config
from auditor.globs import Globs
from auditor.model import PARSE_ERROR, Finding
from auditor.scan import manifest as rule_manifest
from auditor.scan import project_files
from auditor.scan.cache import Cache, Entry, blob_id, findings_key, stat_of
from auditor.scan.discovery import (
    SourcePath,
    language_of,
)
from auditor.scan.engine import Engine
from auditor.scan.generated import SKIPPED
from auditor.scan.loading import ActiveRule, LoadedRule, project_registry, resolve_rules
from auditor.scan.manifest import any_stub
from auditor.scan.targets import sources_to_scan

# Fixing (fixer, project_fix, project_phase) and sources (trust) are imported where they
# are used: a warm scan without --fix or --diff needs none of them, and imports are most
# of what it costs.
if TYPE_CHECKING:
    from auditor.scan.engine import FileResult
    from auditor.scan.fixer import FileChange
    from auditor.scan.project_fix import NotApplied
    from auditor.scan.project_phase import PhaseOutcome
    from auditor.sources.report import SourceReport

CACHE_DIR = ".audit_cache"  # at the project root, unless --cache-dir says otherwise


# eq=False where nothing compares or hashes the values: each generated method is code
# compiled at import, and a warm `audit scan` is mostly its imports.
@dataclass(frozen=True, slots=True, eq=False)
class Project:
    config: Config
    registry: dict[str, LoadedRule]
    rules: tuple[ActiveRule, ...]
    select: Sequence[str] | None = None
    ignore: Sequence[str] = ()
    cache_dir: Path | None = None  # where results and the rule manifest live; None: no cache
    extend_select: Sequence[str] = ()

    def engine(self) -> Engine:
        return Engine(
            self.rules,
            self.config.per_file_ignores,
            self.config.max_file_size,
            root=self.config.root,
            skip_generated=self.config.skip_generated,
            generated_markers=self.config.generated_markers,
            known_ids=frozenset(self.registry),
            report_unused_ignores=self.config.report_unused_ignores,
        )

    @property
    def stubbed(self) -> bool:
        """Whether the rules are metadata from the manifest, without their code."""
        return any_stub(self.rules)

    def realized(self) -> Project:
        """The project with the rules' real classes (imported now), ready to parse."""
        if not self.stubbed:
            return self
        registry = project_registry(self.config)
        rules = resolve_rules(
            self.config,
            registry,
            select=self.select,
            ignore=self.ignore,
            extend_select=self.extend_select,
        )
        return replace(self, registry=registry, rules=rules)


def open_project(
    start: Path,
    config_file: Path | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    *,
    use_cache: bool = False,
    cache_dir: Path | None = None,
    extend_select: Sequence[str] = (),
) -> Project:
    """With `use_cache`, the rule manifest in the cache folder (`cache_dir`, default
    `.audit_cache` at the root) may stand in for importing the rules (see
    auditor.scan.manifest): call `realized()` before parsing anything."""
    config = load_config(start, config_file)
    cache = (cache_dir or config.root / CACHE_DIR) if use_cache else None
    manifest = cache if cache is not None and not config.plugins else None
    registry = rule_manifest.load(manifest) if manifest is not None else None
    if registry is None:
        registry = project_registry(config)
        if manifest is not None:
            rule_manifest.save(manifest, registry)
    rules = resolve_rules(
        config, registry, select=select, ignore=ignore, extend_select=extend_select
    )
    return Project(config, registry, rules, select, ignore, cache, extend_select)


def in_shard(rel: str, index: int, count: int) -> bool:
    """Whether the file at `rel` is in shard `index` (1-based) of `count`: a hash of the
    path, the same on every machine and for every run, so each file is in exactly one."""
    digest = hashlib.sha1(rel.encode("utf-8"), usedforsecurity=False).digest()
    return int.from_bytes(digest[:8], "big") % count == index - 1


def language_filter(config: Config, engine: Engine) -> Callable[[str], str | None]:
    """For files named by their path in git (history, --new-since): the language a scan
    of the project would read the file as, or None when it would not read it."""
    exclude = Globs((*config.exclude, *config.extend_exclude))
    includes = tuple(p.strip("/") for p in config.include)

    def scanned_language(rel: str) -> str | None:
        language = language_of(rel)
        if language not in engine.languages or exclude.match(rel):
            return None
        if not any(i in ("", ".") or rel == i or rel.startswith(i + "/") for i in includes):
            return None
        return language

    return scanned_language


@dataclass(frozen=True, slots=True, eq=False)
class ScanOutcome:
    files: int
    findings: tuple[Finding, ...]  # sorted; after fixing, what is left
    fixed: tuple[Finding, ...] = ()  # findings whose fixes were applied (or would be, --diff)
    changes: tuple[FileChange, ...] = ()  # files fixed (or that would be, --diff)
    suppressed: tuple[Finding, ...] = ()  # silenced by `audit: ignore` comments
    texts: Mapping[str, str] = field(default_factory=dict)  # path -> text, files with findings
    sources: tuple[SourceReport, ...] = ()  # each source run (`--sources`), failed or not
    checked: tuple[str, ...] = ()  # the files scanned, sorted (JUnit: a test case each)
    # Files read but not checked, and why (generated, minified): the account a user reads.
    skipped: tuple[tuple[str, str], ...] = ()
    not_applied: tuple[NotApplied, ...] = ()  # fixes that span files, left for a next run
    # Each file's (size, mtime_ns) as the scan found it (None: gone), before reading it:
    # what --watch compares with to see a change.
    stamps: Mapping[str, tuple[int, int] | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, eq=False)
class _Task:
    source: SourcePath
    cached: Entry | None  # the last result for this path, valid if the content is the same
    size: int  # bytes, when listed: the pool starts with the largest files


@dataclass(frozen=True, slots=True, eq=False)
class _Done:
    """One file's outcome, as plain data (it crosses process boundaries)."""

    rel: str
    findings: tuple[Finding, ...]
    suppressed: tuple[Finding, ...] = ()
    text: str | None = None
    fixed: tuple[Finding, ...] = ()
    change: FileChange | None = None
    entry: Entry | None = None  # to cache: the result for the file as it is on disk now


@dataclass(frozen=True, slots=True, eq=False)
class _Job:
    engine: Engine
    fix: bool
    unsafe: bool
    diff: bool
    keep_texts: bool
    fix_edits: bool = False

    def run(self, task: _Task) -> _Done:
        source = task.source
        stat = stat_of(source.path)
        result = self.engine.read(source)
        if result.decoded is None or result.data is None:
            return _Done(source.rel, result.findings)
        blob = blob_id(result.data)
        cached = task.cached
        if cached is not None and cached.blob == blob and not self._wants_fix(cached.findings):
            result = replace(result, findings=cached.findings, suppressed=cached.suppressed)
        else:
            result = self.engine.scan_decoded(result)
        # The cache keeps what a scan finds (fixes offered), whatever this run shows: else
        # the next run's output would depend on the format of the one before.
        entry = _entry_for(blob, stat, result) if stat else None
        if self._wants_edits(result.findings) and result.decoded is not None:
            decoded = result.decoded.text
            found = self.engine.with_fixes(source.rel, source.language, decoded, result.findings)
            result = replace(result, findings=tuple(found))
        fixed: tuple[Finding, ...] = ()
        change = None
        if self._wants_fix(result.findings):
            from auditor.scan.file_fix import fix_file

            result, fixed, change = fix_file(
                self.engine, result, unsafe=self.unsafe, write=not self.diff
            )
            if change is not None and not self.diff:
                entry = None  # the file changed: its new stat is not known here
        keep = self.keep_texts and bool(result.findings or result.suppressed)
        text = result.decoded.text if keep and result.decoded else None
        return _Done(source.rel, result.findings, result.suppressed, text, fixed, change, entry)

    def _wants_fix(self, findings: Sequence[Finding]) -> bool:
        if not (self.fix or self.diff):
            return False
        from auditor.scan.fixer import fixable

        return any(fixable(f, self.unsafe) for f in findings)

    def _wants_edits(self, findings: Sequence[Finding]) -> bool:
        """Whether the fixes offered must be computed for the output, not fixing."""
        wanted = self.fix_edits and not (self.fix or self.diff)
        return wanted and any(f.fix_pending for f in findings)


def _entry_for(blob: str, stat: tuple[int, int], result: FileResult) -> Entry | None:
    # A parse error is what this content is: cached like any finding (a test file written
    # to fail parsing cost every warm run a parse). Read and rule errors are retried.
    if any(f.is_error and f.rule_id != PARSE_ERROR for f in result.findings):
        return None
    size, mtime_ns = stat
    return Entry(blob, size, _trusted(mtime_ns), result.findings, result.suppressed)


def _trusted(mtime_ns: int) -> int:
    """A file written within the clock's resolution of now may change again with the same
    mtime and size: 0 forces a content check next time ("racy git")."""
    return 0 if time.time_ns() - mtime_ns < 2_000_000_000 else mtime_ns


def _unchanged(cache: Cache, source: SourcePath, stat: tuple[int, int]) -> Entry | None:
    """The entry of a file whose stat changed but whose content did not (touched, checked
    out again, or written too recently to trust its mtime), re-stamped: a read and a hash
    here spare a task, and in a warm run importing the rules."""
    entry = cache.entries.get(source.rel)
    if entry is None or entry.size != stat[0]:
        return None
    try:
        data = source.path.read_bytes()
    except OSError:
        return None
    if blob_id(data) != entry.blob:
        return None
    fresh = replace(entry, mtime_ns=_trusted(stat[1]))
    cache.store(source.rel, fresh)
    return fresh


_WORKER_JOB: _Job | None = None


def _worker_start(job: _Job) -> None:
    global _WORKER_JOB
    _WORKER_JOB = job


def _worker_run(tasks: list[_Task]) -> list[_Done]:
    assert _WORKER_JOB is not None
    return [_WORKER_JOB.run(task) for task in tasks]


PARALLEL_MIN_FILES = 64  # below this, starting processes costs more than it saves


def scan(
    project: Project,
    paths: Sequence[Path],
    *,
    fix: bool = False,
    unsafe: bool = False,
    diff: bool = False,
    progress: Callable[[int], Callable[[int], None]] | None = None,
    jobs: int | None = None,
    cache_dir: Path | None = None,
    keep_texts: bool = False,
    sources: bool = False,
    force_exclude: bool = False,
    shard: tuple[int, int] | None = None,
    fix_edits: bool = False,
) -> ScanOutcome:
    """Scan, and with `fix` write fixed files; with `diff` compute the diffs instead and
    leave every file and the findings as they are on disk. `cache_dir` None: no cache.
    `keep_texts`: keep the text of files with findings (for baselines and --new-since).
    `fix_edits`: compute the fixes offered (an output format shows their edits).
    `sources`: run the configured sources too, while the rules run (after fixing, when
    fixes are written: a source must see the files as they end up)."""
    config = project.config
    engine = project.engine()
    files, unreadable = sources_to_scan(
        project.config, paths, engine.languages, force_exclude=force_exclude, cache_dir=cache_dir
    )
    if shard is not None:
        files = [f for f in files if in_shard(f.rel, *shard)]
        unreadable = [f for f in unreadable if in_shard(f.path, *shard)]
    # An untrusted project's sources are refused, not run (auditor.trust).
    if sources and config.sources:
        from auditor.trust import allowed, source_settings

        sources = allowed(config, source_settings(config))
    else:
        sources = False
    if sources:
        from auditor.sources.findings import finish, in_scope
        from auditor.sources.runner import start, stop
    alongside = sources and not (fix and not diff)
    started = [start(s, config) for s in config.sources] if alongside else []
    stats = {source.rel: stat_of(source.location) for source in files}  # once: a warm scan is stats
    try:
        done = _scan_files(
            engine,
            (lambda: project.realized().engine()) if project.stubbed else None,
            files,
            _Job(engine, fix, unsafe, diff, keep_texts, fix_edits),
            progress=progress,
            jobs=jobs,
            cache_dir=cache_dir,
            stats=stats,
        )
        phase: PhaseOutcome | None = None
        if fix or diff:  # the fixes that span files, once the files are fixed one by one
            from auditor.scan.project_phase import fix_project

            done, phase = fix_project(
                engine, lambda: project.realized().engine(), config.root, done, unsafe, not diff
            )
        reports: tuple[SourceReport, ...] = ()
        if sources:
            if not alongside:
                started = [start(s, config) for s in config.sources]
            covered = in_scope(config, paths)
            reports = tuple(finish(running, config, covered) for running in started)
    finally:
        for running in started:
            stop(running)  # only does something when interrupted: the rest have finished

    # The fixes that span files (none without --fix or --diff): found, applied, not applied.
    across = (phase.errors, phase.fixed, phase.others, phase.not_applied) if phase else None
    phase_errors, phase_fixed, phase_others, not_applied = across or ((), (), (), ())
    found = [*(f for d in done for f in d.findings), *unreadable]
    findings = [f for f in found if f.rule_id != SKIPPED]
    skipped = tuple((f.path, f.message) for f in found if f.rule_id == SKIPPED)
    findings += phase_errors
    findings += [f for report in reports for f in report.findings]
    suppressed = [f for d in done for f in d.suppressed]
    suppressed += [f for report in reports for f in report.suppressed]
    texts = {d.rel: d.text for d in done if d.text is not None}
    # Files skipped (generated, minified) were read, not checked: not counted as scanned.
    passed_over = {d.rel for d in done if any(f.rule_id == SKIPPED for f in d.findings)}
    if keep_texts:
        for report in reports:
            texts.update(report.texts)
    return ScanOutcome(
        files=len(files) - len(passed_over),
        findings=tuple(sorted(findings, key=Finding.sort_key)),
        fixed=(*(f for d in done for f in d.fixed), *phase_fixed),
        changes=tuple(
            sorted((*(d.change for d in done if d.change), *phase_others), key=lambda c: c.path)
        ),
        not_applied=not_applied,
        suppressed=tuple(sorted(suppressed, key=Finding.sort_key)),
        texts=texts,
        sources=reports,
        checked=tuple(sorted(f.rel for f in files if f.rel not in passed_over)),
        stamps=stats,
        skipped=tuple(sorted(skipped)),
    )


def _scan_files(
    engine: Engine,
    realize: Callable[[], Engine] | None,
    files: Sequence[SourcePath],
    job: _Job,
    *,
    progress: Callable[[int], Callable[[int], None]] | None,
    jobs: int | None,
    cache_dir: Path | None,
    stats: Mapping[str, tuple[int, int] | None],
) -> list[_Done]:
    """The built-in rules' outcome for each file, from the cache where it is valid.
    `progress(total)` is given the bytes to scan and returns what to call with each file's
    bytes as it is done: the work is in bytes, not files (the largest go first)."""
    sizes = {rel: stat[0] if stat else 0 for rel, stat in stats.items()}
    advance = progress(sum(sizes.values())) if progress else None
    cache = None
    if cache_dir:
        read = project_files.stamp(engine.root, files, engine.rules) if engine.root else []
        cache = Cache(cache_dir, findings_key(engine, read))
    keep_texts = job.keep_texts

    done: list[_Done] = []
    tasks: list[_Task] = []
    for source in files:
        hit = None
        stat = stats[source.rel]
        if cache is not None and stat is not None:
            hit = cache.lookup(source.rel, *stat) or _unchanged(cache, source, stat)
        if (
            hit is not None
            and not job._wants_fix(hit.findings)
            and not job._wants_edits(hit.findings)
            and not (keep_texts and hit.findings)
        ):
            done.append(_Done(source.rel, hit.findings, hit.suppressed))
            if advance:
                advance(sizes[source.rel])
        else:
            cached = cache.entries.get(source.rel) if cache is not None else None
            tasks.append(_Task(source, cached, stat[0] if stat else 0))
    if tasks and realize is not None:
        # Something to parse: the rules' code is needed now (and imported before the
        # workers fork, so they inherit it).
        engine = realize()
        job = replace(job, engine=engine)
    for outcome in _run(job, tasks, jobs or workers.default_jobs()):
        done.append(outcome)
        if advance:
            advance(sizes.get(outcome.rel, 0))
        if cache is not None and outcome.entry is not None:
            cache.store(outcome.rel, outcome.entry)
    if cache is not None:
        cache.save()
    return sorted(done, key=lambda d: d.rel)  # whatever order the workers finished in


def _run(job: _Job, tasks: list[_Task], jobs: int) -> Iterator[_Done]:
    """Each task's outcome; over a process pool when there are enough files. Files are
    sent in chunks, so the cost of crossing processes is paid per chunk, not per file."""
    if not tasks:
        return
    pool = workers.start(jobs, _worker_start, job) if len(tasks) >= PARALLEL_MIN_FILES else None
    if pool is None:
        thresholds = workers.collect_less()
        try:
            for task in tasks:
                yield job.run(task)
        finally:
            workers.collect_as_before(thresholds)
        return
    # Largest files first, in small chunks: the costly files finish early and the cheap
    # ones even out the workers' loads (sorting by size is a fair guess of cost).
    tasks = sorted(tasks, key=lambda task: task.size, reverse=True)
    size = max(1, min(16, len(tasks) // (jobs * 8)))
    chunks = [tasks[i : i + size] for i in range(0, len(tasks), size)]
    with pool:
        for outcomes in pool.map(_worker_run, chunks):
            yield from outcomes
