"""The rule API's rule kinds: the tree-sitter rule for JavaScript and TypeScript and the
line rule, and what the visiting rules share. The base every rule shares is in
`auditor.scan.rule_core`, its context in `rule_context`, the examples in `rule_examples`,
the LibCST rule in `auditor.scan.cst_rule`; rule authors import all of them from
`auditor.plugins`."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, TypeVar

from auditor.model import Applicability, Edit, Fix
from auditor.scan.rule_context import RuleContext
from auditor.scan.rule_core import KNOWN_LANGUAGES, TREE_SITTER_LANGUAGES, BaseRule

if TYPE_CHECKING:  # a Python-only scan never imports tree-sitter
    from tree_sitter import Node


# --- what rules share ---------------------------------------------------------------------


def fixes_project(cls: type[BaseRule]) -> bool:
    """Whether the rule class defines `project_fix`."""
    return cls.project_fix.__func__ is not BaseRule.project_fix.__func__  # type: ignore[attr-defined]


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
