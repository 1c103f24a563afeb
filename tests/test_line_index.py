"""Offsets and (line, column) of a text, and the one index kept for the last text asked."""

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
