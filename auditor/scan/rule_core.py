"""What every rule has, whatever it parses with: its metadata (`BaseRule`) and the rule
API's constants. Apart from the rule kinds, the context a rule runs in and the examples
(auditor.scan.rule_base, rule_context, rule_examples): a warm scan makes the manifest's
stand-in rules from `BaseRule` alone, and creates none of their classes."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar, Protocol, TypeVar

from auditor.config import OptionValue
from auditor.model import Applicability, Severity

if TYPE_CHECKING:
    from auditor.env.reads import EnvRead
    from auditor.model import Finding, Fix
    from auditor.scan.rule_context import RuleContext
    from auditor.scan.rule_examples import Invalid, Valid


ENTRY_POINT_GROUP = "auditor.rules"
KNOWN_LANGUAGES = frozenset({"python", "javascript", "typescript"})
TREE_SITTER_LANGUAGES = frozenset({"javascript", "typescript"})
# The rule API's own classes: their defaults declare nothing about a rule's fixes.
_BASE_MODULES = frozenset(
    {
        __name__,
        "auditor.scan.rule_base",
        "auditor.scan.cst_rule",
        "auditor.scan.manifest",
        "builtins",
    }
)
# A pattern, compiled by `re` when a rule is first checked: a warm scan checks none.
RULE_ID = r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$"


class BaseRule:
    """Metadata every rule has, whatever it parses with."""

    id: ClassVar[str]
    severity: ClassVar[Severity]
    message: ClassVar[str]
    languages: ClassVar[frozenset[str]] = frozenset({"python"})
    # A file that contains none of these substrings is never parsed for this rule.
    # Empty means every file of the rule's languages.
    triggers: ClassVar[tuple[str | re.Pattern[str], ...]] = ()
    OPTIONS: ClassVar[Mapping[str, OptionValue]] = MappingProxyType({})
    # Where the rule is documented: SARIF's helpUri, the editor's link on a diagnostic.
    url: ClassVar[str | None] = None
    # Names (fnmatch patterns: "package.json", "tsconfig*.json") of files the rule reads,
    # through `context.root`, in a scanned file's directory and its parents (a pattern
    # with a slash, "models/*.py", names files under them): a change to one of them makes
    # the result cache forget what the rule found.
    PROJECT_FILES: ClassVar[tuple[str, ...]] = ()
    fix_applicability: ClassVar[Applicability] = "safe"
    fix_description: ClassVar[str | None] = None
    VALID: ClassVar[Sequence[Valid]] = ()
    INVALID: ClassVar[Sequence[Invalid]] = ()

    def __init__(self, context: RuleContext) -> None:
        self.context = context
        # The configured options over the class's defaults: a rule made without merged
        # options (an ActiveRule built by hand, as tests and plugins do) still reads them.
        self.options: Mapping[str, OptionValue] = {**type(self).OPTIONS, **context.options}

    # Typed option reads: merge_options checked each value's type against its default, so
    # a rule passes `mypy --strict` without `assert isinstance(...)` of its own.
    def text_option(self, name: str) -> str:
        return _typed(self.options, name, str)

    def strings_option(self, name: str) -> tuple[str, ...]:
        value = self.options[name]
        if not isinstance(value, tuple):
            raise TypeError(f"option {name!r} is not a list of strings: {value!r}")
        return value

    def bool_option(self, name: str) -> bool:
        return _typed(self.options, name, bool)

    def int_option(self, name: str) -> int:
        value = self.options[name]
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"option {name!r} is not an integer: {value!r}")
        return value

    def number_option(self, name: str) -> float:
        value = self.options[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"option {name!r} is not a number: {value!r}")
        return float(value)

    @classmethod
    def explanation(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or cls.message)

    @classmethod
    def fixable(cls) -> bool:
        """Whether the rule offers fixes: it shows one in an example, or it declares its
        fixes (`fix_applicability` or `fix_description` set in the rule's own classes).
        `audit rules` says what `audit scan` does: a rule with a fix and no `fixed=`
        example is fixable too."""
        if any(example.fixed is not None or example.fixed_files for example in cls.INVALID):
            return True
        own = [k for k in cls.__mro__ if k.__module__ not in _BASE_MODULES]
        declared = ("fix_applicability", "fix_description", "project_fix")
        return any(name in vars(k) for k in own for name in declared)

    @classmethod
    def env_reads(
        cls, path: str, text: str, options: Mapping[str, OptionValue]
    ) -> Sequence[EnvRead] | None:
        """The environment-variable reads in one file's decoded text, for `audit env`:
        override it in a rule that finds reads (raise SourceError when the text does not
        parse). `options` are the rule's, as configured. None: this rule finds none."""
        return None

    @classmethod
    def project_fix(
        cls,
        findings: Sequence[Finding],
        files: ProjectFiles,
        options: Mapping[str, OptionValue],
    ) -> Fix | None:
        """One fix for findings in many files, when the fix must gather them in one place
        (a settings module holding every variable the project reads, a registry): called
        by `audit scan --fix`/`--diff` once a run, after the per-file fixes, with all of
        this rule's findings of the run (sorted, as the per-file phase left their files)
        when it has any. `files.read(path)` gives a file of the project as it is now
        (None: no such file); `options` are the rule's, as configured. Every edit of the
        fix names its `path`; an `Edit(0, 0, text, path=..., create=True)` creates a
        file. The fix is applied whole or not at all, if its applicability is allowed.
        None: nothing to do (as on a second run, when the work is done)."""
        return None


class ProjectFiles(Protocol):
    """The project's files as a fix sees them: read-only."""

    def read(self, path: str) -> str | None:
        """The text of the file at `path` (posix, relative to the project root), as the
        fixes so far left it; None when there is no such file, or it cannot be read."""
        ...

    def paths(self) -> Sequence[str]:
        """The files the run scans (posix, relative to the project root, sorted): where
        a fix looks for what the project already has (a settings class, a logger)."""
        ...


_T = TypeVar("_T")


def _typed(options: Mapping[str, OptionValue], name: str, kind: type[_T]) -> _T:
    value = options[name]
    if not isinstance(value, kind):
        raise TypeError(f"option {name!r} is not a {kind.__name__}: {value!r}")
    return value
