"""The shared rule harness: checks a rule against its own VALID and INVALID examples.
auditor's tests run it over every registered rule; a plugin's tests can do the same:

    @pytest.mark.parametrize("example", MyRule.VALID + MyRule.INVALID)
    def test_examples(example): check_example(MyRule, example)
"""

from __future__ import annotations

from collections.abc import Mapping

from auditor.config import OptionValue
from auditor.model import Finding
from auditor.scan.discovery import language_of
from auditor.scan.engine import Engine, backend
from auditor.scan.fixer import fix_text
from auditor.scan.loading import ActiveRule, merge_options
from auditor.scan.rule_base import BaseRule, Invalid, Valid


def run_rule(
    cls: type[BaseRule],
    code: str,
    path: str,
    options: Mapping[str, OptionValue] | None = None,
    *,
    prefilter: bool = True,
) -> list[Finding]:
    """The rule's findings; without `prefilter`, the rule runs even where its triggers and
    `could_match` say it need not."""
    language = language_of(path)
    assert language is not None, f"example path {path!r} has no known language"
    active = ActiveRule(cls, cls.severity, merge_options(cls, options or {}, "example"), False)
    return Engine([active], prefilter=prefilter).scan_text(path, language, code)


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
    return outcome.text


def check_example(cls: type[BaseRule], example: Valid | Invalid) -> None:
    """The rule itself, run without its prefilters, must be right on the example; and the
    prefilters (triggers, `could_match`) must not hide a finding the rule makes."""
    options = dict(example.options)
    findings = run_rule(cls, example.source, example.path, options, prefilter=False)
    errors = [f"{f.rule_id}: {f.message}" for f in findings if not f.is_finding]
    assert not errors, f"the example did not scan cleanly: {errors}"
    filtered = run_rule(cls, example.source, example.path, options)
    assert filtered == findings, (
        f"the prefilters hide findings: {_describe(findings)} without them, "
        f"{_describe(filtered)} with them"
    )
    if getattr(cls, "statement_local", False):
        check_statement_local(cls, example)
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


def check_statement_local(cls: type[BaseRule], example: Valid | Invalid) -> None:
    """A rule that declares `statement_local` must find in each top-level statement, on
    the outline of the module with that statement in full, what it finds there in the
    whole module, fixes included: the language server keeps those findings."""
    from auditor.scan.python import run
    from auditor.scan.python_document import statement_findings
    from auditor.scan.source import LineIndex

    source, path = example.source, example.path
    active = ActiveRule(cls, cls.severity, merge_options(cls, example.options, "example"), False)
    whole = run(path, source, [active], prefilter=False)
    module_starts = _statement_offsets(source)
    index = LineIndex(source)
    for statement in range(len(module_starts) - 1):
        found = statement_findings(path, source, [active], statement)
        if found is None:
            continue
        low, high = module_starts[statement], module_starts[statement + 1]
        expected = [f for f in whole if low <= index.offset(f.start) < high]
        key = Finding.sort_key
        assert sorted(found, key=key) == sorted(expected, key=key), (
            f"statement {statement + 1} alone, on the outline: {_describe(found)}; "
            f"in the module: {_describe(expected)}"
        )


def _statement_offsets(source: str) -> tuple[int, ...]:
    import libcst as cst

    from auditor.scan.python_splice import statement_starts

    return statement_starts(cst.parse_module(source), source) or ()


def _describe(findings: list[Finding]) -> str:
    return ", ".join(f"{f.rule_id}@{f.start.line}:{f.start.column}" for f in findings) or "none"
