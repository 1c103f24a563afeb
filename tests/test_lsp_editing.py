"""`audit lsp` while the user edits (issue 27 item 3): code actions edit the changed
characters only; the last good findings stay, moved with the lines, while a syntax
error is being typed; JSX children and JSX comments are handled like statements. Over
stdio, as tests/test_lsp.py drives it; the pure parts in this process."""

from __future__ import annotations

from typing import Any

import pytest
from test_lsp import (  # noqa: F401  (the fixture)
    BARE_EXCEPT,
    CONSOLE_CREATING,
    EMPTY_CATCH,
    ERROR,
    PRINT,
    THREE,
    _diagnostic,
    _range,
    apply,
    server,
)

from auditor.lsp.edits import changed_spans
from auditor.lsp.stale import carried
from auditor.model import Edit, Finding, Fix, Location, Severity


def _edit(start: tuple[int, int], end: tuple[int, int], text: str) -> dict[str, Any]:
    return {"range": _range(start, end), "newText": text}


# --- minimal text edits -------------------------------------------------------------------


def test_a_fix_is_sent_as_the_characters_each_of_its_edits_changes(server) -> None:  # noqa: F811
    client = server({})
    text = "import os\n\n\ndef f():\n    print('x')\n"
    client.open("app.py", text)
    assert client.diagnostics("app.py") == [
        _diagnostic((4, 4), (4, 14), "console-logging", ERROR, PRINT)
    ]
    fix, _suppress = client.actions("app.py", (4, 4), (4, 4), ["quickfix"])
    # Two edits, the imports (`import logging` sorted before `import os`, as isort puts it)
    # and the call's name: not one edit over the lines between.
    imports = "logging as _logging\nimport os\n\n_logger = _logging.getLogger(__name__)"
    assert fix["edit"] == {
        "changes": {
            client.uri("app.py"): [
                _edit((0, 7), (0, 9), imports),
                _edit((4, 4), (4, 9), "_logger.info"),
            ]
        }
    }
    assert apply(text, fix["edit"]) == (
        "import logging as _logging\nimport os\n\n_logger = _logging.getLogger(__name__)\n"
        "\n\ndef f():\n    _logger.info('x')\n"
    )
    assert client.close() == 0


def test_fix_all_edits_each_changed_place_apart(server) -> None:  # noqa: F811
    client = server({})
    client.open("app.py", THREE)
    assert len(client.diagnostics("app.py")) == 3
    [fix_all] = client.actions("app.py", (0, 0), (0, 0), ["source.fixAll"])
    assert fix_all["edit"] == {
        "changes": {
            client.uri("app.py"): [
                _edit((6, 6), (6, 6), " Exception"),
                _edit((10, 6), (10, 6), " BaseException"),
            ]
        }
    }
    assert client.close() == 0


@pytest.mark.parametrize(
    ("old", "new", "edits", "spans"),
    [
        # A fix's edits, trimmed to what each changes; an edit that changes nothing goes.
        (
            "a = print(x)\nb = 1\n",
            "a = log(x)\nb = 2\n",
            [Edit(4, 9, "log"), Edit(13, 18, "b = 2"), Edit(0, 1, "a")],
            [(4, 9, "log"), (17, 18, "2")],
        ),
        # Edits that do not give the new text: the changed runs of lines instead.
        ("a\nb\nc\nd\n", "A\nb\nc\nD\n", [Edit(0, 1, "X")], [(0, 1, "A"), (6, 7, "D")]),
        # Two insertions at one point: their order would be a guess.
        ("ab", "axyb", [Edit(1, 1, "x"), Edit(1, 1, "y")], [(1, 1, "xy")]),
        # Lines inserted, lines removed, a \r\n kept whole.
        ("a\r\nb\r\nc\r\n", "a\r\nnew\r\nb\r\n", [], [(3, 3, "new\r\n"), (6, 9, "")]),
        ("same\n", "same\n", [], []),
    ],
)
def test_changed_spans(
    old: str, new: str, edits: list[Edit], spans: list[tuple[int, int, str]]
) -> None:
    assert changed_spans(old, new, edits) == spans
    for start, end, text in reversed(spans):
        old = old[:start] + text + old[end:]
    assert old == new


# --- the last good findings while a syntax error is typed ---------------------------------

GOOD = "print('a')\ntry:\n    run()\nexcept:\n    pass\n\n\ndef f():\n    print('b')\n"


def _parse_error(start: tuple[int, int], message: str) -> dict[str, Any]:
    return _diagnostic(start, start, "parse-error", ERROR, message)


