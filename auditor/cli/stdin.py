"""`audit scan -`: one document read from stdin, scanned as the project would scan the
file `--stdin-filename` names (see auditor/scan/buffer.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from auditor.scan.fixer import fixable


def stdin_start(path: Path) -> Path:
    """Where config discovery starts for a document that may not exist on disk: the
    nearest existing directory of its path."""
    directory = Path(os.path.abspath(path)).parent
    while not directory.is_dir() and directory.parent != directory:
        directory = directory.parent
    return directory


def scan_stdin(project: Any, path: Path, *, fix: bool, unsafe: bool) -> Any:
    from auditor.model import PARSE_ERROR, error_finding
    from auditor.scan.buffer import buffer_for, decode, fix_buffer, scan_buffer
    from auditor.scan.fixer import FileChange
    from auditor.scan.run import ScanOutcome
    from auditor.scan.source import DecodeError

    engine = project.engine()
    buffer = buffer_for(engine, project.config.root, path)
    data = sys.stdin.buffer.read()
    try:
        text = decode(buffer, data)
    except DecodeError as exc:
        finding = error_finding(PARSE_ERROR, buffer.rel, f"cannot decode: {exc}", exc.location)
        return ScanOutcome(1, (finding,), checked=(buffer.rel,))
    findings, suppressed = scan_buffer(engine, buffer, text)
    fixed: tuple[Any, ...] = ()
    changes: tuple[Any, ...] = ()
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


def stdin_text(outcome: Any) -> str:
    return next(iter(outcome.texts.values()), "")
