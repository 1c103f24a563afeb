"""Parsing mypy's output, as JSON (mypy 1.11 and later) or as text."""

from __future__ import annotations

import json
import re

from auditor.sources.report import Parsed, Raw, SourceFailed, json_int

MYPY_JSON_FLAGS = ("--output", "json")
MYPY_TEXT_FLAGS = (
    "--show-column-numbers",
    "--show-error-end",
    "--show-error-codes",
    "--hide-error-context",
    "--no-error-summary",
    "--no-color-output",
    "--no-pretty",
)
_MYPY_LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>-?\d+):(?:(?P<column>-?\d+):)?(?:(?P<end_line>-?\d+):"
    r"(?P<end_column>-?\d+):)? (?P<level>error|warning|note): (?P<message>.*?)"
    r"(?:  \[(?P<code>[a-z0-9_-]+)\])?$"
)
_MYPY_FILE_LINE = re.compile(
    r"^(?P<file>[^:]+): (?P<level>error|warning|note): (?P<message>.*?)"
    r"(?:  \[(?P<code>[a-z0-9_-]+)\])?$"
)


def _mypy_position(value: int | None, offset: int = 0) -> int | None:
    return None if value is None or value + offset < 1 else value + offset


def parse_mypy_json(stdout: str) -> Parsed:
    """`mypy --output json` (mypy 1.11+): one object a line; columns 0-based, end columns
    exclusive; notes attached to an error are its `hint`, so every object is a result."""
    raws = []
    for number, line in enumerate(stdout.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            raise SourceFailed(f"unparsable output line {number}: {line.strip()[:200]}") from None
        if not isinstance(item, dict) or not isinstance(item.get("file"), str):
            raise SourceFailed(f"unparsable output line {number}: {line.strip()[:200]}")
        level = str(item.get("severity") or "error")
        code = item.get("code") if isinstance(item.get("code"), str) else None
        raws.append(
            Raw(
                code=code or "misc",
                path=item["file"],
                line=_mypy_position(json_int(item.get("line"))),
                column=_mypy_position(json_int(item.get("column")), 1),
                end_line=_mypy_position(json_int(item.get("end_line"))),
                end_column=_mypy_position(json_int(item.get("end_column")), 1),
                message=str(item.get("message") or ""),
                level=level,
            )
        )
    return Parsed(tuple(raws))


def parse_mypy_text(stdout: str) -> Parsed:
    """mypy's text output with MYPY_TEXT_FLAGS: `file:line:col:end_line:end_col: level:
    message  [code]`, end column inclusive. A note on the line of the error (or note) just
    before it belongs to that error, as the JSON output's `hint` does, and is dropped."""
    raws: list[Raw] = []
    previous: tuple[str, int | None] | None = None
    for number, line in enumerate(stdout.splitlines(), 1):
        if not line.strip():
            continue
        match = _MYPY_LINE.match(line) or _MYPY_FILE_LINE.match(line)
        if match is None:
            raise SourceFailed(f"unparsable output line {number}: {line.strip()[:200]}")
        groups = match.groupdict()
        where = (groups["file"], int(groups["line"]) if groups.get("line") else None)
        level = groups["level"]
        if level == "note" and where == previous:
            continue
        previous = where
        raws.append(
            Raw(
                code=groups.get("code") or "misc",
                path=groups["file"],
                line=_mypy_position(where[1]),
                column=_mypy_position(_maybe_int(groups.get("column"))),
                end_line=_mypy_position(_maybe_int(groups.get("end_line"))),
                end_column=_mypy_position(_maybe_int(groups.get("end_column")), 1),
                message=groups["message"],
                level=level,
            )
        )
    return Parsed(tuple(raws))


def _maybe_int(text: str | None) -> int | None:
    return int(text) if text else None
