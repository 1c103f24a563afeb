"""Edits the kwargs rules' fixes share: statements put first in a function's body (after
its docstring), a variable name the function does not use, and the allow-list check
that raises `TypeError` naming the unexpected keys."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from auditor.plugins import Fixed, FixTarget, Replacement, find_all
from rules.python._kwargs_ast_syntax import quoted

__all__ = ["allow_list_check", "check_first", "free_name", "insert_first", "quoted"]

NAME_CHOICES = ("unexpected", "unexpected_kwargs")


def allow_list_check(
    module: cst.Module,
    function: cst.FunctionDef,
    param: str,
    keys: Sequence[str],
    qualname: str,
) -> list[cst.BaseStatement]:
    """`unexpected = set(kwargs) - {...}` and the `if ...: raise TypeError(...)`,
    parsed with the module's newline and indentation."""
    name = free_name(function)
    newline = module.default_newline
    indent = module.default_indent
    allowed = "{" + ", ".join(quoted(k) for k in keys) + "}" if keys else "set()"
    text = (
        f"{name} = set({param}) - {allowed}{newline}"
        f"if {name}:{newline}"
        f'{indent}raise TypeError(f"{qualname}() got unexpected keyword arguments: '
        f'{{sorted({name})}}"){newline}'
    )
    parsed = cst.parse_module(text, config=module.config_for_parsing)
    return list(parsed.body)


def function_of(module: cst.Module, param: cst.CSTNode) -> cst.FunctionDef | None:
    """The function whose `**` parameter is `param`."""
    found = find_all(module, cst.FunctionDef, lambda f: f.params.star_kwarg is param)
    return found[0] if found else None


def check_first(target: FixTarget, param: str, keys: Sequence[str], qualname: str) -> Fixed | None:
    """ignored-kwargs' fix: the allow-list check first in the function whose `**`
    parameter the finding is."""
    function = function_of(target.module, target.node)
    if function is None:
        return None
    checks = allow_list_check(target.module, function, param, keys, qualname)
    return Fixed(replacements=tuple(insert_first(function.body, checks)))


def insert_first(
    body: cst.BaseSuite, checks: Sequence[cst.BaseStatement]
) -> list[tuple[cst.CSTNode, Replacement]]:
    """Replacements putting `checks` first in `body`, after a docstring."""
    if isinstance(body, cst.IndentedBlock):
        first = body.body[0]
        if is_docstring(first):
            return [(first, cst.FlattenSentinel([first, *checks]))]
        return [(first, cst.FlattenSentinel([*checks, first]))]
    assert isinstance(body, cst.SimpleStatementSuite)
    smalls = list(body.body)
    lines: list[cst.BaseStatement] = []
    if len(smalls) > 1 and is_docstring(smalls[0]):
        docstring = smalls.pop(0).with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        lines.append(cst.SimpleStatementLine(body=[docstring]))
    rest = cst.SimpleStatementLine(body=smalls, trailing_whitespace=body.trailing_whitespace)
    block = cst.IndentedBlock(body=[*lines, *checks, rest])
    return [(body, block)]


def free_name(function: cst.FunctionDef) -> str:
    """A variable name the function does not use, so the check shadows nothing."""
    used = _names(function)
    for name in NAME_CHOICES:
        if name not in used:
            return name
    n = 2
    while f"{NAME_CHOICES[-1]}_{n}" in used:
        n += 1
    return f"{NAME_CHOICES[-1]}_{n}"


def _names(node: cst.CSTNode) -> set[str]:
    return {name.value for name in find_all(node, cst.Name)}


def is_docstring(statement: cst.BaseStatement | cst.BaseSmallStatement) -> bool:
    if isinstance(statement, cst.SimpleStatementLine):
        return len(statement.body) == 1 and is_docstring(statement.body[0])
    if not isinstance(statement, cst.Expr):
        return False
    value = statement.value
    if isinstance(value, cst.SimpleString | cst.ConcatenatedString):
        return isinstance(value.evaluated_value, str)
    return False