def test_a_syntax_error_keeps_the_last_good_findings_moved_with_the_lines(server) -> None:  # noqa: F811
    client = server({})
    client.open("app.py", GOOD)
    first, bare, last = (
        _diagnostic((0, 0), (0, 10), "console-logging", ERROR, PRINT),
        _diagnostic((3, 0), (3, 6), "bare-except", ERROR, BARE_EXCEPT),
        _diagnostic((8, 4), (8, 14), "console-logging", ERROR, PRINT),
    )
    assert client.diagnostics("app.py") == [first, bare, last]
    # A line being typed below the first finding: the error, and the last good findings,
    # those below it one line down.
    broken = GOOD.replace("try:\n", "x = (\ntry:\n")
    client.send(client.change("app.py", broken, 2))
    error = _parse_error((1, 4), "cannot parse: '(' was never closed")
    assert client.diagnostics("app.py", 2) == [first, error, _down(bare, 1), _down(last, 1)]
    # No code action for a finding carried over: its fix belongs to the old text.
    assert client.actions("app.py", (9, 4), (9, 4)) == []
    # Still broken; a line deleted above the last finding, and the first finding's line
    # changed: counted from the last good version, the finding on the changed line goes.
    worse = broken.replace("    pass\n\n", "    pass\n").replace("print('a')", "print('a') ")
    client.send(client.change("app.py", worse, 3))
    assert client.diagnostics("app.py", 3) == [error, _down(bare, 1), last]
    # Finished: a normal scan again.
    fixed = worse.replace("x = (", "x = (1)")
    client.send(client.change("app.py", fixed, 4))
    assert client.diagnostics("app.py", 4) == [
        _diagnostic((0, 0), (0, 10), "console-logging", ERROR, PRINT),
        _down(bare, 1),
        last,
    ]
    assert client.close() == 0


def _down(diagnostic: dict[str, Any], lines: int) -> dict[str, Any]:
    moved = {k: {**v, "line": v["line"] + lines} for k, v in diagnostic["range"].items()}
    return {**diagnostic, "range": moved}


TS_GOOD = (
    "console.log('a');\n"
    "try { load(); } catch (e) {}\n"
    "export function f() {\n"
    "  console.log('b');\n"
    "}\n"
)


def test_a_typescript_syntax_error_keeps_the_last_good_findings(server) -> None:  # noqa: F811
    # tree-sitter recovers from the error, but no rule runs on a guessed tree: the same
    # rule as for Python.
    client = server({})
    client.open("app.ts", TS_GOOD, "typescript")
    first, catch, last = (
        _diagnostic((0, 0), (0, 16), "console-logging", ERROR, CONSOLE_CREATING),
        _diagnostic((1, 16), (1, 28), "bare-except", ERROR, EMPTY_CATCH),
        _diagnostic((3, 2), (3, 18), "console-logging", ERROR, CONSOLE_CREATING),
    )
    assert client.diagnostics("app.ts") == [first, catch, last]
    broken = TS_GOOD.replace("try", "const x = ;\ntry")
    client.send(client.change("app.ts", broken, 2))
    error = _parse_error((1, 8), "cannot parse: unexpected '='")
    assert client.diagnostics("app.ts", 2) == [first, error, _down(catch, 1), _down(last, 1)]
    client.send(client.change("app.ts", broken.replace("= ;", "= 1;"), 3))
    assert client.diagnostics("app.ts", 3) == [first, _down(catch, 1), _down(last, 1)]
    assert client.close() == 0


def _at(line: int, end_line: int | None = None) -> Finding:
    end = Location(end_line or line, 3)
    return Finding(
        "x", Severity.LOW, "a.py", Location(line, 1), end, "m", Fix((Edit(0, 1, ""),), "f")
    )


def test_carried_findings_move_with_the_lines_and_go_with_a_changed_one() -> None:
    old = "a\nb\nc\nd\ne\nf\n"
    new = "a\nnew\nb\nC\nd\nf\n"  # a line in above b, c changed, e deleted
    findings = [_at(1), _at(2), _at(3), _at(4), _at(5), _at(6), _at(2, 4), _at(4, 6)]
    moved = carried(old, findings, new)
    assert [(f.start.line, f.end.line) for f in moved] == [(1, 1), (3, 3), (5, 5), (6, 6)]
    assert {f.fix for f in moved} == {None}  # its offsets are the old text's


# --- JSX children and JSX comments --------------------------------------------------------

ROW = (
    "export function Row({ item }) {\n"
    "  return (\n"
    "    <li>\n"
    "      {console.log(item)}\n"
    "      {item.name}\n"
    "    </li>\n"
    "  );\n"
    "}\n"
)
IN_JSX = (
    "`console.log` writes to the console; "
    "as a JSX child it runs on every render and renders nothing: remove it"
)


def test_a_jsx_child_gets_a_fix_and_a_jsx_comment_that_suppresses_it(server) -> None:  # noqa: F811
    client = server({})
    client.open("Row.jsx", ROW, "javascriptreact")
    found = _diagnostic((3, 7), (3, 24), "console-logging", ERROR, IN_JSX)
    assert client.diagnostics("Row.jsx") == [found]
    fix, suppress = client.actions("Row.jsx", (3, 7), (3, 7), ["quickfix"])
    assert (fix["title"], fix["diagnostics"]) == ("Fix: remove the `{...}` child (unsafe)", [found])
    assert fix["edit"] == {"changes": {client.uri("Row.jsx"): [_edit((3, 0), (4, 0), "")]}}
    assert suppress["title"] == "Suppress with `{/* audit: ignore[console-logging] */}`"
    comment = "      {/* audit: ignore[console-logging] */}\n"
    assert suppress["edit"] == {
        "changes": {client.uri("Row.jsx"): [_edit((3, 0), (3, 0), comment)]}
    }
    # The comment the action writes suppresses the finding.
    client.send(client.change("Row.jsx", apply(ROW, suppress["edit"]), 2))
    assert client.diagnostics("Row.jsx", 2) == []
    assert client.close() == 0
