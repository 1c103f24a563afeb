"""Holds `auditor.scan.compile_guard` to its promise on the Python running this script:
it never lets through a tree the compiler refuses. Three sources of such trees:

1. every string (and doctest example) in CPython's own tests (`Lib/test`) that the parser
   accepts and the compiler refuses (a few hundred, over every message the compiler has);
2. every `.py` file under the folders given: unsound if the guard lets a file through that
   the compiler refuses; also how often it sends a file to the compiler, and its cost
   beside the compiler's;
3. mutants of those files: a statement inserted at random in a body (`break`, `return`,
   `await`, nested loops twenty deep...) or an expression replaced (`(yield)`, `:=`...),
   kept where the parser accepts the result.

    python bench/compile_guard_check.py FOLDER [FOLDER...] [--mutants 15] [--seed 1]

Run it under each Python auditor supports (3.11 to 3.13); `tests/test_compile_guard.py`
holds a sample of each error for CI.
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import re
import sys
import textwrap
import time
import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from auditor.scan.ast_index import AstIndex
from auditor.scan.compile_guard import might_refuse

REFUSALS = (SyntaxError, ValueError, RecursionError, MemoryError, SystemError, OverflowError)
_DOCTEST = re.compile(r"\s*(>>>|\.\.\.) ?(.*)")
_DEEP_FOR = "".join("    " * i + f"for i{i} in x:\n" for i in range(20)) + "    " * 20 + "pass"
_DEEP_TRY = "".join(
    "    " * (2 * i) + "try:\n" + "    " * (2 * i + 1) + "pass\n" + "    " * (2 * i) + "except E:\n"
    for i in range(7)
) + ("    " * 14 + "pass")
STATEMENTS = [
    *("break", "continue", "return", "return 1", "yield", "await y", "nonlocal q", "global q"),
    *("async for a in b: pass", "async with a: pass", "from os import *", "yield from z"),
    *("from __future__ import annotations", "a, *b, *c = d", "*a = b", "f(a=1, a=2)"),
    *("class K(a=1, a=2): pass", "def g(a, a): pass", "lambda a, a: 0", "__debug__ = 1"),
    *("[(yield) for z in y]", "[await z for z in y]", "[(z := 1) for z in y]", "x.__debug__ = 1"),
    *("[i for i in (j := y)]", "try:\n    pass\nexcept:\n    pass\nexcept E:\n    pass"),
    *("for x in y:\n    pass\nelse:\n    break", "while 1:\n    def h():\n        break"),
    *(
        "async def h():\n    yield 1\n    return 2",
        "def h():\n    await z",
        "def h(x=(yield)): pass",
    ),
    *("async def h():\n    [x async for x in y]", "def h():\n    [x async for x in y]"),
    *("class K:\n    return 1", "class K:\n    [(z := 1) for q in y]", "x: (yield) = 1"),
    *("def h():\n    x = 1\n    global x", "@(yield)\ndef h(): pass", "def h() -> (yield): pass"),
    *("async def h():\n    class K:\n        await z", "def h(x: (y := 1)): pass"),
    *("match x:\n    case a:\n        pass\n    case b:\n        pass", _DEEP_FOR, _DEEP_TRY),
    "x = " + "+".join(["1"] * 950),
]
EXPRESSIONS = [
    *("(yield)", "(yield from z)", "(await z)", "(z := 1)", "(lambda: (yield))", "[*a]"),
    *("{*a, *b}", "f(*a, *b, k=1, k=2)", "[(yield) for q in y]", "(q for q in (yield))"),
    *("[await q for q in y]", "{q: (yield) for q in y}", "__debug__"),
]


def refused(text: str | ast.Module) -> str | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(text, "<check>", "exec", dont_inherit=True)
        except REFUSALS as exc:
            return re.sub(r"'[^']*'", "'X'", getattr(exc, "msg", None) or str(exc))
    return None


def guarded(text: str) -> bool | None:
    """The guard's answer, or None when the parser refuses the text."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(text)
        except REFUSALS:
            return None
    return might_refuse(AstIndex(tree), text)


