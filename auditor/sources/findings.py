"""A source's raw findings as the scan's: located in the files, in scope, keyed and fingerprinted as the engine's, silenced by comments; and running every configured source."""

from __future__ import annotations

import os
import posixpath
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from auditor.config import Config
from auditor.config_sources import SourceSettings
from auditor.globs import Globs
from auditor.model import Finding, Location, content_key, fingerprint, normalise_code
from auditor.scan.discovery import language_of
from auditor.scan.engine import backend
from auditor.scan.source import NEWLINE, DecodeError, LineIndex, decode_python, decode_utf8
from auditor.scan.suppressions import is_suppressed, suppressions
from auditor.sources.report import ContentKey, Parsed, Raw, SourceFailed, SourceReport, severity_of
from auditor.sources.runner import Running, parsed_output


def in_scope(config: Config, targets: Sequence[Path]) -> Callable[[str], bool]:
    """Whether a path (relative to the root) is one the scan covers: under a target (the
    paths given, else `include`) and not excluded below it, as discovery decides."""
    root = config.root.resolve()
    exclude = Globs((*config.exclude, *config.extend_exclude))
    spans: list[tuple[str, bool, bool]] = []  # (target, is a directory, matched from it)
    for target in targets or [config.root / p for p in config.include]:
        absolute = Path(os.path.abspath(target))
        rel = relative_path(absolute.as_posix(), root)
        if rel is None:
            continue
        is_dir = absolute.is_dir() or not absolute.exists()
        named_excluded = rel != "." and exclude.match(rel + "/")
        spans.append((rel, is_dir, named_excluded))

    def covered(path: str) -> bool:
        for rel, is_dir, from_target in spans:
            if not is_dir:
                if path == rel:
                    return True
                continue
            if rel == ".":
                below = path
            elif path.startswith(rel + "/"):
                below = path[len(rel) + 1 :] if from_target else path
            else:
                continue
            if not exclude.match(below):
                return True
        return False

    return covered


def relative_path(path: str, root: Path) -> str | None:
    """`path` (absolute, or relative to the root) as a posix path relative to the root
    ("." for the root itself); None when it is outside. `root` is resolved; a path through
    a symbolic link to the root (/tmp for /private/tmp) is resolved too."""
    candidate = path if posixpath.isabs(path) else posixpath.join(root.as_posix(), path)
    base = root.as_posix().rstrip("/")
    for absolute in (posixpath.normpath(candidate), os.path.realpath(candidate)):
        if absolute == base:
            return "."
        if absolute.startswith(base + "/"):
            return absolute[len(base) + 1 :]
    return None


def read_text(path: Path, rel: str, max_size: int) -> str | None:
    """A file's text as its language decodes it; None when it cannot be read or decoded,
    or is bigger than `max_size` (0: no limit)."""
    try:
        if max_size and path.stat().st_size > max_size:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    try:
        return (decode_python if language_of(rel) == "python" else decode_utf8)(data).text
    except DecodeError:
        return None


def _utf16_to_column(line: str, column: int) -> int:
    """A 1-based column in UTF-16 code units as a 1-based column in characters."""
    if line.isascii():
        return column
    units = 0
    for index, char in enumerate(line):
        if units >= column - 1:
            return index + 1
        units += 2 if ord(char) > 0xFFFF else 1
    return len(line) + 1 + max(column - 1 - units, 0)


def _locate(raw: Raw, text: str | None, lines: Sequence[str]) -> tuple[Location, Location]:
    if raw.offsets is not None and text is not None:
        index = LineIndex(text)
        start_offset, end_offset = (min(o, len(text)) for o in raw.offsets)
        return index.location(start_offset), index.location(end_offset)
    if raw.line is None:
        return Location(1, 1), Location(1, 1)
    line = raw.line
    column = max(raw.column or 1, 1)
    end_line = max(raw.end_line or line, line)
    end_column = raw.end_column
    if raw.utf16 and line <= len(lines):
        column = _utf16_to_column(lines[line - 1], column)
        if end_column is not None and end_line <= len(lines):
            end_column = _utf16_to_column(lines[end_line - 1], end_column)
    if end_column is None:
        end_column = len(lines[end_line - 1]) + 1 if end_line <= len(lines) else column
    start, end = Location(line, column), Location(end_line, max(end_column, 1))
    return start, max(start, end)


