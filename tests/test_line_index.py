"""Offsets and (line, column) of a text, and the indexes kept for the last two texts asked."""

from auditor.model import Location
from auditor.scan.source import LineIndex, line_index


def test_line_index_answers_for_the_text_asked_not_the_last() -> None:
    first = "a = 1\nb = 2\n"
    assert line_index(first).starts == [0, 6, 12]
    assert line_index(first) is line_index(first)  # the same text: not made again
    second = "x\r\ny = 'é'\n"
    index = line_index(second)
    assert index.starts == [0, 3, 11]
    assert index.location(9) == Location(2, 7)
    assert line_index(first).starts == [0, 6, 12]
    assert line_index(second).starts == LineIndex(second).starts


def test_the_last_two_texts_are_answered_without_a_new_index() -> None:
    script, whole = "x = 1\n", "<p>\nx = 1\n"
    kept = line_index(script), line_index(whole)
    assert (line_index(script), line_index(whole)) == kept
    assert line_index(script) is kept[0] and line_index(whole) is kept[1]
    third = "y\n"
    line_index(third)
    assert line_index(third).starts == [0, 2]
    assert line_index(script) is not kept[0]  # the oldest of three was let go
