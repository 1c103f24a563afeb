"""Decoding source files the way their interpreters do, and mapping offsets to positions."""

from __future__ import annotations

import bisect
import codecs
import io
import itertools
import re
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass

from auditor.model import Location

NEWLINE = re.compile(r"\r\n?|\n")
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+\Z")


def split_lines(text: str, keepends: bool = False) -> list[str]:
    """The lines as tokenize, ast and LibCST count them: ended by \\n, \\r\\n or \\r only.
    `str.splitlines` also ends a line at a form feed, U+2028 and six more characters that
    are not line breaks in code, and every line number after one would be off."""
    if "\r" not in text:  # the common case, in C: str.split is ten times the regex's speed
        lines = text.split("\n")
        if keepends:
            ended = [line + "\n" for line in lines[:-1]]
            return [*ended, lines[-1]] if lines[-1] else ended
        return lines[:-1] if not lines[-1] else lines
    lines = _LINE.findall(text)
    return lines if keepends else [line.rstrip("\r\n") for line in lines]


def common_ends(before: Sequence[str], after: Sequence[str]) -> tuple[int, int]:
    """How many lines two texts share at the top, then at the bottom of what is left:
    they cost nothing to match, so a diff of a one-line edit in a large file stays
    linear."""
    first, second = list(before), list(after)
    top = _common_start(first, second, min(len(first), len(second)))
    first.reverse()
    second.reverse()
    return top, _common_start(first, second, min(len(first), len(second)) - top)


def _common_start(first: list[str], second: list[str], limit: int) -> int:
    """How many lines, `limit` at most, two lists start with alike: halving the span
    that may differ, each half compared in C rather than a line at a time."""
    same, most = 0, limit
    while same < most:
        middle = (same + most + 1) // 2
        if first[same:middle] == second[same:middle]:
            same = middle
        else:
            most = middle - 1
    return same


class DecodeError(ValueError):
    """The bytes are not text in the declared (or default) encoding."""

    def __init__(self, message: str, location: Location) -> None:
        super().__init__(message)
        self.location = location


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str  # without BOM, newlines untouched
    encoding: str  # a codec name; "utf-8-sig" means a BOM is written back


def decode_python(data: bytes) -> Decoded:
    """PEP 263: a BOM or a coding line decides, else UTF-8."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:  # unknown codec name or BOM contradicting the coding line
        raise DecodeError(str(exc), Location(exc.lineno or 1, 1)) from None
    return Decoded(_decode(data, encoding), encoding)


def decode_utf8(data: bytes) -> Decoded:
    encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    return Decoded(_decode(data, encoding), encoding)


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        head = data[: exc.start]
        line = head.count(b"\n") + 1
        column = exc.start - (head.rfind(b"\n") + 1) + 1
        raise DecodeError(
            f"not valid {encoding}: byte 0x{data[exc.start]:02x} cannot be decoded",
            Location(line, column),
        ) from None


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding)


class LineIndex:
    """Offset <-> (line, column) for one text, with the same newline rules as LibCST."""

    def __init__(self, text: str) -> None:
        if "\r" in text:
            self.starts = [0, *(m.end() for m in NEWLINE.finditer(text))]
        else:  # the common case, without a Python call per line
            lengths = map(len, text.split("\n")[:-1])
            self.starts = list(itertools.accumulate(map((1).__add__, lengths), initial=0))

    def location(self, offset: int) -> Location:
        line = bisect.bisect_right(self.starts, offset) - 1
        return Location(line + 1, offset - self.starts[line] + 1)

    def offset(self, location: Location) -> int:
        return self.starts[location.line - 1] + location.column - 1


_LAST: list[tuple[str, LineIndex]] = []  # the last two texts asked for, the newest first


def line_index(text: str) -> LineIndex:
    """`LineIndex(text)`, made again only for another text than the last two: one scan
    of a file asks for it for its rules' positions, its fingerprints and the history's
    keys, and a component's for its script (the markup blanked) and for the file."""
    for known, index in _LAST:
        if known is text:
            return index
    index = LineIndex(text)
    _LAST[:] = [(text, index), *_LAST[:1]]
    return index
