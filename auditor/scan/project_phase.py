"""`audit scan --fix`/`--diff`, the project-wide phase: after the per-file fixes (in the
workers), the fixes that change other files than their finding's or create files, and
the rules' project fixes (`BaseRule.project_fix`), in the main process.

The files are read as the per-file phase left them: written (`--fix`), or in memory
(`--diff`). A file holding such a fix is scanned again first, so its offsets are
current; with `--diff`, an edit a rule computed on another file's disk text is moved
onto that file's fixed text (or, where the per-file fixes changed the very lines it
edits, the fix waits). The plan (auditor.scan.project_fix) takes each fix whole or not
at all and checks every file it touches; then every file is written atomically, and
should a write fail, the files written before it are put back, and the error says which
files were written and whether they were restored."""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar

from auditor.model import FIX_ERROR, INTERNAL_ERROR, Edit, Finding, error_finding, one_line
from auditor.scan.discovery import language_of
from auditor.scan.engine import Engine, backend
from auditor.scan.fileio import ChangedOnDisk, ReadOnly, write_atomic
from auditor.scan.fixer import FileChange, Level
from auditor.scan.loading import ActiveRule
from auditor.scan.project_fix import (
    Check,
    FileProblem,
    NotApplied,
    Plan,
    path_problem,
    plan,
)
from auditor.scan.rule_base import fixes_project
from auditor.scan.source import Decoded, DecodeError, decode_utf8, split_lines


class FileOutcome(Protocol):
    """One scanned file after the per-file phase (auditor.scan.run's `_Done`)."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def rel(self) -> str: ...
    @property
    def findings(self) -> tuple[Finding, ...]: ...
    @property
    def change(self) -> FileChange | None: ...
    @property
    def text(self) -> str | None: ...


D = TypeVar("D", bound=FileOutcome)


@dataclass(frozen=True, slots=True)
class PhaseOutcome:
    fixed: tuple[Finding, ...] = ()
    errors: tuple[Finding, ...] = ()  # fix-errors and crashed project fixes
    not_applied: tuple[NotApplied, ...] = ()
    others: tuple[FileChange, ...] = ()  # files changed or created that were not scanned


class Files:
    """The project's files as this phase sees them: the per-file phase's texts where it
    changed files in memory (`--diff`), else the disk; each read once."""

    def __init__(self, root: Path, overlay: Mapping[str, str], scanned: Iterable[str] = ()) -> None:
        self.root = root
        self.scanned = tuple(sorted(scanned))
        self.real_root = os.path.realpath(root)
        self.overlay = dict(overlay)
        self.read_data: dict[str, tuple[bytes | None, str]] = {}  # path -> bytes, encoding

    def text(self, path: str) -> str | None:
        """As `project_fix.Read`: FileProblem when the file cannot be fixed."""
        problem = path_problem(path)
        if problem is not None:
            raise FileProblem(problem)
        target = self.root / path
        real = os.path.realpath(target)
        if os.path.commonpath([real, self.real_root]) != self.real_root:
            raise FileProblem(f"{path} is outside the project")
        if path in self.overlay:
            return self.overlay[path]
        try:
            data = target.read_bytes()
        except FileNotFoundError:
            self.read_data[path] = (None, "utf-8")
            return None
        except OSError as exc:
            raise FileProblem(f"cannot read {path}: {exc.strerror or exc}") from None
        try:
            decoded = _decode(path, data)
        except DecodeError as exc:
            raise FileProblem(f"cannot decode {path}: {exc}") from None
        self.read_data[path] = (data, decoded.encoding)
        return decoded.text

    def read(self, path: str) -> str | None:
        """As `rule_base.ProjectFiles`: None for a file that is not there or unreadable."""
        try:
            return self.text(path)
        except FileProblem:
            return None

    def paths(self) -> Sequence[str]:
        """As `rule_base.ProjectFiles`: the files the run scans."""
        return self.scanned

    def encoding(self, path: str) -> str:
        return self.read_data.get(path, (None, "utf-8"))[1]


def _decode(path: str, data: bytes) -> Decoded:
    language = language_of(path)
    return backend(language).decode(data) if language is not None else decode_utf8(data)


@dataclass
class _Phase:
    engine: Engine
    files: Files
    unsafe: bool
    write: bool
    current: dict[str, tuple[Finding, ...]] = field(default_factory=dict)
    errors: list[Finding] = field(default_factory=list)
    waiting: list[NotApplied] = field(default_factory=list)
    carriers: list[Finding] = field(default_factory=list)  # the project fixes' findings

    def rescan(self, rel: str, text: str | None) -> tuple[Finding, ...]:
        language = language_of(rel)
        if language is None or text is None:
            return ()
        return tuple(self.engine.scan_text(rel, language, text, on_disk=True, fixes=True))

    def check(self, path: str, before: str | None, after: str, edits: Sequence[Edit]) -> str | None:
        return file_check(self.files)(path, before, after, edits)


def file_check(files: Files) -> Check:
    """A changed or created file must be encodable as it is encoded, and parse when it is
    of a language auditor reads (the per-file fixes' verification); other files (a
    Markdown file, `.env.example`) are taken as they are."""

    def check(path: str, before: str | None, after: str, edits: Sequence[Edit]) -> str | None:
        encoding = files.encoding(path)
        try:
            after.encode(encoding)
        except UnicodeEncodeError:
            return f"its text cannot be encoded as {encoding}"
        language = language_of(path)
        if language is None:
            return None
        return backend(language).check_fix(before or "", after, edits, path)

    return check


def fix_project(
    engine: Engine,
    realize: Callable[[], Engine],
    root: Path,
    done: list[D],
    unsafe: bool,
    write: bool,
    *,
    alternatives: bool = True,
) -> tuple[list[D], PhaseOutcome]:
    """`done` (the per-file phase's outcome) with the findings and changes of the files
    this phase changed; and what it did. `realize` gives the engine with the rules' own
    classes when `engine`'s are stand-ins. With `write` False (`--diff`), nothing is
    written and the findings stay those of the files on disk. Without `alternatives`,
    each finding's own fix (the harness's `fixed_files`)."""
    level = Level(unsafe, alternatives)
    spanning = {d.rel for d in done if any(_spans(level, f) for f in d.findings)}
    if not spanning and not any(f.is_finding for d in done for f in d.findings):
        return done, PhaseOutcome()
    if engine.stubbed:
        engine = realize()
    hooks = [r for r in engine.rules if fixes_project(r.cls)]
    if not spanning and not hooks:
        return done, PhaseOutcome()
    overlay = {} if write else {d.rel: d.change.after for d in done if d.change is not None}
    phase = _Phase(engine, Files(root, overlay, (d.rel for d in done)), unsafe, write)
    hooked = {r.id for r in hooks}
    for d in done:
        stale = d.change is not None and not write and any(f.rule_id in hooked for f in d.findings)
        phase.current[d.rel] = _guarded(phase, d) if d.rel in spanning or stale else d.findings
    fixes = [*_project_fixes(phase, hooks), *_spanning_fixes(phase, level, done, overlay)]
    if not fixes:
        return done, PhaseOutcome(errors=tuple(phase.errors), not_applied=tuple(phase.waiting))
    result = _plan(phase, fixes)
    left_out = (*phase.waiting, *result.not_applied)
    written = _write(phase, result) if write else {f.path: "" for f in result.files}
    if written is None:
        return done, PhaseOutcome(errors=tuple(phase.errors), not_applied=left_out)
    return _merged(phase, done, result, written, left_out)


def _guarded(phase: _Phase, d: FileOutcome) -> tuple[Finding, ...]:
    try:
        return phase.rescan(d.rel, phase.files.text(d.rel))
    except FileProblem:
        return d.findings


def _spans(level: Level, finding: Finding) -> bool:
    picked = level.pick(finding)
    return picked is not None and picked.fix is not None and not picked.fix.in_file(finding.path)


def _project_fixes(phase: _Phase, hooks: Sequence[ActiveRule]) -> Iterable[Finding]:
    """Each project fix of the run, carried by the rule's first finding."""
    for active in sorted(hooks, key=lambda r: r.id):
        found = sorted(
            (
                f
                for rel, findings in phase.current.items()
                if language_of(rel) in active.cls.languages
                for f in findings
                if f.rule_id == active.id
            ),
            key=Finding.sort_key,
        )
        if not found:
            continue
        try:
            fix = active.cls.project_fix(found, phase.files, active.options)
        except Exception as exc:
            message = (
                f"the project fix of {active.id} failed ({one_line(exc)}); nothing of it applied"
            )
            phase.errors.append(error_finding(INTERNAL_ERROR, found[0].path, message))
            continue
        if fix is None or not (fix.allowed(phase.unsafe) or active.fixes_are_safe):
            continue
        if any(edit.path is None for edit in fix.edits):
            message = f"fix of {active.id} refused: a project fix's edit must name its path"
            phase.errors.append(error_finding(FIX_ERROR, found[0].path, message, found[0].start))
            continue
        carrier = replace(found[0], fix=fix, alternatives=())
        phase.carriers.append(carrier)
        yield carrier


def _spanning_fixes(
    phase: _Phase, level: Level, done: Sequence[FileOutcome], overlay: Mapping[str, str]
) -> Iterable[Finding]:
    """Each finding's fix that spans files, its edits of other files moved onto their
    texts as the per-file phase left them (`--diff`: computed on the disk's)."""
    for d in done:
        for finding in phase.current[d.rel]:
            picked = level.pick(finding)
            if picked is None or not _spans(level, finding):
                continue
            assert picked.fix is not None
            edits = []
            for edit in picked.fix.edits:
                moved: Edit | None = edit
                target = edit.target(finding.path)
                if target != finding.path and target in overlay and not edit.create:
                    moved = _rebase(edit, _disk_text(phase.files.root, target), overlay[target])
                if moved is None:
                    reason = f"the per-file fixes change {target} where it edits; run it again"
                    phase.waiting.append(NotApplied(finding, reason))
                    break
                edits.append(moved)
            else:
                yield replace(picked, fix=replace(picked.fix, edits=tuple(edits)))


def _disk_text(root: Path, path: str) -> str | None:
    try:
        return _decode(path, (root / path).read_bytes()).text
    except (OSError, DecodeError):
        return None


def _rebase(edit: Edit, before: str | None, after: str) -> Edit | None:
    """`edit` of `before` as the same edit of `after`, when the lines it touches are
    unchanged between them; else None."""
    if before is None:
        return None
    old, new = split_lines(before, keepends=True), split_lines(after, keepends=True)
    old_starts, new_starts = _starts(old), _starts(new)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, _j2 in matcher.get_opcodes():
        low, high = old_starts[i1], old_starts[i2]
        if tag == "equal" and low <= edit.start and edit.end <= high:
            shift = new_starts[j1] - low
            return replace(edit, start=edit.start + shift, end=edit.end + shift)
    return None


def _starts(lines: Sequence[str]) -> list[int]:
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    return starts


def _plan(phase: _Phase, fixes: Sequence[Finding]) -> Plan:
    """The plan, without the fixes whose files cannot be written (read-only, gone, or
    there now when they are to be created), each refused: checked before anything is
    written, so a write rarely fails midway."""
    while True:
        result = plan(fixes, phase.files.text, phase.check)
        blocked = {f.path: why for f in result.files if (why := _unwritable(phase, f.path))}
        if not phase.write or not blocked:
            phase.errors += result.errors
            return result
        kept = []
        for finding in fixes:
            assert finding.fix is not None
            hit = [p for p in finding.fix.paths(finding.path) if p in blocked]
            if hit:
                message = f"fix of {finding.rule_id} refused: {hit[0]}: {blocked[hit[0]]}"
                phase.errors.append(error_finding(FIX_ERROR, finding.path, message, finding.start))
            else:
                kept.append(finding)
        fixes = kept


def _unwritable(phase: _Phase, path: str) -> str | None:
    data, _encoding = phase.files.read_data.get(path, (None, "utf-8"))
    target = phase.files.root / path
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return "it was removed meanwhile" if data is not None else None
    except OSError as exc:
        return exc.strerror or str(exc)
    if data is None:
        return "it was created meanwhile"
    return None if st.st_mode & 0o222 else "read-only"


def _write(phase: _Phase, result: Plan) -> dict[str, str] | None:
    """Write every planned file: path -> a note (a split hard link), or None when a
    write failed (the files written before are put back, and the errors say so)."""
    done: list[tuple[str, bytes | None, bytes]] = []  # path, old bytes (None: created), new
    notes: dict[str, str] = {}
    for planned in result.files:
        old, encoding = phase.files.read_data.get(planned.path, (None, "utf-8"))
        target = phase.files.root / planned.path
        try:
            data = planned.after.encode(encoding)
            if old is None:
                target.parent.mkdir(parents=True, exist_ok=True)
            links = write_atomic(target, data, expected=old)
        except (UnicodeEncodeError, ChangedOnDisk, ReadOnly, OSError) as exc:
            problem = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            phase.errors += _failed(phase, result, planned.path, problem, done)
            return None
        done.append((planned.path, old, data))
        if links:
            note = "the fixed file is a new one, the other names keep the old content"
            notes[planned.path] = f"had {links} hard links; {note}"
    return {f.path: notes.get(f.path, "") for f in result.files}


def _failed(
    phase: _Phase,
    result: Plan,
    path: str,
    problem: str,
    written: Sequence[tuple[str, bytes | None, bytes]],
) -> list[Finding]:
    """Put back what was written; an error for each fix of the plan, saying so."""
    left = []
    for done_path, old, new in reversed(written):
        target = phase.files.root / done_path
        try:
            if old is None:
                target.unlink()
            else:
                write_atomic(target, old, expected=new)
        except (ChangedOnDisk, ReadOnly, OSError):
            left.append(done_path)
    names = ", ".join(p for p, _o, _n in written)
    if not written:
        after = "nothing was written"
    elif left:
        after = f"{names} were written, and {', '.join(sorted(left))} could not be put back"
    else:
        after = f"{names} were written and put back as they were"
    return [
        error_finding(
            FIX_ERROR,
            finding.path,
            f"fix of {finding.rule_id} not applied: writing {path} failed ({problem}); {after}",
            finding.start,
        )
        for finding in result.applied
    ]


def _merged(
    phase: _Phase,
    done: list[D],
    result: Plan,
    notes: Mapping[str, str],
    left_out: Sequence[NotApplied],
) -> tuple[list[D], PhaseOutcome]:
    changed = {f.path: f for f in result.files}
    scanned = {d.rel for d in done}
    after = {rel: phase.rescan(rel, changed[rel].after) for rel in changed if rel in scanned}
    gone = {(rel, f.fingerprint) for rel in after for f in phase.current[rel]} - {
        (rel, f.fingerprint) for rel, found in after.items() for f in found
    }
    carried = [f for f in result.applied if any(f is c for c in phase.carriers)]
    fixed = [f for f in result.applied if not any(f is c for c in carried)]
    # A project fix fixed what it made go away, in the files it changed.
    for rule_id in sorted({f.rule_id for f in carried}):
        fixed += [
            f
            for found in phase.current.values()
            for f in found
            if f.rule_id == rule_id and (f.path, f.fingerprint) in gone
        ]
    merged = []
    for d in done:
        planned = changed.get(d.rel)
        if planned is None:
            merged.append(d)
            continue
        before = d.change.before if d.change is not None else planned.before
        note = (d.change.note if d.change is not None else "") or notes.get(d.rel, "")
        change = FileChange(d.rel, before, planned.after, note)
        updates: dict[str, Any] = {"change": change}
        if phase.write:
            updates["findings"] = after[d.rel]
            if d.text is not None:
                updates["text"] = planned.after
        merged.append(replace(d, **updates))
    others = tuple(
        FileChange(p.path, p.before, p.after, notes.get(p.path, ""))
        for p in result.files
        if p.path not in scanned
    )
    outcome = PhaseOutcome(tuple(fixed), tuple(phase.errors), tuple(left_out), others)
    return merged, outcome
