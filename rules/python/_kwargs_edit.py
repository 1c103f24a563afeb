"""Edits the kwargs rules' fixes share: statements put first in a function's body (after
its docstring), a variable name the function does not use, and the allow-list check
that raises `TypeError` naming the unexpected keys."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from auditor.plugins import Replacement, find_all
from rules.python._kwargs_syntax import is_docstring

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


def quoted(value: str) -> str:
    """A double-quoted literal where that is plain, else Python's own repr."""
    if value.isprintable() and '"' not in value and "\\" not in value:
        return f'"{value}"'
    return repr(value)
