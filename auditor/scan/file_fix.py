"""Fixing one file of a scan (`audit scan --fix` / `--diff`): the fixes applied to its text
one after the other, the result checked and, when asked, written in place of the file. A
module of its own so that a scan that fixes nothing does not import the fixer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from auditor.model import FIX_ERROR, Edit, Finding, error_finding
from auditor.scan.engine import Engine, FileResult, backend
from auditor.scan.fileio import ChangedOnDisk, ReadOnly, write_atomic
from auditor.scan.fixer import FileChange, fix_text
from auditor.scan.source import Decoded


def fix_file(
    engine: Engine, result: FileResult, *, unsafe: bool, write: bool
) -> tuple[FileResult, tuple[Finding, ...], FileChange | None]:
    source, decoded = result.source, result.decoded
    assert decoded is not None and result.data is not None
    lang = backend(source.language)

    def check(before: str, after: str, edits: Sequence[Edit]) -> str | None:
        # A fix whose text the file's encoding cannot hold is refused alone, so the
        # other fixes are still written.
        for edit in edits:
            try:
                edit.text.encode(decoded.encoding)
            except UnicodeEncodeError:
                return f"its text cannot be encoded as {decoded.encoding}"
        return lang.check_fix(before, after, edits, source.rel)

    def scan(text: str) -> list[Finding]:
        return engine.scan_text(source.rel, source.language, text, on_disk=True, fixes=True)

    findings = result.findings
    if any(f.fix_pending for f in findings):
        findings = tuple(scan(decoded.text))  # the fixes offered, now computed
    outcome = fix_text(decoded.text, findings, scan, check, unsafe=unsafe)
    if outcome.text == decoded.text:
        return replace(result, findings=outcome.findings), (), None
    change = FileChange(source.rel, decoded.text, outcome.text)
    if not write:
        return result, outcome.applied, change
    try:
        data = outcome.text.encode(decoded.encoding)
        links = write_atomic(source.path, data, expected=result.data)
    except (UnicodeEncodeError, ChangedOnDisk, ReadOnly, OSError) as exc:
        if isinstance(exc, UnicodeEncodeError):
            message = f"fixed file not written: cannot encode as {decoded.encoding}"
        elif isinstance(exc, ReadOnly):
            message = str(exc)
        elif isinstance(exc, OSError) and exc.strerror:
            message = f"fixed file not written: {exc.strerror}"
        else:
            message = f"fixed file not written: {exc}"
        error = error_finding(FIX_ERROR, source.rel, message)
        return replace(result, findings=(*result.findings, error)), (), None
    if links:
        note = "the fixed file is a new one, the other names keep the old content"
        change = replace(change, note=f"had {links} hard links; {note}")
    fixed_text = Decoded(outcome.text, decoded.encoding)
    suppressed = result.suppressed
    if suppressed:  # their positions moved with the fixes
        rescan = engine.scan_text_all(source.rel, source.language, outcome.text, on_disk=True)
        suppressed = tuple(rescan[1])
    updated = replace(result, findings=outcome.findings, decoded=fixed_text, suppressed=suppressed)
    return updated, outcome.applied, change
