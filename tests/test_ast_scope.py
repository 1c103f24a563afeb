"""auditor.scan.ast_scope: the answers LibCST's scope metadata gave, on `ast` trees."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap

from auditor.scan.ast_scope import Assignment, Scopes


def _module(source: str) -> tuple[ast.Module, Scopes]:
    tree = ast.parse(textwrap.dedent(source))
    return tree, Scopes(tree)


def _read(tree: ast.Module, code: str, line: int) -> ast.Name | ast.Attribute:
    """The read (Load) of `code` on `line`, first of the line."""
    found = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Name | ast.Attribute)
        and not isinstance(n.ctx, ast.Store)
        and n.lineno == line
        and ast.unparse(n) == code
    ]
    assert found, (code, line)
    return min(found, key=lambda n: n.col_offset)


def _name(tree: ast.Module, code: str, line: int) -> ast.Name:
    found = _read(tree, code, line)
    assert isinstance(found, ast.Name)
    return found


def _names(source: str, code: str, line: int) -> set[tuple[str, str]]:
    tree, scopes = _module(source)
    node = _read(tree, code, line)
    return {(q.name, q.source) for q in scopes.scope_of(node).get_qualified_names_for(node)}


def _where(assignments: object) -> list[tuple[str, str, int, str | None]]:
    """(name, binding node type, line, statement type) of each assignment."""
    assert isinstance(assignments, list | tuple)
    found = []
    for a in assignments:
        assert isinstance(a, Assignment)
        line = getattr(a.node, "lineno", 0)
        statement = type(a.statement).__name__ if a.statement is not None else None
        found.append((a.name, type(a.node).__name__, line, statement))
    return found


IMPORTS = """\
import os
import os.path
import a.b as c
from os import getenv as g, environ
from . import sibling
from .pkg import thing
from ..up import other as o
print(os.getenv, os.path.join, c.d, g, environ.get, sibling.x, thing, o.y)
"""


def test_imports_with_and_without_as() -> None:
    assert _names(IMPORTS, "os.getenv", 8) == {("os.getenv", "import")}
    assert _names(IMPORTS, "os", 8) == {("os", "import")}
    assert _names(IMPORTS, "os.path.join", 8) == {("os.path.join", "import")}
    assert _names(IMPORTS, "c.d", 8) == {("a.b.d", "import")}
    assert _names(IMPORTS, "c", 8) == {("a.b", "import")}


def test_from_imports() -> None:
    assert _names(IMPORTS, "g", 8) == {("os.getenv", "import")}
    assert _names(IMPORTS, "environ.get", 8) == {("os.environ.get", "import")}


def test_relative_imports_keep_their_dots() -> None:
    assert _names(IMPORTS, "sibling.x", 8) == {(".sibling.x", "import")}
    assert _names(IMPORTS, "thing", 8) == {(".pkg.thing", "import")}
    assert _names(IMPORTS, "o.y", 8) == {("..up.other.y", "import")}


def test_dotted_import_binds_each_prefix() -> None:
    tree, scopes = _module(IMPORTS)
    top = scopes.global_scope
    assert _where(top.assignments["os"]) == [
        ("os", "alias", 1, "Import"),
        ("os", "alias", 2, "Import"),
    ]
    assert _where(top.assignments["os.path"]) == [("os.path", "alias", 2, "Import")]
    # `os` of `os.path.join` is read as "os.path", as LibCST records it
    base = _name(tree, "os", 8)
    assert [a.name for a in scopes.referents(base)] == ["os", "os"]  # os.getenv's `os`
    join_base = _read(tree, "os.path.join", 8)
    assert isinstance(join_base, ast.Attribute) and isinstance(join_base.value, ast.Attribute)
    join_base = join_base.value
    assert isinstance(join_base.value, ast.Name)
    assert [a.name for a in scopes.referents(join_base.value)] == ["os.path"]


def test_builtins_and_a_module_def_shadowing_one() -> None:
    source = """\
    print("before")
    def print(*args):
        pass
    print("after")
    open("f")
    def f():
        return print, len
    """
    assert _names(source, "print", 1) == {("builtins.print", "builtin")}
    assert _names(source, "print", 4) == {("print", "local")}
    assert _names(source, "open", 5) == {("builtins.open", "builtin")}
    # a function reads every module binding, whenever it is made
    assert _names(source, "print", 7) == {("print", "local")}
    assert _names(source, "len", 7) == {("builtins.len", "builtin")}
    _, scopes = _module(source)
    top = scopes.global_scope
    assert [(a.kind, a.scope.kind, a.node) for a in top["open"]] == [("builtin", "builtin", None)]
    assert "open" in top and "print" in top and "nothing_binds_this" not in top
    assert top["nothing_binds_this"] == ()
    assert _where(top["print"]) == [("print", "FunctionDef", 2, "FunctionDef")]


def test_global_and_nonlocal() -> None:
    source = """\
    def setup():
        global counter
        counter = 1
    def outer():
        total = 0
        def add():
            nonlocal total
            total = total + 1
            return total
        return add, counter
    """
    tree, scopes = _module(source)
    top = scopes.global_scope
    assert _where(top.assignments["counter"]) == [("counter", "Name", 3, "Assign")]
    outer = scopes.scope_of(_read(tree, "add", 10))
    assert outer.kind == "function" and outer.node is tree.body[1]
    assert _where(outer.assignments["total"]) == [
        ("total", "Name", 5, "Assign"),
        ("total", "Name", 8, "Assign"),
    ]
    assert _names(source, "total", 9) == {("outer.<locals>.total", "local")}
    assert _names(source, "counter", 10) == {("counter", "local")}
    add = scopes.scope_of(_read(tree, "total", 9))
    assert "total" not in add.assignments and add.parent is outer


def test_class_scope_not_visible_in_methods() -> None:
    source = """\
    y = 0
    class C:
        y = 1
        z = y
        def m(self, default=y):
            return y, C.m
    """
    assert _names(source, "y", 4) == {("C.y", "local")}
    assert _names(source, "y", 5) == {("C.y", "local")}  # a default: read in the class
    assert _names(source, "y", 6) == {("y", "local")}  # the module's
    assert _names(source, "C.m", 6) == {("C.m", "local")}


def test_comprehension_scopes() -> None:
    source = """\
    x = [1]
    squares = [x * x for x in x if x]
    def f(rows):
        return {k: v for k, v in rows}
    """
    tree, scopes = _module(source)
    elt = _read(tree, "x", 2)
    assert scopes.scope_of(elt).kind == "comprehension"
    assert _names(source, "x", 2) == {("<comprehension>.x", "local")}
    loop = tree.body[1].value.generators[0]  # type: ignore[attr-defined]
    first_iterable, condition = loop.iter, loop.ifs[0]
    assert scopes.scope_of(first_iterable) is scopes.global_scope
    assert scopes.scope_of(condition) is scopes.scope_of(elt)
    assert [a.statement for a in scopes.referents(first_iterable)] == [tree.body[0]]
    assert _names(source, "k", 4) == {("f.<locals>.<comprehension>.k", "local")}


def test_walrus_in_a_comprehension_binds_in_the_function() -> None:
    source = """\
    def f(values):
        if any((last := v) > 3 for v in values):
            return last
    """
    tree, scopes = _module(source)
    function = scopes.scope_of(_read(tree, "values", 2))
    assert _where(function.assignments["last"]) == [("last", "Name", 2, "If")]
    assert _names(source, "last", 3) == {("f.<locals>.last", "local")}


def test_star_imports_recorded() -> None:
    _, scopes = _module("from m import *\nfrom . import *\nfrom .pkg.mod import *\n")
    assert scopes.star_imports == ("m", ".", ".pkg.mod")
    assert dict(scopes.global_scope.assignments) == {}


def test_except_as() -> None:
    source = """\
    try:
        run()
    except ValueError as exc:
        log(exc)
    """
    tree, scopes = _module(source)
    found = scopes.referents(_name(tree, "exc", 4))
    assert _where(found) == [("exc", "ExceptHandler", 3, "Try")]
    assert _names(source, "ValueError", 3) == {("builtins.ValueError", "builtin")}


def test_match_captures() -> None:
    source = """\
    match command:
        case [action, *rest]:
            use(action, rest)
        case {"k": 1, **others}:
            use(others)
    """
    tree, scopes = _module(source)
    assert _where(scopes.referents(_name(tree, "action", 3))) == [("action", "MatchAs", 2, "Match")]
    assert _where(scopes.referents(_name(tree, "rest", 3))) == [("rest", "MatchStar", 2, "Match")]
    assert _where(scopes.referents(_name(tree, "others", 5))) == [
        ("others", "MatchMapping", 4, "Match")
    ]


def test_del_reads_the_binding() -> None:
    source = "x = 1\ndel x\n"
    tree, scopes = _module(source)
    deleted = _read(tree, "x", 2)
    assert isinstance(deleted, ast.Name) and isinstance(deleted.ctx, ast.Del)
    (binding,) = scopes.referents(deleted)
    assert _where([binding]) == [("x", "Name", 1, "Assign")]
    assert scopes.accesses(binding) == [deleted]


def test_decorators_and_defaults_in_the_enclosing_scope() -> None:
    source = """\
    x = 1
    class C:
        deco = staticmethod
        @deco
        def m(x=x) -> deco:
            return x
    """
    assert _names(source, "deco", 4) == {("C.deco", "local")}
    assert _names(source, "deco", 5) == {("C.deco", "local")}
    assert _names(source, "x", 5) == {("x", "local")}
    assert _names(source, "x", 6) == {("C.m.<locals>.x", "local")}
    tree, scopes = _module(source)
    method = tree.body[1].body[1]  # type: ignore[attr-defined]
    assert isinstance(method, ast.FunctionDef) and method.returns is not None
    assert scopes.scope_of(method).kind == "class"
    assert scopes.scope_of(method.args.args[0]).node is method
    assert scopes.scope_of(method.returns).kind == "class"
    assert scopes.scope_of(method.body[0]).node is method


def test_reads_see_the_bindings_of_their_scope_made_before_them() -> None:
    source = """\
    def f():
        log = make()
        log.info("a")
        log = other()
        log.info("b")
    """
    tree, scopes = _module(source)
    first = _name(tree, "log", 3)
    second = _name(tree, "log", 5)
    assert _where(scopes.referents(first)) == [("log", "Name", 2, "Assign")]
    # every earlier one, as LibCST: not only the last
    assert _where(scopes.referents(second)) == [
        ("log", "Name", 2, "Assign"),
        ("log", "Name", 4, "Assign"),
    ]
    early, late = scopes.referents(second)
    assert scopes.accesses(early) == [first, second]
    assert scopes.accesses(late) == [second]
    # An attribute resolves through every binding, as LibCST's does
    assert _names(source, "log.info", 3) == {("f.<locals>.log.info", "local")}


def test_lambda_and_attribute_of_a_call() -> None:
    source = "handler = lambda event: event.name\nvalue = make().name\n"
    assert _names(source, "event.name", 1) == {("<locals>.event.name", "local")}
    assert _names(source, "make().name", 2) == set()
    assert _names(source, "make", 2) == set()  # bound nowhere


def test_qualified_names_of_a_string_and_parents() -> None:
    tree, scopes = _module("import logging\nlog = logging.getLogger(__name__)\n")
    top = scopes.global_scope
    assert {(q.name, q.source) for q in top.get_qualified_names_for("logging")} == {
        ("logging", "import")
    }
    call = tree.body[1].value  # type: ignore[attr-defined]
    assert scopes.parent(call) is tree.body[1]
    assert scopes.parent(tree.body[1]) is tree
    assert scopes.parent(tree) is None


def test_no_libcst_import() -> None:
    code = "import sys, auditor.scan.ast_scope as s, ast; s.Scopes(ast.parse('x')).global_scope; print('libcst' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout == "False\n"
