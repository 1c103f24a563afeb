"""The shared harness: every registered rule against its own examples."""

from __future__ import annotations

import pytest
from multi_file_rules import TodoRegistry, ToyLogModule, ToyOtherLog

from auditor.plugins import BaseRule, Invalid, Valid
from auditor.scan.loading import load_rules
from auditor.testing import check_example

# Every implementation of every id: an id may have one per language family.
RULES = sorted(
    (cls for loaded in load_rules().values() for cls in loaded.classes),
    key=lambda cls: (cls.id, sorted(cls.languages)),
)


def _name(cls: type[BaseRule]) -> str:
    return f"{cls.id}[{'python' if 'python' in cls.languages else 'js'}]"


CASES = [
    pytest.param(cls, example, id=f"{_name(cls)}-{kind}-{i}")
    for cls in RULES
    for kind, examples in (("valid", cls.VALID), ("invalid", cls.INVALID))
    for i, example in enumerate(examples)
]


def test_builtin_rules_are_registered() -> None:
    assert "bare-except" in {cls.id for cls in RULES}


@pytest.mark.parametrize("cls", RULES, ids=_name)
def test_every_rule_documents_itself(cls: type[BaseRule]) -> None:
    assert cls.__doc__ and len(cls.__doc__.strip().splitlines()) > 3, (
        "explain what, why and the fix"
    )
    assert cls.VALID and cls.INVALID, "a rule needs VALID and INVALID examples"


@pytest.mark.parametrize(("cls", "example"), CASES)
def test_rule_example(cls: type[BaseRule], example: Valid | Invalid) -> None:
    check_example(cls, example)


# Multi-file examples (files=, fixed_files=), through the same harness: the toy rules of
# tests/multi_file_rules.py, which test fixes that span files (no built-in rule has one yet).
TOY_CASES = [
    pytest.param(cls, example, id=f"{cls.id}-{i}")
    for cls in (ToyLogModule, ToyOtherLog, TodoRegistry)
    for i, example in enumerate((*cls.VALID, *cls.INVALID))
]


@pytest.mark.parametrize(("cls", "example"), TOY_CASES)
def test_multi_file_example(cls: type[BaseRule], example: Valid | Invalid) -> None:
    check_example(cls, example)


@pytest.mark.parametrize(
    "wrong",
    [
        Valid("try:\n    a()\nexcept:\n    pass\n"),  # it is flagged
        Invalid("x = 1\n"),  # nothing is flagged
        Invalid("try:\n    a()\nexcept:\n    pass\n", line=2),  # wrong line
        Invalid("try:\n    a()\nexcept:\n    pass\n", column=2),  # wrong column
        Invalid("try:\n    a()\nexcept:\n    pass\n", count=2),  # wrong count
        Invalid("try:\n    a()\nexcept:\n    pass\n"),  # a fix is offered but none expected
        Invalid(
            "try:\n    a()\nexcept:\n    pass\n", fixed="try:\n    a()\nexcept OSError:\n    pass\n"
        ),
    ],
)
def test_harness_catches_wrong_examples(wrong: Valid | Invalid) -> None:
    from rules.python.bare_except import BareExcept

    with pytest.raises(AssertionError):
        check_example(BareExcept, wrong)
