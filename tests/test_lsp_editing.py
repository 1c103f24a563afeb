"""`audit lsp` while the user edits (issue 27 item 3): code actions edit the changed
characters only; the last good findings stay, moved with the lines, while a syntax
error is being typed; JSX children and JSX comments are handled like statements. Over
stdio, as tests/test_lsp.py drives it; the pure parts in this process."""

from __future__ import annotations

from typing import Any

import pytest
from test_lsp import (  # noqa: F401  (the fixture)
    ERROR,
    PRINT,
    THREE,
    _diagnostic,
    _range,
    apply,
    server,
)

from auditor.lsp.edits import changed_spans
from auditor.model import Edit


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
    # Two edits, the import and the call's name: not one edit over the lines between.
    binding = "import logging as _logging\n\n_logger = _logging.getLogger(__name__)\n"
    assert fix["edit"] == {
        "changes": {
            client.uri("app.py"): [
                _edit((1, 0), (1, 0), binding),
                _edit((4, 4), (4, 9), "_logger.info"),
            ]
        }
    }
    assert apply(text, fix["edit"]) == (
        "import os\n" + binding + "\n\ndef f():\n    _logger.info('x')\n"
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
