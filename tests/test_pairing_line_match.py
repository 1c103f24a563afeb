"""The tracker's line diff is difflib's, faster: `LineMatcher` gives difflib's opcodes
(autojunk off) exactly, `LineDiff.between` the same unchanged lines and replaced blocks as
when it ran difflib itself, and `common_ends` the same counts as a line-by-line walk."""

from __future__ import annotations

import difflib

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.scan.source import common_ends
from auditor.track.line_match import LineMatcher
from auditor.track.pairing import LineDiff


def difflib_opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    return list(difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes())


def test_ties_go_to_the_first_run_in_a_then_in_b() -> None:
    # Two runs of two lines each way: difflib takes a's first, matched to b's first copy.
    a = ["x", "y", "-", "x", "y"]
    b = ["x", "y", "+", "x", "y"]
    assert LineMatcher(a, b).get_opcodes() == [
        ("equal", 0, 2, 0, 2),
        ("replace", 2, 3, 2, 3),
        ("equal", 3, 5, 3, 5),
    ]
    a, b = ["p", "q"], ["q", "p", "q", "p"]
    assert LineMatcher(a, b).find_longest_match(0, 2, 0, 4) == (0, 1, 2)
    assert LineMatcher(a, b).get_opcodes() == difflib_opcodes(a, b)


def test_blank_lines_everywhere_and_one_moved_block() -> None:
    body = [f"line {n}" for n in range(40)]
    a = [*body[:20], "", "", *body[20:], "", ""]
    b = ["", *body[20:], "", *body[:20], ""]
    assert LineMatcher(a, b).get_opcodes() == difflib_opcodes(a, b)
    # The longest run is the moved block with a blank line each side; the first 20
    # lines, though in both, are on the wrong side of it.
    assert LineMatcher(a, b).get_opcodes() == [
        ("delete", 0, 21, 0, 0),
        ("equal", 21, 43, 0, 22),
        ("insert", 43, 43, 22, 42),
        ("equal", 43, 44, 42, 43),
    ]


def test_empty_and_equal_sides() -> None:
    for a, b in [
        ([], []),
        ([], ["a"]),
        (["a"], []),
        (["a", "b"], ["a", "b"]),
        ([""] * 9, [""] * 4),
    ]:
        assert LineMatcher(a, b).get_opcodes() == difflib_opcodes(a, b)
    assert LineMatcher(["a", "b"], ["c"]).get_opcodes() == [("replace", 0, 2, 0, 1)]
    assert LineMatcher([""] * 9, [""] * 4).get_opcodes() == [
        ("equal", 0, 4, 0, 4),
        ("delete", 4, 9, 4, 4),
    ]


def test_a_long_file_with_scattered_edits() -> None:
    # Many probes and windows: lines every fifth one blank, edits every 37 lines.
    a = ["" if n % 5 == 0 else f"code {n % 23}" for n in range(600)]
    b = [f"edit {n}" if n % 37 == 0 else line for n, line in enumerate(a)]
    b[300:300] = ["inserted"] * 3
    del b[100:110]
    assert LineMatcher(a, b).get_opcodes() == difflib_opcodes(a, b)
    assert LineMatcher(b, a).get_opcodes() == difflib_opcodes(b, a)


LINES = st.lists(st.sampled_from(["", "a", "b", "c", "pass", "}"]), max_size=40)


@settings(max_examples=400, deadline=None)
@given(LINES, LINES)
def test_opcodes_are_difflibs(a: list[str], b: list[str]) -> None:
    assert LineMatcher(a, b).get_opcodes() == difflib_opcodes(a, b)


@settings(max_examples=200, deadline=None)
@given(LINES, LINES, st.data())
def test_every_longest_match_is_difflibs(a: list[str], b: list[str], data: st.DataObject) -> None:
    alo = data.draw(st.integers(0, len(a)))
    ahi = data.draw(st.integers(alo, len(a)))
    blo = data.draw(st.integers(0, len(b)))
    bhi = data.draw(st.integers(blo, len(b)))
    expected = difflib.SequenceMatcher(None, a, b, autojunk=False).find_longest_match(
        alo, ahi, blo, bhi
    )
    found = LineMatcher(a, b).find_longest_match(alo, ahi, blo, bhi)
    assert found.size == expected.size
    if expected.size:  # without a match, difflib's (alo, blo) is never read
        assert found == expected


def difflib_line_diff(
    old: str, new: str
) -> tuple[list[tuple[int, int]], list[tuple[int, int, int, int]]]:
    """LineDiff.between as it was written over difflib, before the fast matcher."""
    a, b = old.splitlines(), new.splitlines()
    head, tail = common_ends(a, b)
    moved = {n: n for n in range(1, head + 1)}
    shift = len(b) - len(a)
    for n in range(len(a) - tail + 1, len(a) + 1):
        moved[n] = n + shift
    blocks = []
    ops = difflib_opcodes(a[head : len(a) - tail], b[head : len(b) - tail])
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            for offset in range(i2 - i1):
                moved[head + i1 + offset + 1] = head + j1 + offset + 1
        elif tag == "replace":
            blocks.append((head + i1 + 1, head + i2 + 1, head + j1 + 1, head + j2 + 1))
    return list(moved.items()), blocks


TEXTS = st.lists(st.sampled_from(["x = 1", "", "    pass", "except:", "y"]), max_size=25).map(
    "\n".join
)


@settings(max_examples=300, deadline=None)
@given(TEXTS, TEXTS)
def test_line_diff_is_the_difflib_one(old: str, new: str) -> None:
    diff = LineDiff.between(old, new)
    assert (list(diff.moved_to.items()), list(diff.blocks)) == difflib_line_diff(old, new)


def test_line_diff_of_only_added_or_only_removed_lines() -> None:
    diff = LineDiff.between("a\nb\nc\n", "a\nb\nx\ny\nc\n")
    assert list(diff.moved_to.items()) == [(1, 1), (2, 2), (3, 5)]
    assert diff.blocks == ()
    diff = LineDiff.between("a\nx\ny\nb\n", "a\nb\n")
    assert list(diff.moved_to.items()) == [(1, 1), (4, 2)]
    assert diff.blocks == ()
    diff = LineDiff.between("a\nb\n", "c\nd\ne\n")
    assert (diff.moved_to, diff.blocks) == ({}, ((1, 3, 1, 4),))


def line_by_line_ends(before: list[str], after: list[str]) -> tuple[int, int]:
    top = 0
    while top < min(len(before), len(after)) and before[top] == after[top]:
        top += 1
    bottom = 0
    while bottom < min(len(before), len(after)) - top and before[-1 - bottom] == after[-1 - bottom]:
        bottom += 1
    return top, bottom


def test_common_ends_exactly() -> None:
    assert common_ends([], []) == (0, 0)
    assert common_ends(["a", "b"], ["a", "b"]) == (2, 0)
    assert common_ends(["a", "b", "a"], ["a"]) == (1, 0)
    assert common_ends(["a", "x", "b", "c"], ["a", "y", "b", "c"]) == (1, 2)
    # the bottom never counts what the top took: "a" is shared once
    assert common_ends(["a", "a"], ["a", "b", "a"]) == (1, 1)
    assert common_ends(("a", "b"), ["a", "c"]) == (1, 0)  # any sequences, not only lists


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from("ab"), max_size=12), st.lists(st.sampled_from("ab"), max_size=12))
def test_common_ends_are_the_line_by_line_counts(before: list[str], after: list[str]) -> None:
    assert common_ends(before, after) == line_by_line_ends(before, after)
