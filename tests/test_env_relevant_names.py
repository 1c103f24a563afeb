"""unvalidated-env resolves only the names that may lead to what it looks for
(`relevant_names`): the set is exact, and a read through an alias chain, a renamed
import or the builtin `dict` is still found while look-alikes stay silent."""

from __future__ import annotations

import ast
import textwrap

from auditor.plugins import AstIndex
from auditor.testing import run_rule
from rules.python._env_ast_names import relevant_names
from rules.python.unvalidated_env import UnvalidatedEnv

WANTED = ("os.environ", "builtins.dict", "environs.Env")


def names(code: str) -> frozenset[str] | None:
    return relevant_names(AstIndex(ast.parse(textwrap.dedent(code))), WANTED)


def test_imports_of_wanted_modules_builtins_and_assignments_from_them() -> None:
    code = """\
        import os as o, sys
        import os.path
        from environs import Env as E
        from .os import environ
        from json import loads
        first = o.environ
        second: object = first.get("A")
        third = fourth = E()
        other = sys.argv
        def f(environ):
            local = environ
    """
    assert names(code) == frozenset({"o", "os", "E", "dict", "first", "second", "third", "fourth"})


def test_any_name_may_be_relevant_with_a_star_import() -> None:
    assert names("from somewhere import *\nx = 1\n") is None


def test_reads_through_aliases_and_renamed_imports_are_still_found() -> None:
    code = """\
        import os as o
        import sys
        get = o.environ.get
        copy = dict
        def view(environ):
            return environ.get("NOT_READ"), sys.environ.get("NOR_THIS")
        port = get("PORT")
        every = copy(o.environ)
        home = o.environ["HOME_DIR"]
    """
    found = run_rule(UnvalidatedEnv, textwrap.dedent(code), "shop/views.py")
    assert [(f.start.line, f.start.column, f.end.column) for f in found] == [
        (7, 8, 19),
        (9, 8, 29),
    ]
