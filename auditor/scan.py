"""One `audit scan`: config, rules, files, findings, fixes. The CLI turns the outcome into
output and an exit code; everything here is reusable by other commands."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from auditor.config import Config, load_config
from auditor.discovery import SourcePath, discover, language_of
from auditor.engine import Engine, FileResult, backend
from auditor.fileio import ChangedOnDisk, write_atomic
from auditor.fixer import fix_text, fixable
from auditor.globs import Globs
from auditor.model import FIX_ERROR, Finding, error_finding
from auditor.plugins import ActiveRule, LoadedRule, load_rules, resolve_rules
from auditor.source import Decoded


@dataclass(frozen=True, slots=True)
class Project:
    config: Config
    registry: dict[str, LoadedRule]
    rules: tuple[ActiveRule, ...]


def open_project(
    start: Path,
    config_file: Path | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
) -> Project:
    config = load_config(start, config_file)
    registry = load_rules(config.plugins, config.root)
    rules = resolve_rules(config, registry, select=select, ignore=ignore)
    return Project(config, registry, rules)


def files_to_scan(
    config: Config, paths: Sequence[Path], languages: frozenset[str]
) -> list[SourcePath]:
    targets = list(paths) or [config.root / p for p in config.include]
    exclude = Globs((*config.exclude, *config.extend_exclude))
    return [f for f in discover(config.root, targets, exclude) if f.language in languages]


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


@dataclass(frozen=True, slots=True)
class FileChange:
    path: str  # relative to the project root
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    files: int
    findings: tuple[Finding, ...]  # sorted; after fixing, what is left
    fixed: tuple[Finding, ...] = ()  # findings whose fixes were applied (or would be, --diff)
    changes: tuple[FileChange, ...] = ()  # files fixed (or that would be, --diff)
    suppressed: tuple[Finding, ...] = ()  # silenced by `audit: ignore` comments
    texts: Mapping[str, str] = field(default_factory=dict)  # path -> text, files with findings


def scan(
    project: Project,
    paths: Sequence[Path],
    *,
    fix: bool = False,
    unsafe: bool = False,
    diff: bool = False,
    progress: Callable[[int], Callable[[], None]] | None = None,
) -> ScanOutcome:
    """Scan, and with `fix` write fixed files; with `diff` compute the diffs instead and
    leave every file and the findings as they are on disk."""
    engine = Engine(project.rules, project.config.per_file_ignores)
    files = files_to_scan(project.config, paths, engine.languages)
    advance = progress(len(files)) if progress else None
    findings: list[Finding] = []
    suppressed: list[Finding] = []
    texts: dict[str, str] = {}
    fixed: list[Finding] = []
    changes: list[FileChange] = []
    for source in files:
        result = engine.scan_file(source)
        if advance:
            advance()
        if (fix or diff) and any(fixable(f, unsafe) for f in result.findings):
            result, applied, change = _fix_file(engine, result, unsafe=unsafe, write=not diff)
            fixed.extend(applied)
            if change is not None:
                changes.append(change)
        findings.extend(result.findings)
        suppressed.extend(result.suppressed)
        if result.decoded is not None and (result.findings or result.suppressed):
            texts[source.rel] = result.decoded.text
    return ScanOutcome(
        files=len(files),
        findings=tuple(sorted(findings, key=Finding.sort_key)),
        fixed=tuple(fixed),
        changes=tuple(changes),
        suppressed=tuple(sorted(suppressed, key=Finding.sort_key)),
        texts=texts,
    )


def _fix_file(
    engine: Engine, result: FileResult, *, unsafe: bool, write: bool
) -> tuple[FileResult, tuple[Finding, ...], FileChange | None]:
    source, decoded = result.source, result.decoded
    assert decoded is not None and result.data is not None
    lang = backend(source.language)
    outcome = fix_text(
        decoded.text,
        result.findings,
        lambda text: engine.scan_text(source.rel, source.language, text),
        lang.check_syntax,
        unsafe=unsafe,
    )
    if outcome.text == decoded.text:
        return replace(result, findings=outcome.findings), (), None
    change = FileChange(source.rel, decoded.text, outcome.text)
    if not write:
        return result, outcome.applied, change
    try:
        data = outcome.text.encode(decoded.encoding)
        write_atomic(source.path, data, expected=result.data)
    except (UnicodeEncodeError, ChangedOnDisk, OSError) as exc:
        reason = (
            f"cannot encode as {decoded.encoding}"
            if isinstance(exc, UnicodeEncodeError)
            else str(exc)
        )
        error = error_finding(FIX_ERROR, source.rel, f"fixed file not written: {reason}")
        return replace(result, findings=(*result.findings, error)), (), None
    fixed_text = Decoded(outcome.text, decoded.encoding)
    suppressed = result.suppressed
    if suppressed:  # their positions moved with the fixes
        suppressed = tuple(engine.scan_text_all(source.rel, source.language, outcome.text)[1])
    updated = replace(result, findings=outcome.findings, decoded=fixed_text, suppressed=suppressed)
    return updated, outcome.applied, change
