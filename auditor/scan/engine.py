"""Per file: read once, skip what no rule can match, parse once, run the rules, and return
findings as values (suppressed ones removed, fingerprints set, sorted)."""

from __future__ import annotations

import functools
import importlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from auditor.globs import Globs
from auditor.model import (
    PARSE_ERROR,
    PARSE_LIMIT,
    READ_ERROR,
    Edit,
    Finding,
    Location,
    content_key,
    error_finding,
    fingerprint,
)
from auditor.scan.discovery import SourcePath
from auditor.scan.generated import GENERATED, HEAD, head_of, skip_reason, skipped_finding
from auditor.scan.loading import ActiveRule
from auditor.scan.manifest import any_stub

if TYPE_CHECKING:
    from auditor.scan.source import Decoded
    from auditor.scan.suppressions import Comment


@dataclass(frozen=True, slots=True)
class Backend:
    """What the engine needs from a language: its parts are plain functions."""

    decode: Callable[[bytes], Decoded]
    # (path, text, rules, prefilter, root, fixes): prefilter False runs every rule given,
    # even those whose cheap checks say the file cannot match (the rule harness tests the
    # rule itself); root is RuleContext.root; fixes: compute the fixes left pending
    run: Callable[[str, str, Sequence[ActiveRule], bool, Path | None, bool], list[Finding]]
    # (text, path): the path picks a dialect where a language has several (.ts, .tsx)
    comments: Callable[[str, str], Iterable[Comment]]
    # (before, after, edits, path): why a fixed text must not be written, or None
    check_fix: Callable[[str, str, Sequence[Edit], str], str | None]


# "module" or "module:attribute": an object with the four functions of a Backend.
_BACKEND_MODULES = {
    "python": "auditor.scan.python",
    "javascript": "auditor.scan.js_backend:JAVASCRIPT",
    "typescript": "auditor.scan.js_backend:TYPESCRIPT",
}


@cache
def backend(language: str) -> Backend:
    # Imported on first use: a scan with no file of a language never loads its parser.
    module_name, _, attribute = _BACKEND_MODULES[language].partition(":")
    module: ModuleType = importlib.import_module(module_name)
    source = getattr(module, attribute) if attribute else module
    return Backend(
        decode=source.decode,
        run=source.run,
        comments=source.comments,
        check_fix=source.check_fix,
    )


@dataclass(frozen=True, slots=True)
class FileResult:
    source: SourcePath
    findings: tuple[Finding, ...]
    data: bytes | None = None  # the bytes read, so a fix can check nothing changed since
    decoded: Decoded | None = None
    suppressed: tuple[Finding, ...] = ()  # silenced by `audit: ignore` comments


