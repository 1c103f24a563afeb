"""Results per file, kept between runs in `.audit_cache/` at the project root.

A result is valid for one file content (its git blob id, so history scans and work-tree
scans share entries) under one rule set: the rules, their severities and options, the
per-file ignores and auditor's version, hashed into the cache file's name. A file whose
size and mtime are unchanged is not even read; one whose content is unchanged is not parsed.

The cache is JSON: a cache folder from a cloned repository cannot run code when loaded.
Each file is signed with a key outside the repository (auditor.cache_signing): one that
came with the code, or that another machine wrote with another key, is a miss, as is one
of the wrong shape. Concurrent runs each write the whole file atomically; the last one
wins, none corrupts it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor import __version__, cache_signing
from auditor.cache_signing import as_int, as_list, as_str
from auditor.model import Edit, Finding, Fix, Location, Severity
from auditor.scan.fileio import write_atomic
from auditor.scan.manifest import code_stamp

if TYPE_CHECKING:
    from auditor.scan.engine import Engine

FORMAT = 1
MAX_ENTRIES = 100_000
KEEP_RULE_SETS = 4  # cache files of other rule sets kept (switching --select back and forth)


def make_cache_folder(directory: Path) -> None:
    """The folder, ignored by git from the start: the cache is never committed."""
    directory.mkdir(parents=True, exist_ok=True)
    gitignore = directory / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("# created by auditor: the cache is never committed\n*\n")


def blob_id(data: bytes) -> str:
    """git's object id for a file with these bytes."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def findings_key(engine: Engine, project_files: Sequence[Sequence[object]] = ()) -> str:
    """What every cached result depends on besides its file: the one owner of that key,
    for the scan and the history alike. Every setting the engine holds changes findings:
    the rules, their severities, options and code, the per-file ignores, the size limit,
    whether generated files are skipped, which ignore comments are reported; and the
    project files some rule reads (`project_files`, stamped)."""
    described = [
        [
            r.id,
            r.cls.__module__,
            r.cls.__qualname__,
            r.severity.label,
            sorted((k, repr(v)) for k, v in r.options.items()),
            r.fixes_are_safe,
        ]
        for r in engine.rules
    ]
    settings = [
        [[p, list(ids)] for p, ids in engine.per_file_ignores],
        engine.max_file_size,
        engine.skip_generated,
        list(engine.generated_markers),
        sorted(engine.known_ids or ()) if engine.known_ids is not None else None,
        engine.report_unused_ignores,
    ]
    code = code_stamp(r.cls for r in engine.rules)
    text = json.dumps(
        [FORMAT, __version__, described, settings, code, project_files], sort_keys=True
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Entry:
    blob: str
    size: int
    mtime_ns: int
    findings: tuple[Finding, ...]
    suppressed: tuple[Finding, ...]


class Cache:
    def __init__(self, directory: Path, key: str) -> None:
        self.directory = directory
        self.path = directory / f"results-{key}.json"
        self.entries: dict[str, Entry] = {}
        self.used: set[str] = set()
        self.dirty = False
        self._load()

    def _load(self) -> None:
        payload = cache_signing.read(self.path.name, self.path)
        if payload is None:
            return  # none, unsigned, or signed with another key: start afresh
        try:
            document = json.loads(payload)
            if not isinstance(document, dict) or document.get("format") != FORMAT:
                return
            files = document["files"]
            if not isinstance(files, dict):
                return
            for rel, raw in files.items():
                self.entries[str(rel)] = _entry(str(rel), raw)
        except Exception:  # unreadable, another version's or the wrong shape: a miss
            self.entries = {}

    def lookup(self, rel: str, size: int, mtime_ns: int) -> Entry | None:
        entry = self.entries.get(rel)
        if entry is not None and entry.size == size and entry.mtime_ns == mtime_ns:
            self.used.add(rel)
            return entry
        return None

    def store(self, rel: str, entry: Entry) -> None:
        self.entries[rel] = entry
        self.used.add(rel)
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        kept = {rel: self.entries[rel] for rel in self.used if rel in self.entries}
        for rel, entry in self.entries.items():
            if len(kept) >= MAX_ENTRIES:
                break
            kept.setdefault(rel, entry)
        document = {"format": FORMAT, "files": {rel: _raw(e) for rel, e in sorted(kept.items())}}
        payload = json.dumps(document, separators=(",", ":")).encode()
        sealed = cache_signing.seal(self.path.name, payload)
        if sealed is None:
            return  # no signing key: no cache
        try:
            make_cache_folder(self.directory)
            write_atomic(self.path, sealed)
            self._prune()
        except OSError:
            pass  # a read-only checkout scans without a cache

    def _prune(self) -> None:
        others = sorted(
            (p for p in self.directory.glob("results-*.json") if p != self.path),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for stale in others[KEEP_RULE_SETS:]:
            stale.unlink(missing_ok=True)


def _raw(entry: Entry) -> list[Any]:
    return [
        entry.blob,
        entry.size,
        entry.mtime_ns,
        [finding_raw(f) for f in entry.findings],
        [finding_raw(f) for f in entry.suppressed],
    ]


def finding_raw(f: Finding) -> list[Any]:
    """A finding as JSON, without its path (the caller keys it by path). Eleven fields
    since findings carry alternative fixes: an older ten-field entry is of the wrong
    shape, a miss."""
    fix = None if f.fix is None else _fix_raw(f.fix)
    return [
        f.rule_id,
        int(f.severity),
        f.start.line,
        f.start.column,
        f.end.line,
        f.end.column,
        f.message,
        f.fingerprint,
        f.scope,
        fix,
        [_fix_raw(alternative) for alternative in f.alternatives],
    ]


def _fix_raw(fix: Fix) -> list[Any]:
    # A pending fix has no edits yet: null, not an empty list.
    edits = None if fix.pending else [_edit_raw(e) for e in fix.edits]
    return [fix.description, fix.applicability, edits]


def _edit_raw(edit: Edit) -> list[Any]:
    """Three fields for an edit of the finding's file, five for one of another file."""
    if edit.path is None and not edit.create:
        return [edit.start, edit.end, edit.text]
    return [edit.start, edit.end, edit.text, edit.path, edit.create]


def _entry(rel: str, raw: Any) -> Entry:
    # Most files have no finding: their entry is read without the general checks (a warm
    # run reads every entry), with the same answer for the same JSON.
    if type(raw) is list and len(raw) == 5 and raw[3] == [] and raw[4] == []:
        blob, size, mtime_ns = raw[0], raw[1], raw[2]
        if type(blob) is str and type(size) is int and type(mtime_ns) is int:
            return Entry(blob, size, mtime_ns, (), ())
    blob, size, mtime_ns, findings, suppressed = as_list(raw, 5)
    return Entry(
        as_str(blob),
        as_int(size),
        as_int(mtime_ns),
        tuple(finding_from_raw(rel, f) for f in as_list(findings)),
        tuple(finding_from_raw(rel, f) for f in as_list(suppressed)),
    )


def finding_from_raw(rel: str, raw: Any) -> Finding:
    """A finding from `finding_raw`'s JSON; ValueError when it is not of that shape."""
    (
        rule_id,
        severity,
        line,
        column,
        end_line,
        end_column,
        message,
        fingerprint,
        scope,
        fix,
        alternatives,
    ) = as_list(raw, 11)
    return Finding(
        rule_id=as_str(rule_id),
        severity=Severity(as_int(severity)),
        path=as_str(rel),
        start=Location(as_int(line), as_int(column)),
        end=Location(as_int(end_line), as_int(end_column)),
        message=as_str(message),
        fix=None if fix is None else _fix(fix),
        fingerprint=as_str(fingerprint),
        scope=as_str(scope),
        alternatives=tuple(_fix(a) for a in as_list(alternatives)),  # ValueError without a fix
    )


def _fix(raw: Any) -> Fix:
    description, applicability, edits = as_list(raw, 3)
    return Fix(
        () if edits is None else tuple(_edit(edit) for edit in as_list(edits)),
        as_str(description),
        "unsafe" if applicability == "unsafe" else "safe",
        pending=edits is None,
    )


def _edit(raw: Any) -> Edit:
    fields = as_list(raw)
    if len(fields) == 3:
        start, end, text = fields
        return Edit(as_int(start), as_int(end), as_str(text))
    start, end, text, path, create = as_list(raw, 5)
    if not isinstance(create, bool):
        raise ValueError("an edit's create flag is not a boolean")
    return Edit(as_int(start), as_int(end), as_str(text), as_str(path), create)


def stat_of(path: Path | str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns
