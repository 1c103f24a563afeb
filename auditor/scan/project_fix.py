"""Fixes that span files: a fix with an edit in another file than its finding's, or one
that creates a file, is applied after the per-file fixes, whole or not at all.

`plan` works out what such fixes do to the project's files, in memory: every file they
touch is read once (`read`, as the per-file phase left it), each fix is taken in turn and
either accepted whole or left out whole, and every changed or created file is checked
(`check`: it still parses). Nothing is written here: `audit scan --fix` writes the plan
(auditor.scan.project_phase), `--diff` prints it, the harness compares it with an
example's files, the language server sends it as a WorkspaceEdit.

The rules of the plan:
- an edit without a path is in its finding's file; a path is posix, relative to the
  project root, and names no parent (`..`), nor an absolute place;
- identical edits count once, whichever fixes make them (thirty console fixes each
  creating the same `lib/logger.ts` create it once, and add the same import once);
- a fix whose edit overlaps another accepted fix's (not identical) edit, or creates a
  file another accepted fix creates with other content, is not applied: it is reported
  as such (`NotApplied`), and its finding stays;
- a fix that cannot apply at all (it creates a file that exists with other content, edits
  one that does not exist or past its end, names a path outside the project) is refused,
  a fix-error finding, as is a fix whose result does not parse;
- a creation whose file already holds exactly its text is dropped (a second run)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import PurePosixPath

from auditor.model import FIX_ERROR, Edit, Finding, error_finding
from auditor.scan.fixer import apply_edits

# A file's text as the phase sees it; None when there is no such file. Raises
# FileProblem when the file is there but cannot be fixed (unreadable, outside the root).
Read = Callable[[str], str | None]
# (path, text before (None: created), text after, the edits between) -> what is wrong
# with the result, or None.
Check = Callable[[str, str | None, str, Sequence[Edit]], str | None]


class FileProblem(Exception):
    """A file a fix edits cannot be read or written as it is."""


@dataclass(frozen=True, slots=True)
class PlannedFile:
    path: str
    before: str | None  # None: the plan creates it
    after: str


@dataclass(frozen=True, slots=True)
class NotApplied:
    """A fix left out because it conflicts with a fix that was applied; it may apply on
    the next run, when the other fix is done."""

    finding: Finding
    reason: str

    def line(self, display: Callable[[str], str] = str) -> str:
        at = self.finding.start
        where = f"{display(self.finding.path)}:{at.line}:{at.column}"
        return f"{where}: fix of {self.finding.rule_id} not applied: {self.reason}"


@dataclass(frozen=True, slots=True)
class Plan:
    files: tuple[PlannedFile, ...] = ()  # sorted by path; only those that change
    applied: tuple[Finding, ...] = ()  # in the order given
    not_applied: tuple[NotApplied, ...] = ()
    errors: tuple[Finding, ...] = ()  # fix-error findings: fixes refused


def path_problem(path: str) -> str | None:
    """What is wrong with a fix's path, or None: it is relative, posix, below the root."""
    pure = PurePosixPath(path)
    if not path or "\\" in path or pure.is_absolute() or path != pure.as_posix():
        return f"its path {path!r} is not a posix path relative to the project root"
    if any(part in ("..", ".") for part in path.split("/")):
        return f"its path {path!r} leaves the project root"
    return None


# One fix's edits, by file: each file's edits (without their path), and whether the fix
# creates it. The creation's text is its one edit's.
_Grouped = dict[str, tuple[tuple[Edit, ...], bool]]


@dataclass
class _State:
    read: Read
    texts: dict[str, str | None] = field(default_factory=dict)
    accepted: list[tuple[Finding, _Grouped]] = field(default_factory=list)

    def text(self, path: str) -> str | None:
        if path not in self.texts:
            self.texts[path] = self.read(path)
        return self.texts[path]

    def owners(self, path: str) -> list[tuple[Finding, tuple[Edit, ...], bool]]:
        return [(f, *grouped[path]) for f, grouped in self.accepted if path in grouped]


def plan(fixes: Sequence[Finding], read: Read, check: Check) -> Plan:
    """What applying each finding's `fix` does (in this order, first come first served);
    every fix is applied whole or not at all."""
    state = _State(read)
    errors: list[Finding] = []
    left_out: list[NotApplied] = []
    for finding in fixes:
        try:
            grouped = _group(finding, state)
        except FileProblem as exc:
            errors.append(_refused(finding, str(exc)))
            continue
        conflict = _conflict(grouped, state)
        if conflict is not None:
            left_out.append(NotApplied(finding, conflict))
        elif grouped:
            state.accepted.append((finding, grouped))
    while True:
        files, failed = _results(state, check)
        if not failed:
            break
        path, problem = failed
        owners = [f for f, _edits, _created in state.owners(path)]
        alone = [f for f in owners if _fails_alone(state, f, path, check)]
        for finding in alone:
            errors.append(_refused(finding, f"{path}: {problem}"))
        if not alone:  # together they fail: the first stays, the others wait
            first = owners[0]
            alone = owners[1:]
            reason = f"with the fix of {first.rule_id}, {path}: {problem}"
            left_out += [NotApplied(f, reason) for f in alone]
        state.accepted = [(f, g) for f, g in state.accepted if not _among(f, alone)]
    applied = tuple(f for f, _grouped in state.accepted)
    return Plan(tuple(files), applied, tuple(left_out), tuple(errors))


