"""Positions between auditor and LSP. auditor counts 1-based lines and 1-based columns in
characters (code points); LSP counts 0-based lines and columns in code units of the
negotiated encoding, UTF-16 unless the client offered another. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.model import Location
from auditor.scan.source import LineIndex

UTF8 = "utf-8"
UTF16 = "utf-16"
UTF32 = "utf-32"


def units(text: str, encoding: str = UTF16) -> int:
    """How many code units of `encoding` the characters of `text` take."""
    if text.isascii() or encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    # Characters beyond the Basic Multilingual Plane are two UTF-16 units (a surrogate pair).
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def characters(line: str, count: int, encoding: str = UTF16) -> int:
    """How many characters of `line` the first `count` code units of `encoding` cover; a
    count inside a character (half a surrogate pair) ends after it."""
    if line.isascii() or encoding == UTF32:
        return min(count, len(line))
    seen = 0
    for index, char in enumerate(line):
        if seen >= count:
            return index
        seen += units(char, encoding)
    return len(line)


@dataclass(frozen=True, slots=True)
class Point:
    """An LSP position: 0-based line, column in code units."""

    line: int
    character: int


class TextPositions:
    """Offsets and auditor Locations of one text, as LSP positions (and back)."""

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self.encoding = encoding
        self.index = LineIndex(text)

    @property
    def lines(self) -> int:
        return len(self.index.starts)

    def line_text(self, line: int) -> str:
        """The 0-based line `line`, without its line break."""
        starts = self.index.starts
        start = starts[line]
        end = starts[line + 1] if line + 1 < len(starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def point(self, location: Location) -> Point:
        """An auditor Location as an LSP position; one past the last line is the end."""
        if location.line > self.lines:
            last = self.lines - 1
            return Point(last, units(self.line_text(last), self.encoding))
        line = max(location.line, 1) - 1
        column = max(location.column, 1) - 1
        return Point(line, units(self.line_text(line)[:column], self.encoding))

    def point_at(self, offset: int) -> Point:
        """A character offset into the text as an LSP position."""
        offset = min(max(offset, 0), len(self.text))
        return self.point(self.index.location(offset))

    def offset(self, point: Point) -> int:
        """An LSP position as a character offset (clamped to its line, as LSP says)."""
        if point.line >= self.lines:
            return len(self.text)
        line = max(point.line, 0)
        text = self.line_text(line)
        return self.index.starts[line] + characters(text, max(point.character, 0), self.encoding)
