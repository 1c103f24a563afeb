"""The shared rule harness: checks a rule against its own VALID and INVALID examples.
auditor's tests run it over every registered rule; a plugin's tests can do the same:

    @pytest.mark.parametrize("example", MyRule.VALID + MyRule.INVALID)
    def test_examples(example): check_example(MyRule, example)
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from auditor.config import OptionValue
from auditor.model import Edit, Finding
from auditor.scan.discovery import language_of
from auditor.scan.engine import Engine, backend
from auditor.scan.fixer import Check, FileChange, Level, Scan, fix_text
from auditor.scan.loading import ActiveRule, merge_options
from auditor.scan.project_phase import fix_project
from auditor.scan.rule_base import fixes_project
from auditor.scan.rule_core import BaseRule
from auditor.scan.rule_examples import Invalid, Valid, example_source


def run_rule(
    cls: type[BaseRule],
    code: str,
    path: str,
    options: Mapping[str, OptionValue] | None = None,
    *,
    prefilter: bool = True,
    root: Path | None = None,
    fixes: bool = True,
) -> list[Finding]:
    """The rule's findings; without `prefilter`, the rule runs even where its triggers and
    `could_match` say it need not; `root`: the project the file is in, on disk; without
    `fixes`, the fixes of `ast` rules are offered, not computed (as a scan finds them)."""
    language = language_of(path)
    assert language is not None, f"example path {path!r} has no known language"
    active = ActiveRule(cls, cls.severity, merge_options(cls, options or {}, "example"), False)
    engine = Engine([active], prefilter=prefilter, root=root)
    return engine.scan_text(path, language, code, on_disk=root is not None, fixes=fixes)


def fix_all(
    cls: type[BaseRule],
    code: str,
    path: str,
    options: Mapping[str, OptionValue] | None = None,
    *,
    alternatives: bool = False,
) -> str:
    """The code after every fix of the rule, safe and unsafe, to a fixed point: each
    finding's own fix, or with `alternatives` its most capable one (what `--fix
    --unsafe-fixes` writes)."""
    language = language_of(path)
    assert language is not None
    findings = run_rule(cls, code, path, options)
    outcome = fix_text(
        code,
        findings,
        lambda text: run_rule(cls, text, path, options),
        lambda before, after, edits: backend(language).check_fix(before, after, edits, path),
        unsafe=True,
        alternatives=alternatives,
    )
    errors = [f for f in outcome.findings if not f.is_finding]
    assert not errors, f"fixing produced errors: {[f.message for f in errors]}"
    level = Level(True, alternatives)
    spanning = [
        f for f in outcome.findings if f.fix and level.pick(f) and not level.pick_in_file(f)
    ]
    assert not spanning, (
        "a fix changes other files than the example's: give them (files=, fixed_files=)"
    )
    return outcome.text


def check_example(cls: type[BaseRule], example: Valid | Invalid) -> None:
    """The rule itself, run without its prefilters, must be right on the example; and the
    prefilters (triggers, `could_match`) must not hide a finding the rule makes. A
    multi-file example is checked in a temporary project holding its files."""
    if example.files or (isinstance(example, Invalid) and _multi_file(cls, example)):
        with example_project(example) as root:
            _check_example(cls, example, root)
    else:
        _check_example(cls, example, None)


def _multi_file(cls: type[BaseRule], example: Invalid) -> bool:
    """Files given, or a rule with a project fix: checked in a project on disk."""
    files = example.files or example.fixed_files or example.unsafe_fixed_files
    return bool(files) or fixes_project(cls)


def _check_example(cls: type[BaseRule], example: Valid | Invalid, root: Path | None) -> None:
    options = dict(example.options)
    findings = run_rule(cls, example.source, example.path, options, prefilter=False, root=root)
    errors = [f"{f.rule_id}: {f.message}" for f in findings if not f.is_finding]
    assert not errors, f"the example did not scan cleanly: {errors}"
    filtered = run_rule(cls, example.source, example.path, options, root=root)
    assert filtered == findings, (
        f"the prefilters hide findings: {_describe(findings)} without them, "
        f"{_describe(filtered)} with them"
    )
    detected = run_rule(cls, example.source, example.path, options, root=root, fixes=False)
    assert [_offered(f) for f in detected] == [_offered(f) for f in findings], (
        "the fixes offered at detection are not those computed when fixing: "
        f"{_describe(detected)} offered, {_describe(findings)} computed"
    )
    if isinstance(example, Valid):
        assert not findings, f"expected no finding, got {_describe(findings)}"
        return
    assert len(findings) == example.count, (
        f"expected {example.count} finding(s), got {_describe(findings)}"
    )
    assert all(f.rule_id == cls.id for f in findings)
    first = findings[0]
    if example.line is not None:
        assert first.start.line == example.line, (
            f"expected line {example.line}, got {_describe(findings)}"
        )
    if example.column is not None:
        assert first.start.column == example.column, (
            f"expected column {example.column}, got {_describe(findings)}"
        )
    if root is not None:
        check_project_fixes(cls, example, root)
        return
    expected = example.expected
    if expected is None:
        assert all(f.fix is None for f in findings), "the example says no fix, but a fix is offered"
        assert example.unsafe_fixed is None, "the example gives unsafe_fixed= but no fixed="
        return
    assert any(f.fix is not None for f in findings), "the example expects a fix; none is offered"
    fixed = fix_all(cls, example.source, example.path, options)
    assert fixed == expected, f"fixed code differs:\n--- got\n{fixed}\n--- expected\n{expected}"
    assert fix_all(cls, fixed, example.path, options) == fixed, "a second fix pass changed the code"
    check_alternatives(cls, example, findings)


def _offered(finding: Finding) -> tuple[object, ...]:
    """A finding and what it offers to fix, not how: a scan offers the fixes of an `ast`
    rule, and `--fix` computes them; the two must agree."""
    kinds = tuple((fix.description, fix.applicability) for fix in finding.fixes)
    return (finding.rule_id, finding.start, finding.end, finding.message, finding.scope, kinds)


def check_alternatives(cls: type[BaseRule], example: Invalid, findings: list[Finding]) -> None:
    """`unsafe_fixed` states what each finding's most capable fix writes, when some
    finding offers an alternative fix; the example must say so when one does."""
    expected = example.expected_unsafe
    offered = any(f.alternatives for f in findings)
    if expected is None:
        assert not offered, "an alternative fix is offered: give the code it writes (unsafe_fixed=)"
        return
    assert offered, "the example expects an alternative fix (unsafe_fixed=); none is offered"
    options = dict(example.options)
    fixed = fix_all(cls, example.source, example.path, options, alternatives=True)
    assert fixed == expected, (
        f"code fixed with the alternatives differs:\n--- got\n{fixed}\n--- expected\n{expected}"
    )
    again = fix_all(cls, fixed, example.path, options, alternatives=True)
    assert again == fixed, "a second fix pass changed the code fixed with the alternatives"


def _describe(findings: list[Finding]) -> str:
    return ", ".join(f"{f.rule_id}@{f.start.line}:{f.start.column}" for f in findings) or "none"


# --- multi-file examples -------------------------------------------------------------


def example_files(example: Valid | Invalid) -> dict[str, str]:
    """The example's project: its own file and the others, as they are before."""
    files = {path: example_source(text) for path, text in example.files.items()}
    return {**files, example.path: example.source}


@contextmanager
def example_project(example: Valid | Invalid) -> Iterator[Path]:
    """A temporary project holding the example's files."""
    with tempfile.TemporaryDirectory(prefix="audit-example-") as folder:
        root = Path(os.path.realpath(folder))
        _write(root, example_files(example))
        yield root


def _write(root: Path, files: Mapping[str, str]) -> None:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))


def check_project_fixes(cls: type[BaseRule], example: Invalid, root: Path) -> None:
    """The files the fixes change, own fixes (`fixed`, `fixed_files`) and the most capable
    ones (`unsafe_fixed`, `unsafe_fixed_files`), must be those the example states; a
    second pass must change nothing."""
    before = example_files(example)
    own = {example.path: example.expected} if example.expected is not None else {}
    wanted = {**own, **{p: example_source(t) for p, t in example.fixed_files.items()}}
    _check_fixed(cls, example, root, before, wanted, alternatives=False)
    if example.unsafe_fixed is None and not example.unsafe_fixed_files:
        offered = any(
            f.alternatives
            for f in run_rule(cls, example.source, example.path, dict(example.options), root=root)
        )
        assert not offered, "an alternative fix is offered: give what it writes (unsafe_fixed=)"
        return
    unsafe = example.expected_unsafe
    own = {example.path: unsafe} if unsafe is not None else {}
    wanted = {**own, **{p: example_source(t) for p, t in example.unsafe_fixed_files.items()}}
    _write(root, before)
    _check_fixed(cls, example, root, before, wanted, alternatives=True)


def _check_fixed(
    cls: type[BaseRule],
    example: Invalid,
    root: Path,
    before: Mapping[str, str],
    wanted: Mapping[str, str],
    *,
    alternatives: bool,
) -> None:
    changes = project_fix_changes(cls, root, before, example.options, alternatives=alternatives)
    got = {c.path: c.after for c in changes}
    kind = "the alternatives' fixes" if alternatives else "the fixes"
    assert got.keys() == wanted.keys(), (
        f"{kind} change {sorted(got)}, the example expects {sorted(wanted)} changed"
    )
    for path, text in wanted.items():
        assert got[path] == text, (
            f"{path} after {kind} differs:\n--- got\n{got[path]}\n--- expected\n{text}"
        )
    after = {**before, **got}
    _write(root, after)
    again = project_fix_changes(cls, root, after, example.options, alternatives=alternatives)
    assert not again, f"a second pass of {kind} changed {sorted(c.path for c in again)}"


def _scan_and_check(engine: Engine, rel: str, language: str) -> tuple[Scan, Check]:
    def scan(text: str) -> list[Finding]:
        return engine.scan_text(rel, language, text, on_disk=True, fixes=True)

    def check(before: str, after: str, edits: Sequence[Edit]) -> str | None:
        return backend(language).check_fix(before, after, edits, rel)

    return scan, check


@dataclass(frozen=True, slots=True)
class _Scanned:
    rel: str
    findings: tuple[Finding, ...]
    change: FileChange | None = None
    text: str | None = None


def project_fix_changes(
    cls: type[BaseRule],
    root: Path,
    files: Mapping[str, str],
    options: Mapping[str, OptionValue],
    *,
    alternatives: bool,
) -> list[FileChange]:
    """What `audit scan --diff --unsafe-fixes` would change in the project at `root`
    holding `files` with only this rule: every file of its languages fixed, then the
    fixes that span files and the rule's project fix; nothing is written."""
    active = ActiveRule(cls, cls.severity, merge_options(cls, options, "example"), False)
    engine = Engine([active], root=root)
    done = []
    errors: list[str] = []
    for rel, text in sorted(files.items()):
        language = language_of(rel)
        if language is None or language not in cls.languages:
            continue
        scan, check = _scan_and_check(engine, rel, language)
        findings = scan(text)
        outcome = fix_text(text, findings, scan, check, unsafe=True, alternatives=alternatives)
        errors += [f.message for f in outcome.findings if not f.is_finding]
        change = FileChange(rel, text, outcome.text) if outcome.text != text else None
        done.append(_Scanned(rel, tuple(findings), change))
    merged, phase = fix_project(
        engine, lambda: engine, root, done, True, False, alternatives=alternatives
    )
    errors += [f.message for f in phase.errors]
    errors += [skipped.line() for skipped in phase.not_applied]
    assert not errors, f"fixing produced errors: {errors}"
    return [*(d.change for d in merged if d.change is not None), *phase.others]
