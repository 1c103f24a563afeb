"""Path patterns with .gitignore semantics, relative to the project root: used for
exclude, per-file ignores and the path options of rules."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import pathspec


class Globs:
    __slots__ = ("_spec", "patterns")

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(patterns)
        self._spec = pathspec.GitIgnoreSpec.from_lines(self.patterns)

    def match(self, path: str) -> bool:
        """`path` is posix and relative; a directory may end with '/'."""
        # bool(): pathspec before 0.12.1 answers None for a path no pattern matches.
        return bool(self.patterns) and bool(self._spec.match_file(path))

    def __bool__(self) -> bool:
        return bool(self.patterns)


@lru_cache(maxsize=256)
def globs(patterns: tuple[str, ...]) -> Globs:
    """Shared compiled patterns: rules ask for the same option globs in every file."""
    return Globs(patterns)