def cpython_snippets() -> Iterator[str]:
    root = Path(os.__file__).parent / "test"
    for path in sorted(root.rglob("*.py")):
        try:
            source = path.read_text(encoding="utf-8")
            tree = ast.parse(source)
        except (*REFUSALS, OSError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield node.value
                yield textwrap.dedent(node.value)
                yield from _doctests(node.value)


def _doctests(text: str) -> Iterator[str]:
    lines: list[str] = []
    for line in [*text.splitlines(), ""]:
        found = _DOCTEST.match(line)
        if found and not (found.group(1) == ">>>" and lines):
            lines.append(found.group(2))
            continue
        if lines:
            yield "\n".join(lines) + "\n"
        lines = [found.group(2)] if found else []


def check_cpython() -> int:
    seen: set[str] = set()
    tried = missed = 0
    for snippet in cpython_snippets():
        if snippet in seen or len(snippet) > 20_000:
            continue
        seen.add(snippet)
        verdict = guarded(snippet)
        if verdict is None or refused(snippet) is None:
            continue
        tried += 1
        if not verdict:
            missed += 1
            print(f"  missed: {snippet[:200]!r}")
    print(f"CPython's tests: {tried} snippets the compiler alone refuses; {missed} let through")
    return missed


def sources(folders: list[Path]) -> list[str]:
    texts = []
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            try:
                texts.append(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                continue
    return texts


def check_real(texts: list[str]) -> int:
    parsed = flagged = unsound = 0
    guard_cpu = compile_cpu = 0.0
    for text in texts:
        try:
            tree = ast.parse(text)
        except REFUSALS:
            continue
        parsed += 1
        index = AstIndex(tree)
        index.depth()  # the index is the rules' anyway: not the guard's cost
        started = time.process_time()
        flag = might_refuse(index, text)
        guard_cpu += time.process_time() - started
        started = time.process_time()
        verdict = refused(tree) and refused(text)
        compile_cpu += time.process_time() - started
        flagged += flag
        if verdict and not flag:
            unsound += 1
            print(f"  unsound: {verdict}: {text[:120]!r}")
    print(
        f"real files: {parsed} parsed, {flagged} sent to the compiler "
        f"({flagged / max(parsed, 1):.1%}), {unsound} let through that it refuses; "
        f"guard {guard_cpu:.2f} CPU-s against compiling every tree {compile_cpu:.2f}"
    )
    return unsound


def check_mutants(texts: list[str], per_file: int, rng: random.Random) -> int:
    tried = refusals = missed = 0
    messages: Counter[str] = Counter()
    for text in texts:
        if len(text) > 60_000:
            continue
        for _ in range(per_file):
            mutant = _mutant(text, rng)
            if mutant is None or guarded(mutant) is None:
                continue
            tried += 1
            message = refused(mutant)
            if message is None:
                continue
            refusals += 1
            messages[message] += 1
            if not guarded(mutant):
                missed += 1
                print(f"  missed ({message}): {mutant[:200]!r}")
    print(f"mutants: {tried} parsed, {refusals} refused by the compiler, {missed} let through")
    for message, count in messages.most_common():
        print(f"  {count:5d} {message}")
    return missed


def _mutant(text: str, rng: random.Random) -> str | None:
    try:
        tree = ast.parse(text)
    except REFUSALS:
        return None
    if rng.random() < 0.6:
        bodies = [
            value
            for node in ast.walk(tree)
            for field in ("body", "orelse", "finalbody")
            if isinstance(value := getattr(node, field, None), list)
            and value
            and isinstance(value[0], ast.stmt)
        ]
        if not bodies:
            return None
        body = rng.choice(bodies)
        at = rng.randrange(len(body) + 1)
        body[at:at] = ast.parse(rng.choice(STATEMENTS)).body
    else:
        places = [
            (node, field)
            for node in ast.walk(tree)
            for field, value in ast.iter_fields(node)
            if isinstance(value, ast.expr) and type(getattr(value, "ctx", None)) is not ast.Store
        ]
        if not places:
            return None
        node, field = rng.choice(places)
        setattr(node, field, ast.parse(rng.choice(EXPRESSIONS), mode="eval").body)
    try:
        return ast.unparse(ast.fix_missing_locations(tree))
    except (RecursionError, ValueError):
        return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--mutants", type=int, default=15, help="mutants of each file")
    parser.add_argument("--files", type=int, default=400, help="files mutated")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}")
    failures = check_cpython()
    texts = sources(args.folders)
    failures += check_real(texts)
    rng = random.Random(args.seed)
    sample = rng.sample(texts, min(args.files, len(texts)))
    failures += check_mutants(sample, args.mutants, rng)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