class Engine:
    def __init__(
        self,
        rules: Sequence[ActiveRule],
        per_file_ignores: Sequence[tuple[str, Sequence[str]]] = (),
        max_file_size: int = 0,
        *,
        prefilter: bool = True,
        root: Path | None = None,
        skip_generated: bool = False,
        generated_markers: Sequence[str] = (),
        known_ids: frozenset[str] | None = None,
        report_unused_ignores: bool = False,
    ) -> None:
        self.rules = tuple(rules)
        self.root = root  # the project's files are here: rules may read beside them
        self.skip_generated = skip_generated
        self.generated_markers = tuple(generated_markers)  # beside generated.DEFAULT_MARKERS
        # Every installed rule's id (an ignore comment naming another is reported), None:
        # not checked; and whether an ignore that silences nothing is reported.
        self.known_ids = known_ids
        self.report_unused_ignores = report_unused_ignores
        self.prefilter = prefilter
        self.max_file_size = max_file_size  # bytes; 0: no limit
        self.per_file_ignores = tuple((pattern, tuple(ids)) for pattern, ids in per_file_ignores)
        self._ignores = [(Globs([pattern]), frozenset(ids)) for pattern, ids in per_file_ignores]
        # Stand-ins from the rule manifest can key the cache but not scan (Project.realized).
        self.stubbed = any_stub(self.rules)
        self.languages = frozenset(
            lang for r in self.rules for lang in r.cls.languages if lang in _BACKEND_MODULES
        )

    def rules_for(self, path: str, language: str) -> tuple[ActiveRule, ...]:
        ignored = {i for spec, ids in self._ignores if spec.match(path) for i in ids}
        return tuple(r for r in self.rules if language in r.cls.languages and r.id not in ignored)

    def scan_file(self, source: SourcePath) -> FileResult:
        result = self.read(source)
        return result if result.decoded is None else self.scan_decoded(result)

    def read(self, source: SourcePath) -> FileResult:
        """The file's bytes and text, or a read-error / parse-error finding."""
        from auditor.scan.source import DecodeError  # here: a warm scan reads no file

        try:
            size = source.path.stat().st_size
            head = functools.cache(lambda: head_of(source.path))  # read once, if at all
            over = self.over_size_limit(source.rel, size, head)
            if over == ():  # generated, and too big to read whole: skipped, and said so
                reason = self.skip_reason(source.rel, head() or "")
                return FileResult(source, (skipped_finding(source.rel, reason or GENERATED),))
            if over is not None:
                return FileResult(source, over)
            data = source.path.read_bytes()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            return FileResult(
                source, (error_finding(READ_ERROR, source.rel, f"cannot read: {reason}"),)
            )
        try:
            decoded = backend(source.language).decode(data)
        except DecodeError as exc:
            finding = error_finding(PARSE_ERROR, source.rel, f"cannot decode: {exc}", exc.location)
            return FileResult(source, (finding,), data)
        return FileResult(source, (), data, decoded)

    def over_size_limit(
        self, rel: str, size: int, head: Callable[[], str | None]
    ) -> tuple[Finding, ...] | None:
        """What a file of `size` bytes over the max-file-size limit gives instead of its
        scan: a read-error, or nothing for a generated file when those are skipped (`head`:
        its first characters, None if unreadable; asked for only then). None: within the
        limit, scan it. A file on disk and an editor's document (`audit lsp`) alike."""
        if not self.max_file_size or size <= self.max_file_size:
            return None
        if self.skip_generated:
            start = head()
            if start is not None and self.skip_reason(rel, start) is not None:
                return ()
        message = (
            f"not scanned: {size:,} bytes is over the max-file-size limit of "
            f"{self.max_file_size:,} (exclude the file, or raise the limit)"
        )
        return (error_finding(READ_ERROR, rel, message),)

    def skip_reason(self, path: str, head: str) -> str | None:
        """Why the file is not scanned (generated.skip_reason), when those are skipped."""
        if not self.skip_generated:
            return None
        return skip_reason(path, head, self.generated_markers)

    def scan_decoded(self, result: FileResult) -> FileResult:
        """A file's scan; a skipped one says so with a `skipped` note among its findings,
        which the scan takes out into its account of files not checked (and the cache
        keeps, as any finding)."""
        assert result.decoded is not None
        source = result.source
        text = result.decoded.text
        skipped = self.skip_reason(source.rel, text[:HEAD])
        kept, suppressed = self._scan_text(source.rel, source.language, text, skipped, on_disk=True)
        if skipped is not None:
            kept = [*kept, skipped_finding(source.rel, skipped)]
        return replace(result, findings=tuple(kept), suppressed=tuple(suppressed))

    def _syntax_errors(self, path: str, text: str) -> list[Finding]:
        """A Python file no rule parses is still compiled by CPython (as ruff does), so a
        gate never passes code that does not parse; `ast` costs a tenth of LibCST."""
        if not self.prefilter or not self.rules_for(path, "python"):
            return []
        return _syntax_error_of(path, text)

    def parses_when_scanned(self, path: str, language: str, text: str) -> bool:
        """Whether `scan_text` parses this text (some rule's trigger is in it), and so
        reports a syntax error as a finding."""
        rules = self.rules_for(path, language)
        if language == "python" and rules:
            return True  # compiled for its syntax errors when no rule parses it
        searched: dict[str | re.Pattern[str], bool] = {}
        return not self.prefilter or any(_triggered(r, text, searched) for r in rules)

    def scan_text(
        self, path: str, language: str, text: str, *, on_disk: bool = False, fixes: bool = False
    ) -> list[Finding]:
        return self.scan_text_all(path, language, text, on_disk=on_disk, fixes=fixes)[0]

    def scan_text_all(
        self,
        path: str,
        language: str,
        text: str,
        *,
        on_disk: bool = False,
        fixes: bool = False,
    ) -> tuple[list[Finding], list[Finding]]:
        """The findings, and apart from them the ones suppressed by comments. `on_disk`:
        the text is the project's file at `path` (or what a fix will write there), so the
        rules are told the root; a commit's version of a file is not. `fixes`: every fix
        offered is computed (not left pending, see Fix.pending)."""
        skipped = self.skip_reason(path, text[:HEAD])
        return self._scan_text(path, language, text, skipped, on_disk=on_disk, fixes=fixes)

    def with_fixes(
        self, path: str, language: str, text: str, findings: Sequence[Finding]
    ) -> list[Finding]:
        """`findings` of `text` (at `path`, on disk) with the fixes they offer computed,
        where some are pending; a finding whose fix cannot be computed now is left
        without it (the scan that computes them says why, as a finding of its own)."""
        if not any(f.fix_pending for f in findings):
            return list(findings)
        scanned = self.scan_text(path, language, text, on_disk=True, fixes=True)
        computed = {_identity(f): f for f in scanned}
        kept = [
            computed.get(_identity(f), replace(f, fix=None, alternatives=()))
            if f.fix_pending
            else f
            for f in findings
        ]
        # Why some fix could not be computed (LibCST refused the file), said once.
        known = {_identity(f) for f in findings}
        said = [f for f in scanned if f.rule_id == PARSE_LIMIT and _identity(f) not in known]
        return sorted([*kept, *said], key=Finding.sort_key)

    def _scan_text(
        self,
        path: str,
        language: str,
        text: str,
        skipped: str | None,
        *,
        on_disk: bool,
        fixes: bool = False,
    ) -> tuple[list[Finding], list[Finding]]:
        """`scan_text_all`, the file's skip reason (`skip_reason`) already known."""
        if self.stubbed:
            raise RuntimeError("the rules are stand-ins from the manifest: realize them first")
        if skipped is not None:
            # Not checked by the rules; but a gate must not pass code that does not
            # parse, so a file marked generated is still compiled (a bundle is not).
            errors = _syntax_error_of(path, text) if skipped == GENERATED else []
            return errors if language == "python" else [], []
        searched: dict[str | re.Pattern[str], bool] = {}
        rules = [
            r
            for r in self.rules_for(path, language)
            if not self.prefilter or _triggered(r, text, searched)
        ]
        lang = backend(language)
        root = self.root if on_disk else None
        from auditor.scan.rule_base import LineRule  # here: a warm scan checks no file

        lines = [r for r in rules if issubclass(r.cls, LineRule)]
        parsed = [r for r in rules if not issubclass(r.cls, LineRule)]
        if parsed:
            found = lang.run(path, text, parsed, self.prefilter, root, fixes)
        else:
            found = self._syntax_errors(path, text) if language == "python" else []
        if lines:
            from auditor.scan import line_rules

            found = [*found, *line_rules.run(path, text, lines, root)]
        if "audit:" not in text:
            if not found:
                return [], []
            return list(_fingerprinted(sorted(found, key=Finding.sort_key), text)), []
        # Here, not at the top: a warm scan (every file from the cache) never gets this far.
        from auditor.scan.suppressions import check_ignores, is_suppressed, suppressions

        active = suppressions(lang.comments(text, path))
        if self.known_ids is not None:
            enabled = frozenset(r.id for r in self.rules_for(path, language))
            found = [
                *found,
                *check_ignores(
                    path,
                    text,
                    active,
                    found,
                    known=self.known_ids,
                    enabled=enabled,
                    report_unused=self.report_unused_ignores,
                ),
            ]
        if not found:
            return [], []
        # Fingerprints before suppression: silencing one finding must not shift the
        # occurrence numbers, and so the fingerprints, of the others.
        findings = list(_fingerprinted(sorted(found, key=Finding.sort_key), text))
        kept = [f for f in findings if not is_suppressed(f, active)]
        return kept, [f for f in findings if is_suppressed(f, active)]