def flagged_line(start: Location, lines: Sequence[str]) -> str:
    """The flagged line, whitespace removed ("" when the position is outside the file or
    the line is blank). The whole line, not the tool's span: tools' spans vary (mypy
    often flags one character), and the line tells equal findings apart (`f(x)`, `g(x)`)."""
    if not 1 <= start.line <= len(lines):
        return ""
    return normalise_code(lines[start.line - 1])


def finding_key(finding: Finding, lines: Sequence[str] | None) -> str:
    """The content key of a source's finding: its line's code, as the engine keys its own
    by the flagged code; where that is unknown or blank, the message."""
    code = flagged_line(finding.start, lines) if lines is not None else ""
    if code:
        return content_key(finding, code)
    return "message:" + " ".join(finding.message.split())


def keyed(findings: Sequence[Finding], text: str | None) -> list[tuple[Finding, ContentKey]]:
    """One file's findings of one source, sorted, fingerprinted, each with its content key
    and occurrence: what the engine's `occurrences` gives its own."""
    lines = NEWLINE.split(text) if text is not None else None
    seen: Counter[tuple[str, str]] = Counter()
    out = []
    for finding in sorted(findings, key=Finding.sort_key):
        key = finding_key(finding, lines)
        occurrence = seen[(finding.rule_id, key)]
        seen[(finding.rule_id, key)] += 1
        fp = fingerprint(finding.rule_id, finding.path, key, occurrence)
        out.append((replace(finding, fingerprint=fp), (finding.rule_id, key, occurrence)))
    return out


def _comments_suppress(rel: str, text: str, findings: Sequence[Finding]) -> set[int]:
    """Indexes of `findings` silenced by `audit: ignore` comments in the file."""
    language = language_of(rel)
    if language is None or "audit:" not in text:
        return set()
    active = suppressions(backend(language).comments(text, rel))
    return {i for i, f in enumerate(findings) if is_suppressed(f, active)}


def build_report(
    settings: SourceSettings, parsed: Parsed, config: Config, covered: Callable[[str], bool]
) -> SourceReport:
    """Namespaced, located, fingerprinted findings from a source's parsed output."""
    root = config.root.resolve()
    by_path: dict[str, list[Raw]] = {}
    outside = 0
    for raw in parsed.raws:
        rel = relative_path(raw.path, root)
        if rel is None or rel == ".":
            outside += 1
            continue
        if covered(rel):
            by_path.setdefault(rel, []).append(raw)
    warnings = list(parsed.warnings)
    if outside:
        warnings.append(
            f"{outside} result{'' if outside == 1 else 's'} outside the project root left out"
        )
    findings: list[Finding] = []
    keys: list[ContentKey] = []
    silenced: list[Finding] = []
    texts: dict[str, str] = {}
    for rel in sorted(by_path):
        text = read_text(root / rel, rel, config.max_file_size)
        lines = NEWLINE.split(text) if text is not None else []
        made = []
        for raw in by_path[rel]:
            start, end = _locate(raw, text, lines)
            finding = Finding(
                rule_id=f"{settings.name}:{raw.code}",
                severity=severity_of(settings, raw.code, raw.level),
                path=rel,
                start=start,
                end=end,
                message=raw.message,
            )
            made.append((finding, raw.suppressed))
        made.sort(key=lambda pair: pair[0].sort_key())  # stable: `keyed` keeps this order
        done = keyed([f for f, _ in made], text)
        quiet = _comments_suppress(rel, text, [f for f, _ in done]) if text is not None else set()
        for index, ((finding, key), (_, suppressed)) in enumerate(zip(done, made, strict=True)):
            if suppressed or index in quiet:
                silenced.append(finding)
            else:
                findings.append(finding)
                keys.append(key)
        if text is not None:
            texts[rel] = text
    docs = {f"{settings.name}:{code}": doc for code, doc in parsed.rules.items()}
    return SourceReport(
        name=settings.name,
        kind=settings.kind,
        findings=tuple(findings),
        keys=tuple(keys),
        suppressed=tuple(silenced),
        warnings=tuple(warnings),
        rules=docs,
        texts=texts,
    )


def finish(running: Running, config: Config, covered: Callable[[str], bool]) -> SourceReport:
    """Wait for a started source and turn its output into a report."""
    settings = running.settings
    try:
        parsed = parsed_output(running, config)
    except SourceFailed as exc:
        return SourceReport(settings.name, settings.kind, error=str(exc))
    return build_report(settings, parsed, config, covered)
