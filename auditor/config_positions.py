"""Where a key of a TOML config is set, for error messages: tomllib gives no positions,
so the file is read again, line by line, only when an error names a key."""

from __future__ import annotations

import re
from pathlib import Path

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_ASSIGNMENT = re.compile(
    r"^(\s*)((?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_-]+))*)\s*="
)


def _key_parts(text: str) -> list[str]:
    return [
        part.strip().strip("\"'")
        for part in re.split(r"\.(?=(?:[^\"']*[\"'][^\"']*[\"'])*[^\"']*$)", text)
    ]


def key_position(file: Path, key: str) -> tuple[int, int] | None:
    """The line and column (1-based) where `key` (dotted, from the file's top) is set or
    its table begins, or the nearest enclosing key that is: tomllib gives no positions,
    so the file is read again, for an error message only."""
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    places: dict[str, tuple[int, int]] = {}
    table: list[str] = []
    for number, line in enumerate(lines, 1):
        header = _HEADER.match(line)
        if header is not None:
            table = _key_parts(header.group(1))
            places.setdefault(".".join(table), (number, line.index("[") + 1))
            continue
        assignment = _ASSIGNMENT.match(line)
        if assignment is not None:
            full = ".".join([*table, *_key_parts(assignment.group(2))])
            places.setdefault(full, (number, len(assignment.group(1)) + 1))
    parts = key.split(".")
    while parts:
        found = places.get(".".join(parts))
        if found is not None:
            return found
        parts.pop()
    return None
