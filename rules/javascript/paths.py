"""Path globs for the JavaScript/TypeScript rules' options. `auditor.globs` has .gitignore
semantics, which know no `{a,b}` alternatives; JS tooling writes them everywhere
(`**/*.config.{js,ts}`), so they are expanded into one pattern each first."""

from __future__ import annotations

import re
from collections.abc import Iterable

from auditor.plugins import globs

TEST_FILES = ("*.test.*", "*.spec.*", "__tests__/")

_BRACES = re.compile(r"\{([^{}]*)\}")


def expand_braces(pattern: str) -> tuple[str, ...]:
    """`**/config.{js,ts}` -> `**/config.js`, `**/config.ts` (nested and repeated groups
    too); a pattern without a group is returned as it is."""
    match = _BRACES.search(pattern)
    if match is None:
        return (pattern,)
    head, tail = pattern[: match.start()], pattern[match.end() :]
    return tuple(
        expanded
        for choice in match.group(1).split(",")
        for expanded in expand_braces(head + choice + tail)
    )


def expand_all(patterns: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for pattern in patterns for p in expand_braces(pattern)))


def matches(path: str, patterns: Iterable[str]) -> bool:
    return globs(expand_all(patterns)).match(path)
