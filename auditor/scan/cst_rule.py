"""The Python rule base: a LibCST visitor. Kept apart from `auditor.plugins` (which
re-exports it) so that loading the rule metadata, the CLI and a warm scan do not import
LibCST."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, TypeAlias

import libcst as cst

from auditor.model import Applicability, Edit
from auditor.scan.module_names import ModuleNames
from auditor.scan.rule_base import Visits
from auditor.scan.rule_context import RuleContext
from auditor.scan.rule_core import BaseRule

if TYPE_CHECKING:
    from auditor.scan.ast_index import AstIndex

Replacement: TypeAlias = cst.CSTNode | cst.FlattenSentinel[cst.CSTNode] | cst.RemovalSentinel


@dataclass(frozen=True, slots=True)
class Alternative:
    """Another fix of a report than its own, offered beside it: each node replaced by its
    pair in `replacements`, as `Rule.report`'s. Unsafe by default: an alternative is
    usually the more capable fix that needs `--unsafe-fixes`, which then applies it
    instead of the report's own."""

    replacements: tuple[tuple[cst.CSTNode, Replacement], ...]
    description: str
    applicability: Applicability = "unsafe"
    edits: tuple[Edit, ...] = ()  # in other files (each names its path), as Rule.report's


@dataclass(frozen=True, slots=True)
class Report:
    """What a LibCST rule reported; the engine turns it into a Finding once positions
    are known (they are computed only for files that have reports)."""

    node: cst.CSTNode
    end: cst.CSTNode
    message: str
    replacements: tuple[tuple[cst.CSTNode, Replacement], ...]
    fix_description: str | None
    applicability: Applicability
    alternatives: tuple[Alternative, ...] = ()
    edits: tuple[Edit, ...] = ()  # the fix's edits in other files

    def targets(self) -> Iterator[cst.CSTNode]:
        """The nodes some fix of the report replaces."""
        for node, _new in self.replacements:
            yield node
        for alternative in self.alternatives:
            for node, _new in alternative.replacements:
                yield node


class Rule(BaseRule, Visits, cst.BatchableCSTVisitor):
    """A Python rule: a LibCST visitor. Declare METADATA_DEPENDENCIES for scope, parent or
    qualified-name metadata; positions are computed by the engine, not by the rule."""

    # Deprecated, and read by nothing: the language server re-analysed only the changed
    # statements for rules that set it; it now analyses the whole text (the built-in
    # rules detect on `ast`, cheap enough for every keystroke). Kept so that rules that
    # set it still load.
    statement_local: ClassVar[bool] = False

    def __init__(self, context: RuleContext) -> None:
        BaseRule.__init__(self, context)
        cst.BatchableCSTVisitor.__init__(self)
        self.reports: list[Report] = []
        self.failure: Exception | None = None
        self.module_variables: ModuleNames | None = None  # the engine's, for the file it scans

    def module_uses(self, name: str) -> bool:
        """Whether some scope of the module uses `name` as a variable: a name the rule's
        fix adds at module level must not be one, or a function would see its own
        variable instead. (Kept for the rules that ask it; walking the module, or scope
        metadata, answers the same.)"""
        if self.module_variables is None:
            raise RuntimeError("module_uses is answered while the rule visits a module")
        return self.module_variables.uses(name)

    @classmethod
    def could_match(cls, tree: AstIndex, context: RuleContext) -> bool:
        """Whether the rule may report anything in this file, judged from its `ast` tree
        before LibCST parses it: a cheap, conservative check that says False only when
        the rule certainly reports nothing. The shared harness checks that every INVALID
        example passes it and that the rule itself, run without it, finds no VALID one."""
        return True

    def get_visitors(self) -> Mapping[str, Callable[[cst.CSTNode], None]]:
        """Every visitor method guarded: an exception disables this rule for the rest of
        the file (the engine reports it) and the other rules in the batch go on."""
        return {name: self._guarded(getattr(self, name)) for name in _visitor_names(type(self))}

    def report(
        self,
        node: cst.CSTNode,
        message: str | None = None,
        *,
        end: cst.CSTNode | None = None,
        replacement: Replacement | None = None,
        replacements: Sequence[tuple[cst.CSTNode, Replacement]] = (),
        fix_description: str | None = None,
        applicability: Applicability | None = None,
        alternatives: Sequence[Alternative] = (),
        edits: Sequence[Edit] = (),
    ) -> None:
        """Report `node` (its range ends with `end`, when given). A fix replaces `node`
        with `replacement` and each other node with its pair in `replacements`, and
        makes `edits` in other files (each `Edit` names its `path`, or creates it);
        `alternatives` are other fixes offered beside it, from the most conservative to
        the most capable (`--fix` applies the last one its level allows)."""
        pairs = tuple(replacements)
        if replacement is not None:
            pairs = ((node, replacement), *pairs)
        if edits and not pairs:
            raise ValueError("edits in other files go with a fix of this file: report one")
        if any(edit.path is None for edit in (*edits, *(e for a in alternatives for e in a.edits))):
            raise ValueError("an edit beside the replacements names the file it changes")
        if alternatives and not pairs:
            raise ValueError("alternatives are offered beside a fix: report a fix too")
        self.reports.append(
            Report(
                node=node,
                end=end or node,
                message=message or self.message,
                replacements=pairs,
                fix_description=fix_description or self.fix_description,
                applicability=applicability or self.fix_applicability,
                alternatives=tuple(alternatives),
                edits=tuple(edits),
            )
        )


@functools.cache
def _visitor_names(cls: type) -> tuple[str, ...]:
    """The visit_/leave_ methods a batched visit calls, as LibCST's get_visitors finds
    them (empty stubs left out), worked out once per class rather than once per file:
    `inspect.getmembers` on every rule of every file was a sixth of a history walk."""
    names = []
    for name in dir(cls):
        if name.startswith(("visit_", "leave_")):
            member = getattr(cls, name)
            if inspect.isfunction(member) and not getattr(member, "_is_no_op", False):
                names.append(name)
    return tuple(names)
