"""The compiler's pass is skipped only where it cannot refuse: every error CPython's
compiler (not its parser) raises, each in a form it takes, is sent to the compiler, and
common code is not. The same guarantee was checked against every snippet of CPython's
own tests and 15,000 mutants of real code (`bench/compile_guard_check.py`)."""

from __future__ import annotations

import ast
import sys
import textwrap
import warnings

import pytest

from auditor.scan.ast_index import AstIndex
from auditor.scan.compile_guard import might_refuse
from auditor.scan.engine import Engine
from auditor.scan.loading import ActiveRule
from conftest import BARE
from rules.python.bare_except import BareExcept

# Each is accepted by the parser and refused by the compiler of some Python auditor runs
# on (3.11 to 3.13); the test checks that on the Python it runs.
REFUSED = [
    "return 1",
    "class C:\n    return 1",
    "def f():\n    class C:\n        return 1",
    "yield 1",
    "class C:\n    yield 1",
    "def f(x=(yield)):\n    pass",
    "@(yield)\ndef f():\n    pass",
    "def f():\n    class C:\n        @(yield)\n        def g():\n            pass",
    "def f():\n    class C:\n        x = 1\n        @(yield)\n        def g():\n            pass",
    "def f():\n    [(yield) for x in y]",
    "def f():\n    {x: (yield) for x in y}",
    "def f():\n    ((yield) for x in y)",
    "async def f():\n    yield from x",
    "async def f():\n    yield 1\n    return 2",
    "await x",
    "def f():\n    await x",
    "async def f():\n    lambda: await x",
    "async def f():\n    class C:\n        await x",
    "def f():\n    [await x for x in y]",
    "def f():\n    [x async for x in y]",
    "def f():\n    async for x in y:\n        pass",
    "def f():\n    async with x:\n        pass",
    "break",
    "continue",
    "def f():\n    break",
    "for x in y:\n    pass\nelse:\n    break",
    "while x:\n    def f():\n        continue",
    "while x:\n    class C:\n        break",
    "f(a=1, a=2)",
    "class C(metaclass=M, metaclass=N):\n    pass",
    "def f(a, a):\n    pass",
    "def f(a, *, a):\n    pass",
    "lambda a, a: 0",
    "*a = b",
    "a, *b, *c = d",
    "print((*a))",
    "x = (*a)",
    "__debug__ = 1",
    "def f(__debug__):\n    pass",
    "x.__debug__ = 1",
    "del __debug__",
    "def f():\n    from os import *",
    "class C:\n    from os import *",
    "import os\nfrom __future__ import annotations",
    "from __future__ import braces",
    "from __future__ import nonsense",
    "def f():\n    from __future__ import annotations",
    "try:\n    pass\nexcept:\n    pass\nexcept ValueError:\n    pass",
    "def f(x):\n    global x",
    "x = 1\nglobal x",
    "nonlocal x",
    "def f():\n    nonlocal x",
    "def f():\n    x = 1\n    def g():\n        global x\n        nonlocal x",
    "[x for x in (y := z)]",
    "[x := 1 for x in y]",
    "class C:\n    [(z := 1) for x in y]",
    "match x:\n    case a:\n        pass\n    case b:\n        pass",
    "match x:\n    case [a, a]:\n        pass",
    "match x:\n    case {1: a, 1: b}:\n        pass",
    "from __future__ import annotations\ndef f(x: (yield)):\n    pass",
    "from __future__ import annotations\ndef f(x: (y := 1)):\n    pass",
    "x = " + " + ".join(["1"] * 950),
    textwrap.dedent(
        "".join("    " * i + f"for x{i} in y:\n" for i in range(21)) + "    " * 21 + "pass\n"
    ),
    '"\\ud800"',
]

# Common code the compiler accepts: the guard lets it through without compiling.
ACCEPTED = [
    "def f(x, *args, y=1, **kwargs):\n    return x",
    "def f():\n    yield 1\n    return 2",
    "def f():\n    x = yield\n    yield from g()",
    "def f(x=lambda: (yield)):\n    pass",
    "async def f():\n    await x\n    async for a in b:\n        pass\n    async with c:\n        return 1",
    "async def f():\n    yield 1\n    return",
    "for x in y:\n    try:\n        break\n    finally:\n        continue",
    "while x:\n    if y:\n        break\nelse:\n    pass",
    "for x in y:\n    for z in x:\n        pass\n    else:\n        break",
    "f(*a, *b, k=1, **c, **d)",
    "a, *b = c",
    "[*a, *b]",
    "{*a, *b}",
    "x = *a, *b",
    "for *a, b in c:\n    pass",
    '"""Doc."""\nfrom __future__ import annotations\nfrom __future__ import division',
    "from os import *\nif x:\n    from sys import *",
    "try:\n    pass\nexcept ValueError:\n    pass\nexcept:\n    pass",
    "if (n := len(a)) > 1:\n    print(n)",
    "class C(Base, metaclass=M):\n    x: int = 1\n    def f(self) -> int:\n        return 1",
    "def f(a: int, /, b: str, *, c: bytes) -> None:\n    pass",
    "x = [y for y in z if y]\nd = {k: v for k, v in e}\ng = (i for i in j)",
]


def _guard(code: str) -> bool:
    text = code + "\n"
    return might_refuse(AstIndex(ast.parse(text)), text)


def _refused(code: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(code + "\n", "<test>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return True
    return False


@pytest.mark.parametrize("code", REFUSED)
def test_whatever_the_compiler_refuses_goes_to_the_compiler(code: str) -> None:
    try:
        ast.parse(code + "\n")
    except SyntaxError:
        pytest.skip(f"the parser of Python {sys.version_info[:2]} refuses it already")
    if _refused(code):
        assert _guard(code)


def test_the_refused_examples_are_refused_by_this_compiler() -> None:
    """The list holds the compiler's errors, not code that compiles: nearly all of it is
    refused by whichever Python runs the test (the rest by another version)."""
    parsed = []
    for code in REFUSED:
        try:
            ast.parse(code + "\n")
        except SyntaxError:
            continue
        parsed.append(code)
    assert sum(_refused(code) for code in parsed) >= len(parsed) - 3


@pytest.mark.parametrize("code", ACCEPTED)
def test_common_code_is_not_sent_to_the_compiler(code: str) -> None:
    assert not _refused(code)
    assert not _guard(code)


def test_a_scan_reports_the_compilers_refusal_and_the_rules_findings_otherwise() -> None:
    engine = Engine([ActiveRule(BareExcept, BareExcept.severity, {}, False)])
    refused = engine.scan_text("a.py", "python", BARE + "class C:\n    return 1\n")
    assert [(f.rule_id, f.start.line, f.start.column, f.message) for f in refused] == [
        ("parse-error", 6, 5, "cannot parse: 'return' outside function")
    ]
    found = engine.scan_text("a.py", "python", BARE + "def f():\n    return 1\n")
    assert [(f.rule_id, f.start.line) for f in found] == [("bare-except", 3)]