def _refused(finding: Finding, problem: str) -> Finding:
    message = f"fix of {finding.rule_id} refused: {problem}"
    return error_finding(FIX_ERROR, finding.path, message, finding.start)


def _group(finding: Finding, state: _State) -> _Grouped:
    """The fix's edits by file, checked against the files as they are; a creation whose
    file holds its text already is dropped."""
    assert finding.fix is not None
    by_path: dict[str, list[Edit]] = {}
    for edit in finding.fix.edits:
        by_path.setdefault(edit.target(finding.path), []).append(edit)
    grouped: _Grouped = {}
    for path, edits in by_path.items():
        problem = path_problem(path)
        if problem is not None:
            raise FileProblem(problem)
        text = state.text(path)
        creates = [e for e in edits if e.create]
        if creates:
            if len(edits) > 1:
                raise FileProblem(f"it creates {path} and edits it too")
            if text is None:
                grouped[path] = ((_bare(creates[0]),), True)
            elif text != creates[0].text:
                raise FileProblem(f"it creates {path}, which exists with other content")
            continue
        if text is None:
            raise FileProblem(f"it edits {path}, which does not exist")
        bare = sorted({_bare(e) for e in edits})
        if any(e.end > len(text) for e in bare):
            raise FileProblem(f"its edit of {path} is past the end of the file")
        if any(_overlap(a, b) for a, b in pairwise(bare)):
            raise FileProblem(f"its edits of {path} overlap each other")
        grouped[path] = (tuple(bare), False)
    return grouped


def _bare(edit: Edit) -> Edit:
    return Edit(edit.start, edit.end, edit.text)


def _conflict(grouped: _Grouped, state: _State) -> str | None:
    """Why the fix cannot join the accepted ones, or None."""
    for path, (edits, created) in grouped.items():
        for owner, taken, owner_created in state.owners(path):
            other = f"the fix of {owner.rule_id} at {_where(owner)}"
            if created or owner_created:
                if created != owner_created or taken != edits:
                    return f"it and {other} write {path} differently"
                continue
            for edit in edits:
                if any(edit != t and _overlap(edit, t) for t in taken):
                    return f"its edit of {path} overlaps {other}"
    return None


def _where(finding: Finding) -> str:
    return f"{finding.path}:{finding.start.line}:{finding.start.column}"


def _overlap(a: Edit, b: Edit) -> bool:
    if a.start == a.end == b.start == b.end:
        return True  # two insertions at one point: their order would be a guess
    return a.start < b.end and b.start < a.end


def _results(state: _State, check: Check) -> tuple[list[PlannedFile], tuple[str, str] | None]:
    """Every changed file, or the first that fails its check and why."""
    files: list[PlannedFile] = []
    for path in sorted({p for _f, grouped in state.accepted for p in grouped}):
        before, after, edits = _apply(state, path, [o for o, _e, _c in state.owners(path)])
        if after == before:
            continue
        problem = check(path, before, after, edits)
        if problem is not None:
            return files, (path, problem)
        files.append(PlannedFile(path, before, after))
    return files, None


def _apply(
    state: _State, path: str, owners: Sequence[Finding]
) -> tuple[str | None, str, tuple[Edit, ...]]:
    """The file before, after the edits of `owners` (identical ones once), and those."""
    edits: set[Edit] = set()
    created = False
    for finding, grouped in state.accepted:
        if _among(finding, owners) and path in grouped:
            edits.update(grouped[path][0])
            created = created or grouped[path][1]
    ordered = tuple(sorted(edits))
    if created:
        return None, ordered[0].text, ordered
    before = state.text(path)
    assert before is not None
    return before, apply_edits(before, ordered), ordered


def _among(finding: Finding, findings: Sequence[Finding]) -> bool:
    """By identity: two findings may be equal (the same code twice in a scope)."""
    return any(finding is f for f in findings)


def _fails_alone(state: _State, finding: Finding, path: str, check: Check) -> bool:
    before, after, edits = _apply(state, path, [finding])
    return after != before and check(path, before, after, edits) is not None
