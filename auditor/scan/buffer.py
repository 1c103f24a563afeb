"""One document scanned and fixed in memory, as the project would scan its file: the
text an editor holds or stdin gives (`audit scan - --stdin-filename PATH`), with the
path's language, config and per-file ignores. The engine and the fixer are the ones
`audit scan` uses; nothing is read from or written to the file itself."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.errors import UsageError
from auditor.model import Edit, Finding
from auditor.scan.discovery import language_of
from auditor.scan.engine import Engine, backend
from auditor.scan.fixer import FixOutcome, fix_text


@dataclass(frozen=True, slots=True)
class Buffer:
    rel: str  # posix, relative to the project root: what findings and ignores use
    language: str


def buffer_for(engine: Engine, root: Path, path: Path) -> Buffer:
    """The document at `path` (as given: relative to the current directory, or absolute),
    as the project at `root` sees it. UsageError when no rule reads its language."""
    absolute = Path(os.path.abspath(path))
    try:
        rel = absolute.relative_to(root).as_posix()
    except ValueError:
        rel = path.as_posix()  # outside the project: its name still gives the language
    language = language_of(rel)
    if language is None or language not in engine.languages:
        raise UsageError(f"{path}: no enabled rule reads this kind of file")
    return Buffer(rel, language)


def decode(buffer: Buffer, data: bytes) -> str:
    """The text of a document's bytes, as its file would be decoded (BOM, coding cookie)."""
    return backend(buffer.language).decode(data).text


def scan_buffer(engine: Engine, buffer: Buffer, text: str) -> tuple[list[Finding], list[Finding]]:
    """The findings of the document, and apart from them the suppressed ones: the whole
    text, each time (the rules on `ast` cost less than re-analysing a part with LibCST)."""
    return engine.scan_text_all(buffer.rel, buffer.language, text, on_disk=True)


def fix_buffer(
    engine: Engine,
    buffer: Buffer,
    text: str,
    *,
    unsafe: bool = False,
    findings: Sequence[Finding] | None = None,
) -> FixOutcome:
    """The document with its fixes applied to a fixed point and checked, as `--fix` would
    write its file; `findings` limits them to those (one finding's code action)."""
    lang = backend(buffer.language)

    def check(before: str, after: str, edits: Sequence[Edit]) -> str | None:
        return lang.check_fix(before, after, edits, buffer.rel)

    def scan(t: str) -> list[Finding]:
        return engine.scan_text(buffer.rel, buffer.language, t, on_disk=True, fixes=True)

    if findings is None:
        return fix_text(text, scan(text), scan, check, unsafe=unsafe)
    # One round of just these fixes: what the user picked, verified like any other.
    picked = engine.with_fixes(buffer.rel, buffer.language, text, findings)
    return fix_text(text, picked, lambda t: [], check, unsafe=unsafe)
