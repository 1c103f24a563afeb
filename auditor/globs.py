"""Path patterns with .gitignore semantics, relative to the project root: used for
exclude, per-file ignores and the path options of rules."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec

# pathspec marks a match through a directory with this group; one alternation of all
# the patterns cannot hold a group name twice, and needs no groups.
_DIR_GROUP = "(?P<ps_d>"
# A bare name ("build", ".venv", "site-packages"): no slash, wildcard, escape or space.
# Its gitignore meaning, a file or directory of that name anywhere, is written here: the
# default excludes are all such names, and a warm scan need not import pathspec for them.
_NAME = re.compile(r"\.?[A-Za-z0-9_][A-Za-z0-9_.-]*")
# The separators pathspec turns into '/' (none on a posix system).
_SEPARATORS = tuple(s for s in (os.sep, os.altsep) if s and s != "/")


class Globs:
    __slots__ = ("_search", "_spec", "patterns")

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(patterns)
        self._spec: pathspec.GitIgnoreSpec | None = None
        self._search = _names_search(self.patterns)
        if self._search is None:
            import pathspec

            self._spec = pathspec.GitIgnoreSpec.from_lines(self.patterns)
            self._search = _one_search(self._spec)

    def match(self, path: str) -> bool:
        """`path` is posix and relative; a directory may end with '/'."""
        if not self.patterns:
            return False
        if self._search is not None:
            return self._search(_normalized(path)) is not None
        assert self._spec is not None
        # bool(): pathspec before 0.12.1 answers None for a path no pattern matches.
        return bool(self._spec.match_file(path))

    def __bool__(self) -> bool:
        return bool(self.patterns)


def _normalized(path: str) -> str:
    """pathspec.util.normalize_file: '/' separators, relative."""
    for separator in _SEPARATORS:
        path = path.replace(separator, "/")
    if path.startswith("/"):
        return path[1:]
    return path[2:] if path.startswith("./") else path


def _names_search(patterns: Iterable[str]) -> Callable[[str], object] | None:
    """One search for patterns that are all bare names or `*` (or blank lines and
    comments), as pathspec would compile them; None for any other pattern. `*` is what
    the cache folder's own .gitignore says (auditor.scan.cache writes it)."""
    names = [p for p in patterns if p and not p.startswith("#")]
    if not all(name == "*" or _NAME.fullmatch(name) for name in names):
        return None
    if not names:
        return lambda path: None  # blank lines only: nothing matches
    alternatives = "|".join("[^/]+" if name == "*" else re.escape(name) for name in names)
    return re.compile(f"^(?:.+/)?(?:{alternatives})(?:/|$)").search


def _one_search(spec: pathspec.GitIgnoreSpec) -> Callable[[str], object] | None:
    """One regular expression for all the patterns, when none excludes (`!x`): then a path
    is matched when any pattern matches it, which one search answers, where pathspec
    tries each pattern in turn (a walk asks it of every file). None when a pattern is
    negated or of a shape this does not know: pathspec answers then."""
    parts: list[str] = []
    flags = 0
    for pattern in spec.patterns:
        include = getattr(pattern, "include", None)
        regex = getattr(pattern, "regex", None)
        if include is None:
            continue  # a comment or a blank line
        if include is not True or not isinstance(regex, re.Pattern):
            return None
        text = regex.pattern
        if not isinstance(text, str) or set(regex.groupindex) - {"ps_d"}:
            return None
        parts.append("(?:" + text.replace(_DIR_GROUP, "(?:") + ")")
        flags |= regex.flags
    if not parts:
        return None
    try:
        return re.compile("|".join(parts), flags).search
    except re.error:
        return None


@lru_cache(maxsize=256)
def globs(patterns: tuple[str, ...]) -> Globs:
    """Shared compiled patterns: rules ask for the same option globs in every file."""
    return Globs(patterns)
