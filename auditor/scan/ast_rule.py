"""The Python rule on CPython's parser: it detects with `visit_*` methods on `ast` nodes,
and its fix, computed only when it is going to be written (`--fix`, `--diff`, an editor's
code action, an output format that carries edits), receives the LibCST node at the
finding's range. Detection never imports LibCST: most files never need it.

    class NoAssert(AstRule):
        id = "no-assert"
        severity = Severity.LOW
        message = "`assert` is stripped by `python -O`; raise instead"
        fix_description = "raise AssertionError"
        fix_applicability = "unsafe"

        def visit_Assert(self, node: ast.Assert) -> None:
            self.report(node, fix=node.msg is None)

        def fix(self, target: FixTarget) -> Fixed | None:
            ...  # target.node is the LibCST `Assert` whose code is the finding's range

The engine turns each report into a Finding at once (positions from the `ast` node, in
characters); the Finding says which fixes are offered (`Offer`), and their edits follow
when asked for (auditor.scan.ast_fix). A report's `data` is handed to `fix` as it was
given: what detection learnt that the fix needs (no LibCST node can be kept, there is
none yet)."""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from auditor.model import Applicability, Edit
from auditor.scan.rule_base import Visits
from auditor.scan.rule_context import RuleContext
from auditor.scan.rule_core import BaseRule

N = TypeVar("N", bound=ast.AST)

if TYPE_CHECKING:
    import libcst as cst

    from auditor.scan.ast_index import AstIndex
    from auditor.scan.ast_scope import Scopes
    from auditor.scan.cst_rule import Alternative, Replacement


@dataclass(frozen=True, slots=True)
class Offer:
    """A fix a report offers, before it is computed: what `audit scan` counts, lists and
    gates on. Its edits come from the rule's `fix` when they are needed."""

    description: str
    applicability: Applicability = "safe"


@dataclass(frozen=True, slots=True)
class Span:
    """A range of the file in characters, 0-based offsets, and the class of the `ast` node
    there: where a report is, and where a fix finds its LibCST node (`FixTarget.node_at`:
    several LibCST nodes often have one range, a statement line and its call, and the
    kind tells them apart)."""

    start: int
    end: int
    kind: str = ""  # the `ast` node's class name


@dataclass(frozen=True, slots=True)
class AstReport:
    node: ast.AST
    end: ast.AST
    message: str
    fix: Offer | None
    alternatives: tuple[Offer, ...]
    data: object


@dataclass(frozen=True, slots=True)
class Fixed:
    """A report's fix as LibCST replacements of the module's nodes (as `Rule.report`'s),
    edits in other files, and the alternatives in the order the report offered them (None
    for one that turned out not to apply)."""

    replacements: tuple[tuple[cst.CSTNode, Replacement], ...] = ()
    edits: tuple[Edit, ...] = ()
    alternatives: tuple[Alternative | None, ...] = ()


class FixTarget:
    """What a fix works on: the LibCST module, the node at the finding's range (the
    outermost node whose code is exactly that range; the module when none is), the
    report's `data`, and LibCST metadata on request."""

    def __init__(
        self,
        module: cst.Module,
        node: cst.CSTNode,
        data: object,
        locate: Callable[[Span], cst.CSTNode | None],
        metadata: Callable[[type[object], cst.CSTNode], object],
    ) -> None:
        self.module = module
        self.node = node
        self.data = data
        self._locate = locate
        self._metadata = metadata

    def node_at(self, span: Span) -> cst.CSTNode | None:
        """The LibCST node whose code is `span` (from `AstRule.span`) and whose kind is its
        `ast` node's (`ast.Call` -> `cst.Call`); without a kind, the innermost one."""
        return self._locate(span)

    def metadata(self, provider: type[object], node: cst.CSTNode) -> object:
        """LibCST metadata of `node` (ScopeProvider, ParentNodeProvider, ...), computed for
        the module on first use."""
        return self._metadata(provider, node)


