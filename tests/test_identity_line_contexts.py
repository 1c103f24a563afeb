"""What can be found of a finding in a file that cannot be parsed: its lines as tokens.
`LineContexts` counts only what is asked, `LineReader` reads each logical line once;
both answer exactly as `token_lines` read from every line's start."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.scan.source import LineIndex
from auditor.track.blob_scan import LineContexts
from auditor.track.dark import _Surplus
from auditor.track.identity import MAX_TOKENS, LineReader, token_lines


def every_line(text: str) -> Counter[tuple[str, str]]:
    """Each line from its start, alone and with the next, read by token_lines."""
    starts = LineIndex(text).starts
    found: Counter[tuple[str, str]] = Counter()
    for start in starts[:-1] if starts[-1] == len(text) else starts:
        line, after = token_lines(text, start, 2)
        if line:
            found["key", line] += 1
            found["after", f"{line}\n{after}"] += 1
    return found


PY2 = '''\
import os

# a comment line
def handler(request):
    """Handle it.

    >>> handler(x) # doctest
    'done'
    """
    try:
        print "saved", request
    except:
        pass

    data = {
        'a': 1,   # trailing
        "b": (2,
              3),
    }
    x = 1 + \\
        2; y = 3
    return rb'raw' + f"{x}" + u'text'
'''

JS = """\
// leading comment
const a = `template
spanning ${b}
lines`;
/* block
   comment */ console.log('x');
; leading semicolon
\tif (a) {\f
  /regex/.test(a)
}
"""


def test_counts_are_every_line_read_from_its_start() -> None:
    for text in (PY2, JS, PY2.replace("\n", "\r\n"), "a\rb\r\nc\n", "x = 1", "", "\n\n"):
        contexts = LineContexts(text)
        expected = every_line(text)
        for (tier, value), count in expected.items():
            assert contexts.count(tier, value) == count, (text, tier, value)
            assert contexts.count(tier, value + " x") == expected[tier, value + " x"]
        assert contexts.count("key", "") == 0 and contexts.count("after", "\nx") == 0


def test_blank_and_comment_lines_count_the_code_after_them() -> None:
    text = "\n  \n# note\nexcept:\n    pass\n\n"
    contexts = LineContexts(text)
    # Four starts read as `except :` (the blank lines, the comment, the line itself).
    assert contexts.count("key", "except :") == 4
    assert contexts.count("after", "except :\npass") == 4
    assert contexts.count("key", "pass") == 1
    assert contexts.count("after", "pass\n") == 1
    assert contexts.count("key", "# note") == 0


def test_a_docstring_line_reads_as_code_from_its_start() -> None:
    contexts = LineContexts(PY2)
    # The doctest line (and the blank line above it), its comment dropped.
    assert contexts.count("after", "> > > handler ( x )\n'done'") == 2
    # Then the closing quotes read as an empty string and an opening quote.
    assert contexts.count("after", "'done'\n'' \"") == 1
    assert contexts.count("key", "print 'saved' , request") == 1


def test_lines_starting_with_what_a_token_rewrites() -> None:
    text = "rb'a' + x\nu'b'\nf\"{c}\"\nfrom x import y\n;z\n\\\nw\n"
    contexts = LineContexts(text)
    assert contexts.count("key", "rb'a' + x") == 0  # written as its value: b'a', kind br
    assert contexts.count("key", "brb'a' + x") == 1
    assert contexts.count("key", "'b'") == 1
    assert contexts.count("key", "f~'{c}'") == 1
    assert contexts.count("key", "from x import y") == 1
    assert contexts.count("key", "z") == 1  # the semicolon dropped
    assert contexts.count("key", "w") == 2  # the continuation joins its line to the next


def test_surplus_is_what_one_side_has_more_of_less_what_is_taken() -> None:
    old = LineContexts("except:\n    pass\nexcept:\n    pass\n")
    new = LineContexts("except:\n    pass\n")
    left, came = _Surplus(old, new), _Surplus(new, old)
    key = ("after", "except :\npass")
    assert (left[key], came[key]) == (1, 0)
    left.take(key)
    assert left[key] == 0
    assert _Surplus(None, new)[key] == 0 and _Surplus(new, None)[key] == 1


def test_token_lines_exactly() -> None:
    text = "a(1,\n  2,\n)\nb = 'x'; c\n\\\nd\n"
    assert token_lines(text, 0, 3) == ["a ( 1 , 2 )", "b = 'x' c", "d"]
    assert token_lines(text, 0, 5) == ["a ( 1 , 2 )", "b = 'x' c", "d", "", ""]
    assert token_lines(text, 5, 2) == ["2 ,", ")"]  # from within the brackets
    assert token_lines(text, 0, 2, 8) == ["a ( 1 , 2", ""]  # ends where it is told
    long = " ".join(["x"] * (MAX_TOKENS + 5))
    first, rest = token_lines(long, 0, 2)
    assert first == " ".join(["x"] * MAX_TOKENS) and rest == " ".join(["x"] * 5)


PIECES = st.sampled_from(
    [
        "\n",
        "\r\n",
        "\r",
        " ",
        "\t",
        "\f",
        "x",
        "pass",
        "(",
        ")",
        ",",
        ";",
        "\\\n",
        "#c",
        "//c",
        "/*",
        "*/",
        "'",
        '"',
        '"""',
        "`",
        "rb'",
        'f"',
        "u",
        "1.5",
        "$a",
        "_b.c",
        "\xe9",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_any_text_counts_as_every_line_read(text: str) -> None:
    contexts = LineContexts(text)
    expected = every_line(text)
    for (tier, value), count in expected.items():
        assert contexts.count(tier, value) == count
    for value in ("x", "pass", "( x )", "'", "x\n"):
        assert contexts.count("key", value) == expected["key", value]
        assert contexts.count("after", value) == expected["after", value]


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join), st.data())
def test_reader_reads_as_token_lines(text: str, data: st.DataObject) -> None:
    reader = LineReader(text)
    starts = [*LineIndex(text).starts, *data.draw(st.lists(st.integers(0, len(text))))]
    for start in starts:
        assert reader.first_two(start) == tuple(token_lines(text, start, 2))
