"""One document's findings, from the text the editor holds: its project's warm engine
scans it as `audit scan` would scan its file (language, config, per-file ignores,
excludes); suppressed findings are left out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from auditor.errors import UsageError
from auditor.lsp.projects import Broken, Projects
from auditor.model import Finding, error_finding
from auditor.scan.buffer import Buffer, buffer_for, scan_buffer
from auditor.scan.engine import Engine

CONFIG_ERROR = "config-error"  # the project cannot be loaded: shown at the document's top


@dataclass(frozen=True, slots=True)
class Analysis:
    text: str
    findings: tuple[Finding, ...]  # what is published, sorted
    engine: Engine | None = None  # None: nothing here can be fixed or suppressed
    buffer: Buffer | None = None


def analyse(projects: Projects, path: Path, text: str) -> Analysis:
    """The findings of `text` as the document at `path` (absolute)."""
    found = projects.for_document(path)
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
    findings = scan_buffer(found.engine, buffer, text)[0]
    return Analysis(text, tuple(sorted(findings, key=Finding.sort_key)), found.engine, buffer)
