"""The rule API's bases: examples (`Valid`, `Invalid`), the context a rule runs in, the base
every rule shares, and the tree-sitter rule for JavaScript and TypeScript. The LibCST rule
is in `auditor.scan.cst_rule`; rule authors import all of them from `auditor.plugins`."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar, Protocol, TypeVar

from auditor.config import OptionValue
from auditor.model import Applicability, Edit, EnvRead, Finding, Fix, Severity

if TYPE_CHECKING:  # a Python-only scan never imports tree-sitter
    from tree_sitter import Node


ENTRY_POINT_GROUP = "auditor.rules"
KNOWN_LANGUAGES = frozenset({"python", "javascript", "typescript"})
TREE_SITTER_LANGUAGES = frozenset({"javascript", "typescript"})
# The rule API's own classes: their defaults declare nothing about a rule's fixes.
_BASE_MODULES = frozenset({__name__, "auditor.scan.cst_rule", "auditor.scan.manifest", "builtins"})
# A pattern, compiled by `re` when a rule is first checked: a warm scan checks none.
RULE_ID = r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$"

# --- examples --------------------------------------------------------------------------


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


# --- rule bases ------------------------------------------------------------------------


# eq=False where nothing compares or hashes the values: each generated method is code
# compiled at import, and a warm `audit scan` is mostly its imports.
@dataclass(frozen=True, slots=True, eq=False)
class RuleContext:
    path: str  # posix, relative to the project root
    options: Mapping[str, OptionValue]
    # The project root when the text is the file `root / path` (or what a fix is about to
    # write there); None for text that is not on disk: a commit's version, an example.
    root: Path | None = None


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


def fixes_project(cls: type[BaseRule]) -> bool:
    """Whether the rule class defines `project_fix`."""
    return cls.project_fix.__func__ is not BaseRule.project_fix.__func__  # type: ignore[attr-defined]


_T = TypeVar("_T")


class Visits:
    """What a rule that visits a tree node by node shares (the `ast` rule and the LibCST
    rule): the first exception of its visitor methods disables it for the rest of the
    file, and the engine reports it (`failure`), while the other rules go on."""

    failure: Exception | None = None

    def _guarded(self, method: Callable[[_N], None]) -> Callable[[_N], None]:
        def guarded(node: _N) -> None:
            if self.failure is None:
                try:
                    method(node)
                except Exception as exc:
                    self.failure = exc

        return guarded


_N = TypeVar("_N")


def _typed(options: Mapping[str, OptionValue], name: str, kind: type[_T]) -> _T:
    value = options[name]
    if not isinstance(value, kind):
        raise TypeError(f"option {name!r} is not a {kind.__name__}: {value!r}")
    return value


def reads_env(cls: type[BaseRule]) -> bool:
    """Whether the rule class answers `env_reads`."""
    return cls.env_reads.__func__ is not BaseRule.env_reads.__func__  # type: ignore[attr-defined]


# --- JavaScript and TypeScript -----------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class ParsedFile:
    """One JS/TS file as its rules see it: the text, its UTF-8 bytes and the tree-sitter
    tree. Tree-sitter counts UTF-8 bytes; findings and edits count characters, so every
    position a rule hands back goes through `offset`."""

    path: str
    text: str
    data: bytes
    grammar: str  # "javascript", "typescript" or "tsx"
    root: Node
    # For each non-ASCII character: the byte offset just after it and how many bytes more
    # than characters the text has up to there. Empty for ASCII text: bytes are characters.
    byte_ends: tuple[int, ...] = ()
    surplus: tuple[int, ...] = ()

    def offset(self, byte: int) -> int:
        """The character offset of a byte offset."""
        i = bisect.bisect_right(self.byte_ends, byte) - 1
        return byte if i < 0 else byte - self.surplus[i]

    def span(self, node: Node) -> tuple[int, int]:
        return self.offset(node.start_byte), self.offset(node.end_byte)

    def code(self, node: Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8")


@dataclass(frozen=True, slots=True)
class TreeSitterReport:
    """What a JS/TS rule reported, in character offsets."""

    start: int
    end: int
    message: str
    edits: tuple[Edit, ...]
    fix_description: str | None
    applicability: Applicability
    scope: str = ""  # enclosing function and class names, outermost first: "Cart.total"
    alternatives: tuple[Fix, ...] = ()  # other fixes offered beside `edits`


_SCOPE_NODES = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "function_expression",
        "generator_function",
        "class_declaration",
        "abstract_class_declaration",
        "class",
        "method_definition",
    }
)
_ANONYMOUS_SCOPES = frozenset({"arrow_function", "function_expression", "function", "class"})


class TreeSitterRule(BaseRule):
    """A JavaScript/TypeScript rule over the tree-sitter tree. Define `visit_<node type>`
    methods (`visit_call_expression`, `visit_catch_clause`, ...): the backend finds the
    nodes of those types with one query per file and calls the methods in document order,
    after `self.file` is set. Fixes are `Edit`s; `replace`, `insert_before` and
    `insert_after` build them from nodes."""

    languages: ClassVar[frozenset[str]] = TREE_SITTER_LANGUAGES

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.reports: list[TreeSitterReport] = []
        self._file: ParsedFile | None = None

    @property
    def file(self) -> ParsedFile:
        assert self._file is not None, "the backend sets the file before visiting"
        return self._file

    def begin(self, file: ParsedFile) -> None:
        """Called once before the visit; override to prepare per-file state."""
        self._file = file

    @classmethod
    def visited_types(cls) -> frozenset[str]:
        return frozenset(
            name.removeprefix("visit_")
            for name in dir(cls)
            if name.startswith("visit_") and callable(getattr(cls, name))
        )

    def visitor(self, node_type: str) -> Callable[[Node], None]:
        method: Callable[[Node], None] = getattr(self, f"visit_{node_type}")
        return method

    def code(self, node: Node) -> str:
        return self.file.code(node)

    def replace(self, node: Node, text: str) -> Edit:
        start, end = self.file.span(node)
        return Edit(start, end, text)

    def insert_before(self, node: Node, text: str) -> Edit:
        start = self.file.offset(node.start_byte)
        return Edit(start, start, text)

    def insert_after(self, node: Node, text: str) -> Edit:
        end = self.file.offset(node.end_byte)
        return Edit(end, end, text)

    def report(
        self,
        node: Node,
        message: str | None = None,
        *,
        end: Node | None = None,
        edits: Sequence[Edit] = (),
        fix_description: str | None = None,
        applicability: Applicability | None = None,
        alternatives: Sequence[Fix] = (),
    ) -> None:
        """Report `node` (its range ends with `end`, when given); `edits` fix it, and
        `alternatives` are other fixes offered beside them, from the most conservative
        to the most capable (`--fix` applies the last one its level allows)."""
        if alternatives and not edits:
            raise ValueError("alternatives are offered beside a fix: report edits too")
        self.reports.append(
            TreeSitterReport(
                start=self.file.offset(node.start_byte),
                end=self.file.offset((end or node).end_byte),
                message=message or self.message,
                edits=tuple(sorted(edits)),
                fix_description=fix_description or self.fix_description,
                applicability=applicability or self.fix_applicability,
                scope=self.scope_of(node),
                alternatives=tuple(alternatives),
            )
        )

    def scope_of(self, node: Node) -> str:
        """The names of the functions, methods and classes around `node`, as Python's
        fingerprints use them; a function or class bound by `const f = () => ...` is
        named by its variable."""
        names = []
        child, parent = node, node.parent
        while parent is not None:
            if parent.type in _SCOPE_NODES:
                name = parent.child_by_field_name("name")
                if name is not None:
                    names.append(self.code(name))
            elif parent.type == "variable_declarator" and child.type in _ANONYMOUS_SCOPES:
                name = parent.child_by_field_name("name")
                if name is not None and name.type == "identifier":
                    names.append(self.code(name))
            child, parent = parent, parent.parent
        return ".".join(reversed(names))


# --- line rules ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LineReport:
    line: int  # 1-based
    column: int  # 1-based, in characters
    end_column: int  # exclusive: the flagged text is line[column - 1 : end_column - 1]
    message: str
    replacement: str | None  # the flagged text's fix; None: no fix
    fix_description: str | None
    applicability: Applicability


class LineRule(BaseRule):
    """A rule that reads a file's lines, not a syntax tree, in any language (a `# TODO`
    check, a line length): a file none of whose rules needs a tree is never parsed.
    `check_line(number, line)` is called for each line, without its line break."""

    languages: ClassVar[frozenset[str]] = KNOWN_LANGUAGES

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.reports: list[LineReport] = []

    def check_line(self, number: int, line: str) -> None:
        raise NotImplementedError

    def report(
        self,
        line: int,
        column: int,
        end_column: int,
        message: str | None = None,
        *,
        replacement: str | None = None,
        fix_description: str | None = None,
        applicability: Applicability | None = None,
    ) -> None:
        """Report `line`'s characters [column, end_column) (1-based); a fix replaces them
        with `replacement`."""
        self.reports.append(
            LineReport(
                line,
                column,
                end_column,
                message or self.message,
                replacement,
                fix_description or self.fix_description,
                applicability or self.fix_applicability,
            )
        )
