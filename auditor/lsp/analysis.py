"""One document's findings, from the text the editor holds: its project's warm engine
scans it as `audit scan` would scan its file (language, config, per-file ignores,
excludes, max-file-size); suppressed findings are left out. While the text does not
parse, what is published is the parse error beside the last good findings, moved with
the lines (auditor/lsp/stale.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from auditor.errors import UsageError
from auditor.lsp.projects import Broken, Loaded, Projects
from auditor.lsp.stale import carried
from auditor.model import PARSE_ERROR, Finding, error_finding
from auditor.scan.buffer import Buffer, buffer_for, scan_buffer
from auditor.scan.engine import Engine
from auditor.scan.generated import HEAD
from auditor.scan.loading import rule_urls

CONFIG_ERROR = "config-error"  # the project cannot be loaded: shown at the document's top


@dataclass(frozen=True, slots=True)
class Analysis:
    text: str
    findings: tuple[Finding, ...]  # what is published, sorted
    engine: Engine | None = None  # None: nothing here can be fixed or suppressed
    buffer: Buffer | None = None
    project: Loaded | None = None  # what scanned it: the same text and project, the same result
    # When the text does not parse: the last version of the document that did (same
    # project, same file), and its findings moved to this text.
    good: Analysis | None = None
    stale: tuple[Finding, ...] = ()

    @property
    def parses(self) -> bool:
        return not any(f.rule_id == PARSE_ERROR for f in self.findings)

    @property
    def published(self) -> tuple[Finding, ...]:
        """What the editor shows: the findings; while the text does not parse, its errors
        (the parse error) and the last good findings, moved, in place of the rest (what a
        scan of text that does not parse says about ignore comments is wrong)."""
        if self.good is None:
            return self.findings
        errors = (f for f in self.findings if f.is_error)
        return tuple(sorted((*errors, *self.stale), key=Finding.sort_key))

    @property
    def urls(self) -> dict[str, str]:
        """Rule id -> where the rule is documented, for the rules that say."""
        if self.project is None:
            return {}
        return rule_urls(self.project.project.registry, self.project.project.config.docs_url)


def analyse(
    projects: Projects, path: Path, text: str, previous: Analysis | None = None
) -> Analysis:
    """The findings of `text` as the document at `path` (absolute); `previous`, the last
    analysis of the document, is the answer if neither its text nor its project changed
    (a save, a code action request)."""
    found = projects.for_document(path)
    if previous is not None and previous.text == text and previous.project is found:
        return previous
    if isinstance(found, Broken):
        where = found.file.name if found.file is not None else path.name
        message = f"audit cannot load the project: {found.message}"
        return Analysis(text, (error_finding(CONFIG_ERROR, where, message),))
    try:
        buffer = buffer_for(found.engine, found.root, path)
    except UsageError:  # no enabled rule reads this kind of file
        return Analysis(text, ())
    if found.scanned_language(buffer.rel) is None:  # excluded, or outside `include`
        return Analysis(text, ())
    # As `audit scan` reads its file: a document over the max-file-size limit is not
    # scanned, and says so (a read-error), or is left out when generated.
    over = found.engine.over_size_limit(buffer.rel, utf8_size(text), lambda: text[:HEAD])
    if over is not None:
        return Analysis(text, over)
    findings = scan_buffer(found.engine, buffer, text)[0]
    findings.sort(key=Finding.sort_key)
    analysis = Analysis(text, tuple(findings), found.engine, buffer, found)
    good = _last_good(previous, found, buffer)
    if analysis.parses or good is None:
        return analysis
    stale = tuple(carried(good.text, good.findings, text))
    return replace(analysis, good=good, stale=stale)


def _last_good(previous: Analysis | None, project: Loaded, buffer: Buffer) -> Analysis | None:
    """The last version of the document that parsed, if it was scanned as this one is."""
    last = previous.good or previous if previous is not None else None
    if last is None or last.project is not project or last.buffer != buffer:
        return None
    return last if last.parses else None


def utf8_size(text: str) -> int:
    """The bytes of the document saved as UTF-8: what max-file-size measures of a file."""
    return len(text.encode("utf-8", "surrogatepass"))
