"""A rule's examples (`Valid`, `Invalid`): the harness (auditor.testing) runs them, and
`audit rules` shows them. Apart from the rule base: a scan never reads them, and a warm one
does not make their classes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from auditor.config import OptionValue


@dataclass(frozen=True, slots=True)
class Valid:
    """Code on which the rule must report nothing; `files` are other files of the project
    it is in (path -> content), on disk beside it."""

    code: str
    path: str = "example.py"
    options: Mapping[str, OptionValue] = field(default_factory=dict)
    files: Mapping[str, str] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return example_source(self.code)


@dataclass(frozen=True, slots=True)
class Invalid:
    """Code on which the rule reports exactly `count` findings, the first at `line`:`column`
    (1-based, when given). `fixed` is the code after every fix of the rule, safe or unsafe,
    has been applied, each finding's own fix and not its alternatives; None means the
    rule offers no fix here. `unsafe_fixed` is the code `--fix --unsafe-fixes` writes
    where some finding offers an alternative (each finding's most capable fix); None
    means no alternative is offered here.

    A multi-file example: `files` are the other files of the project (path -> content)
    before the fixes, and `fixed_files` (`unsafe_fixed_files`, for the alternatives) the
    files the fixes create or change, as they are after: every file of the rule's
    languages is scanned and fixed, the project-wide fixes included, and any other file
    that changes must be listed. `fixed` None there: the example's own file is left as
    it is."""

    code: str
    fixed: str | None = None
    line: int | None = None
    column: int | None = None
    count: int = 1
    path: str = "example.py"
    options: Mapping[str, OptionValue] = field(default_factory=dict)
    unsafe_fixed: str | None = None
    files: Mapping[str, str] = field(default_factory=dict)
    fixed_files: Mapping[str, str] = field(default_factory=dict)
    unsafe_fixed_files: Mapping[str, str] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return example_source(self.code)

    @property
    def expected(self) -> str | None:
        return None if self.fixed is None else example_source(self.fixed)

    @property
    def expected_unsafe(self) -> str | None:
        return None if self.unsafe_fixed is None else example_source(self.unsafe_fixed)


def example_source(code: str) -> str:
    """Examples may be written as indented triple-quoted strings."""
    import textwrap  # only tests and docs read examples

    code = textwrap.dedent(code)
    return code[1:] if code.startswith("\n") else code
