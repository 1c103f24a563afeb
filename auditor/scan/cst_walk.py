"""Reading a LibCST tree through LibCST's public API: the nodes of a kind in a subtree
(`find_all`, what the fixes use), a node's children without the trivia, and the batched
visit of the LibCST rules. Detection runs on `ast` (auditor.scan.ast_run); this is the fix
time's, and the slower path's of third parties' LibCST rules."""

from __future__ import annotations

import typing
from collections.abc import Callable, Sequence

import libcst as cst

N = typing.TypeVar("N", bound=cst.CSTNode)

# Whitespace, comments, brackets, separators and operators: most of a tree's nodes, and
# nothing a rule looks for.
TRIVIA: tuple[type[cst.CSTNode], ...] = (
    cst.BaseParenthesizableWhitespace,
    cst.TrailingWhitespace,
    cst.EmptyLine,
    cst.Newline,
    cst.Comment,
    cst.LeftParen,
    cst.RightParen,
    cst.LeftSquareBracket,
    cst.RightSquareBracket,
    cst.LeftCurlyBrace,
    cst.RightCurlyBrace,
    cst.Comma,
    cst.Semicolon,
    cst.Colon,
    cst.Dot,
    cst.AssignEqual,
    cst.ImportStar,
    cst.Asynchronous,
    cst.BaseBinaryOp,
    cst.BaseBooleanOp,
    cst.BaseCompOp,
    cst.BaseUnaryOp,
    cst.BaseAugOp,
)


def content_children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """`node`'s children in source order, trivia left out."""
    return [child for child in node.children if not isinstance(child, TRIVIA)]


def find_all(node: cst.CSTNode, kind: type[N], where: Callable[[N], bool] | None = None) -> list[N]:
    """The nodes of type `kind` in `node`'s subtree (itself included) for which `where`
    holds, in pre-order: `libcst.matchers.findall` without importing the matchers.
    Trivia (whitespace, brackets, operators) are not searched."""
    found: list[N] = []
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, kind) and (where is None or where(current)):
            found.append(current)
        pending.extend(reversed(content_children(current)))
    return found


def walk_batched(wrapper: cst.MetadataWrapper, visitors: Sequence[cst.BatchableCSTVisitor]) -> None:
    """Every visitor's `visit_<Node>` and `leave_<Node>` methods, in one visit."""
    wrapper.visit_batched(visitors)
