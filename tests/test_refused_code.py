"""Code CPython refuses, for any reason, is a parse-error and is never fixed (issue 23,
item 5). auditor raises the recursion limit for LibCST; CPython's compiler followed it
(up to 3.11), so it accepted 5,000-deep chains that `python` refuses: their bare excepts
were fixed, and deeper ones took LibCST's native parser minutes or crashed the process.
The compiler refuses more than the parser, too: 21 nested loops, `return` outside a
function. Python 3.13 runs four of these files: there they are checked, and where LibCST
cannot print one back, its finding stands without a fix and a warning says why."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.scan.python_check import parse_ast, syntax_error
from conftest import BARE

TOO_DEEP = "critical parse-error cannot parse: too deeply nested for CPython ("
NESTED_LOOPS = "".join("    " * i + "for x in y:\n" for i in range(21)) + "    " * 21 + "pass\n"
REFUSED = {
    # the brief's three: a 5,000-deep chain of each kind, and 100,000 terms
    "plus.py": BARE + "x = " + "+".join(["1"] * 5_000) + "\n",
    "attrs.py": BARE + "x = a" + ".b" * 5_000 + "\n",
    "terms.py": BARE + "x = " + "+".join(["1"] * 100_000) + "\n",
    "parens.py": BARE + "x = " + "(" * 5_000 + "1" + ")" * 5_000 + "\n",
    "lists.py": BARE + "x = " + "[" * 5_000 + "]" * 5_000 + "\n",
    "lambdas.py": BARE + "x = " + "lambda: " * 5_000 + "1\n",
    # just past CPython's own limit (`python` runs 2,999 terms, not 3,000)
    "edge.py": BARE + "x = " + "+".join(["1"] * 3_000) + "\n",
    # refused by the compiler, which the parser accepts
    "loops.py": BARE + NESTED_LOOPS,
    "returns.py": BARE + "return 1\n",
}
# Refused by CPython 3.11 and 3.12, run by 3.13: its compiler takes the 5,000-deep chains
# and 3,000 terms, and has no limit of 20 nested blocks.
RUN_FROM_3_13 = frozenset({"attrs.py", "edge.py", "loops.py", "plus.py"})
BARE_FOUND = "critical bare-except bare `except:` also catches KeyboardInterrupt and SystemExit"
LIBCST_DEEP = (
    "warning parse-limit LibCST cannot parse this file, which CPython accepts (maximum "
    "recursion depth exceeded); its fixes are not applied"
)
# What `audit scan --fix` says of the files, by the version of CPython that judges them.
SAID = {
    (3, 11): [
        f"attrs.py:1:1: {TOO_DEEP}maximum recursion depth exceeded during compilation)",
        f"edge.py:1:1: {TOO_DEEP}maximum recursion depth exceeded during compilation)",
        f"lambdas.py:1:1: {TOO_DEEP}the parser ran out of memory)",
        "lists.py:5:205: critical parse-error cannot parse: too many nested parentheses",
        "loops.py:25:81: critical parse-error cannot parse: too many statically nested blocks",
        "parens.py:5:205: critical parse-error cannot parse: too many nested parentheses",
        f"plus.py:1:1: {TOO_DEEP}maximum recursion depth exceeded during compilation)",
        "returns.py:5:1: critical parse-error cannot parse: 'return' outside function",
        f"terms.py:1:1: {TOO_DEEP}maximum recursion depth exceeded during compilation)",
        "No findings; 9 files scanned.",
    ],
    (3, 13): [
        f"attrs.py:1:1: {LIBCST_DEEP}",  # the finding stands; LibCST cannot print it back
        f"attrs.py:3:1: {BARE_FOUND}; name the exceptions",
        f"lambdas.py:1:1: {TOO_DEEP}Parser stack overflowed - Python source too complex to parse)",
        "lists.py:5:205: critical parse-error cannot parse: too many nested parentheses",
        "parens.py:5:205: critical parse-error cannot parse: too many nested parentheses",
        f"plus.py:1:1: {LIBCST_DEEP}",
        f"plus.py:3:1: {BARE_FOUND}; name the exceptions",
        "returns.py:5:1: critical parse-error cannot parse: 'return' outside function",
        f"terms.py:1:1: {TOO_DEEP}maximum recursion depth exceeded during compilation)",
        "Fixed 2 findings.",  # edge.py's and loops.py's
        "Found 2 remaining findings (2 critical) in 2 files; 9 files scanned.",
    ],
}


def _cpython_runs(path: Path) -> bool:
    """Whether `python file.py` compiles the file (it may fail when it runs: no `run`)."""
    done = subprocess.run([sys.executable, str(path)], capture_output=True, check=False)
    refusals = (b"SyntaxError", b"RecursionError", b"MemoryError")
    return not any(refusal in done.stderr for refusal in refusals)


def test_what_cpython_refuses_is_a_parse_error_and_is_never_fixed(
    project, audit, tmp_path: Path
) -> None:
    root = project({"pyproject.toml": "[tool.audit]\n", **REFUSED})
    digests = {name: hashlib.sha256((root / name).read_bytes()).hexdigest() for name in REFUSED}
    refused = {name for name in REFUSED if not _cpython_runs(root / name)}
    result = audit("scan", "--fix", "--jobs", "1", "--no-cache")
    assert result.code == 2
    lines = result.out.splitlines()
    said = SAID.get(sys.version_info[:2])
    if said is not None:
        assert lines[: len(said)] == said
    for name in REFUSED:
        mine = [line for line in lines if line.startswith(f"{name}:")]
        unchanged = hashlib.sha256((root / name).read_bytes()).hexdigest() == digests[name]
        if name in refused:  # a parse error, and not one byte written
            assert len(mine) == 1 and " critical parse-error cannot parse: " in mine[0]
            assert unchanged
        else:  # checked: fixed, or its finding stands where LibCST cannot print it back
            fixed = "except Exception:" in (root / name).read_text()
            assert (fixed and not mine) or (unchanged and len(mine) == 2), mine


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_cpython_itself_refuses_each_file(tmp_path: Path, name: str) -> None:
    """The verdicts above are CPython's own, as `python file.py` gives them."""
    path = tmp_path / name
    path.write_text(REFUSED[name])
    assert _cpython_runs(path) == (sys.version_info >= (3, 13) and name in RUN_FROM_3_13)


def test_what_cpython_runs_is_scanned_and_fixed_however_deep(project, audit) -> None:
    deep = "x = " + "+".join(["1"] * 2_000) + "\n" + BARE  # `python` runs it
    root = project({"pyproject.toml": "[tool.audit]\n", "deep.py": deep})
    assert _cpython_runs(root / "deep.py")
    result = audit("scan", "--fix", "--jobs", "1", "--no-cache")
    assert result.code == 0, result.out
    assert (root / "deep.py").read_text() == deep.replace("except:", "except Exception:")


def test_the_verdict_does_not_change_the_recursion_limit() -> None:
    before = sys.getrecursionlimit()
    assert syntax_error("x = " + "+".join(["1"] * 100_000)) is not None
    assert not hasattr(parse_ast("x = " + "+".join(["1"] * 100_000)), "body")
    assert hasattr(parse_ast("x = " + "+".join(["1"] * 2_000)), "body")
    assert sys.getrecursionlimit() == before