class AstRule(BaseRule, Visits):
    """A Python rule on `ast`. Visitor methods are `visit_<node class>` (called before the
    node's children) and `leave_<node class>` (after); `visit_Module` comes first."""

    def __init__(self, context: RuleContext) -> None:
        BaseRule.__init__(self, context)
        self.reports: list[AstReport] = []
        self.failure: Exception | None = None
        self.text = ""  # the file's, set by the engine before the walk
        self.lines: Sequence[str] = ()  # its lines, without their ends
        self._scopes: Callable[[], Scopes] | None = None
        self._spans: Callable[[ast.AST, ast.AST | None], Span] | None = None
        self._names: Callable[[], frozenset[str]] | None = None
        self._index: AstIndex | None = None

    @classmethod
    def could_match(cls, tree: AstIndex, context: RuleContext) -> bool:
        """As `Rule.could_match`: False only when the rule certainly reports nothing."""
        return True

    @property
    def scopes(self) -> Scopes:
        """The module's scopes, names and parents, built on first use (shared by the
        rules of the walk)."""
        if self._scopes is None:
            raise RuntimeError("scopes are answered while the rule visits a module")
        return self._scopes()

    @property
    def index(self) -> AstIndex:
        """The module's nodes by type (`index.nodes(ast.Try)`, in `ast.walk`'s order):
        found once a file for all its rules, rather than by a walk of the tree each."""
        if self._index is None:
            raise RuntimeError("the index is answered while the rule visits a module")
        return self._index

    def nodes(self, kind: type[N]) -> list[N]:
        """`self.index.nodes(kind)`."""
        return self.index.nodes(kind)

    def module_uses(self, name: str) -> bool:
        """Whether some scope of the module uses `name` as a variable: a name the rule's
        fix adds at module level must not be one (answered once a file for its rules)."""
        if self._names is None:
            raise RuntimeError("module_uses is answered while the rule visits a module")
        return name in self._names()

    def span(self, node: ast.AST, end: ast.AST | None = None) -> Span:
        """Where `node` (to the end of `end`) is in the file, for `FixTarget.node_at`."""
        if self._spans is None:
            raise RuntimeError("spans are answered while the rule visits a module")
        return self._spans(node, end)

    def code(self, node: ast.AST) -> str:
        """The source of `node`, as written."""
        span = self.span(node)
        return self.text[span.start : span.end]

    def report(
        self,
        node: ast.AST,
        message: str | None = None,
        *,
        end: ast.AST | None = None,
        fix: Offer | bool = False,
        alternatives: Sequence[Offer] = (),
        data: object = None,
    ) -> None:
        """Report `node` (its range ends with `end`, when given). `fix`: the fix offered,
        True for the rule's own (`fix_description`, `fix_applicability`); `alternatives`:
        other fixes offered beside it, from the most conservative to the most capable.
        `data` goes to `fix` when the fix is computed."""
        offer = fix if isinstance(fix, Offer) else self._own_offer() if fix else None
        if alternatives and offer is None:
            raise ValueError("alternatives are offered beside a fix: offer a fix too")
        self.reports.append(
            AstReport(node, end or node, message or self.message, offer, tuple(alternatives), data)
        )

    def fix(self, target: FixTarget) -> Fixed | None:
        """The fix of the report `target` is for (`target.data` is its data); None: after
        all, nothing to fix here. Called only for reports that offered one."""
        return None

    def _own_offer(self) -> Offer:
        return Offer(self.fix_description or f"fix {self.id}", self.fix_applicability)

    # The engine's hooks -----------------------------------------------------------------

    def visitors(self) -> tuple[Mapping[str, Callable[[ast.AST], None]], ...]:
        """(visit_ methods, leave_ methods) by node class name, each guarded: an exception
        disables the rule for the rest of the file, and the engine reports it."""
        visits, leaves = _visitor_names(type(self))
        return (
            {name: self._guarded(getattr(self, f"visit_{name}")) for name in visits},
            {name: self._guarded(getattr(self, f"leave_{name}")) for name in leaves},
        )


_VISITOR_NAMES: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _visitor_names(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Worked out once per class, not once per file."""
    known = _VISITOR_NAMES.get(cls)
    if known is not None:
        return known
    visits, leaves = [], []
    for name in dir(cls):
        if name.startswith("visit_") and callable(getattr(cls, name)):
            visits.append(name.removeprefix("visit_"))
        elif name.startswith("leave_") and callable(getattr(cls, name)):
            leaves.append(name.removeprefix("leave_"))
    known = _VISITOR_NAMES[cls] = (tuple(visits), tuple(leaves))
    return known