def _identity(finding: Finding) -> tuple[str, Location, Location, str]:
    return (finding.rule_id, finding.start, finding.end, finding.message)


def _syntax_error_of(path: str, text: str) -> list[Finding]:
    from auditor.scan.python_check import syntax_error

    error = syntax_error(text)
    if error is None:
        return []
    location, message = error
    return [error_finding(PARSE_ERROR, path, f"cannot parse: {message}", location)]


def _triggered(
    rule: ActiveRule, text: str, searched: dict[str | re.Pattern[str], bool] | None = None
) -> bool:
    """Whether one of the rule's triggers occurs in `text`; `searched` remembers answers
    for the file, as rules share triggers (the two kwargs rules, say)."""
    triggers = rule.cls.triggers
    if not triggers:
        return True
    memo = {} if searched is None else searched
    for trigger in triggers:
        found = memo.get(trigger)
        if found is None:
            found = memo[trigger] = (
                trigger in text if isinstance(trigger, str) else trigger.search(text) is not None
            )
        if found:
            return True
    return False


def occurrences(findings: Sequence[Finding], text: str) -> list[tuple[str, int]]:
    """For each finding (sorted by position), its content key and which occurrence of
    that key in the file it is: the path-free part of its identity."""
    from auditor.scan.source import line_index  # here: a warm scan reads no file

    index = line_index(text)
    seen: Counter[tuple[str, str]] = Counter()
    keys = []
    for finding in findings:
        key = content_key(finding, text[index.offset(finding.start) : index.offset(finding.end)])
        keys.append((key, seen[(finding.rule_id, key)]))
        seen[(finding.rule_id, key)] += 1
    return keys


def _fingerprinted(findings: Sequence[Finding], text: str) -> Iterator[Finding]:
    for finding, (key, occurrence) in zip(findings, occurrences(findings, text), strict=True):
        fp = fingerprint(finding.rule_id, finding.path, key, occurrence)
        yield replace(finding, fingerprint=fp)
