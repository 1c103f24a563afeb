"""A finding's identity is what its code says: the token keys formatters cannot change,
and the line diffs the pairing reads."""

from __future__ import annotations

import pytest

from auditor.track.identity import token_key, token_lines
from auditor.track.pairing import LineDiff


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("print('total', len(items),)", 'print(\n    "total",\n    len(items),\n)'),
        ("os.environ['HOME']  # where", 'os.environ["HOME"]'),
        ("f'{x} y'", 'f"{x} y"'),
        ("u'text'", "'text'"),
        ("'it\\'s'", '"it\'s"'),
        ("console.warn('bad', x)", 'console.warn("bad", x);'),
        ("x = 1 + \\\n    2", "x = 1 + 2"),
        ("except :", "except:"),
    ],
)
def test_formatting_leaves_the_key_alone(one: str, other: str) -> None:
    assert token_key(one) == token_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("b'x'", "'x'"),
        ("os.environ['A_HOST']", "os.environ['B_HOST']"),
        ("print(a, b)", "print(b, a)"),
        ("`a${b}`", "'a${b}'"),
    ],
)
def test_what_the_code_says_changes_the_key(one: str, other: str) -> None:
    assert token_key(one) != token_key(other)


def test_keys_are_exact_tokens() -> None:
    assert token_key("print( 'total',\n  n, )\nnext()") == "print ( 'total' , n )"
    assert token_lines("try:\n    run()\nexcept:\n    pass\n", 14, 2) == ["except :", "pass"]
    assert token_lines("a = 1\n", 0, 3) == ["a = 1", "", ""]


def test_line_diff_maps_untouched_lines_and_names_replaced_blocks() -> None:
    old = "a\nb\nc\nd\ne\n"
    new = "a\nB\nc\nx\nd\ne\n"
    diff = LineDiff.between(old, new)
    assert diff.moved_to == {1: 1, 3: 3, 4: 5, 5: 6}
    assert diff.blocks == ((2, 3, 2, 3),)  # the insertion of x is no edit in place
    assert diff.block_of((2, 2), None) == 0 and diff.block_of(None, (4, 4)) is None
    # a finding written over lines 1 to 3 meets the edit of line 2: an edit in place
    assert diff.block_of((1, 3), None) == 0 and diff.block_of(None, (3, 5)) is None


@pytest.mark.parametrize(
    ("code", "key"),
    [
        ("f('a', \"b\")", "f ( 'a' , 'b' )"),
        ("f('''x\ny''')", "f ( 'x\\ny' )"),
        ("f('''x\r\ny''')", "f ( 'x\\ny' )"),  # the parser reads "\r\n" as "\n"
        ("f('\\x41\\n')", "f ( 'A\\n' )"),
        ("f('é', \"it's\")", "f ( 'é' , \"it's\" )"),
        ("f('a\x00b')", "f ( ~'a\\x00b' )"),  # refused by the parser: kept as written
        ("f(b'a', r'\\d')", "f ( bb'a' , r'\\\\d' )"),
        ("f(`a${b}`)", "f ( `'a${b}' )"),
    ],
)
def test_a_string_is_keyed_by_its_value(code: str, key: str) -> None:
    assert token_key(code) == key
