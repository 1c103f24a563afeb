"""The project files rules read besides the scanned file (a package.json's "type", a
tsconfig's `paths`, the project's logger module), stamped so that the result cache
forgets what depended on them."""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from auditor.scan.discovery import SourcePath
from auditor.scan.loading import ActiveRule

_WILDCARDS = frozenset("*?[")
_ALTSEP = os.altsep or os.sep


def stamp(
    root: Path, files: Iterable[SourcePath], rules: Sequence[ActiveRule]
) -> list[list[object]]:
    """[path, size, mtime_ns] of every file named by a rule's PROJECT_FILES in the
    directory of a scanned file of its languages, or in a parent up to `root`. A pattern
    with a slash names files under those directories ("models/*.py", "utils/logger.py",
    "src/lib/logger.*"): wildcards only in its last part."""
    wanted: dict[str, set[str]] = {}
    for active in rules:
        for language in active.cls.languages:
            wanted.setdefault(language, set()).update(active.cls.PROJECT_FILES)
    if not any(wanted.values()):
        return []
    top = str(root)
    # On strings, not Paths: this climbs from every scanned file (a warm run's cost).
    patterns_of: dict[str, set[str]] = {}
    climbed: set[tuple[str, str]] = set()  # (folder of a file, its language)
    for source in files:
        patterns = wanted.get(source.language)
        if not patterns:
            continue
        location = source.location
        # The path up to its last separator, on which alone `dirname` depends: a file
        # beside one already climbed from adds nothing (most of them).
        folder = location[: max(location.rfind(os.sep), location.rfind(_ALTSEP)) + 1]
        if (folder, source.language) in climbed:
            continue
        climbed.add((folder, source.language))
        directory = os.path.dirname(location)
        while True:
            known = patterns_of.setdefault(directory, set())
            if patterns <= known:
                break  # this directory and its parents are already listed for them
            known.update(patterns)
            parent = os.path.dirname(directory)
            if directory == top or parent == directory:
                break
            directory = parent
    listings = _Listings()
    plans: dict[frozenset[str], _Plan] = {}
    found: list[list[object]] = []
    # Sorted by parts, as Paths sort: the stamp, and so the cache key, stays the same.
    for directory, patterns in sorted(patterns_of.items(), key=_parts):
        frozen = frozenset(patterns)
        plan = plans.get(frozen) or plans.setdefault(frozen, _Plan(frozen))
        for path in sorted(plan.matches(listings, directory), key=_path_parts):
            try:
                st = os.stat(path)
            except OSError:
                continue
            found.append([path, st.st_size, st.st_mtime_ns])
    return found


def _parts(item: tuple[str, set[str]]) -> list[str]:
    return _path_parts(item[0])


def _path_parts(path: str) -> list[str]:
    return path.split(os.sep)


class _Plan:
    """A set of patterns grouped by the folders they name, the last parts of each group
    one `_Matcher`: a directory is matched in one pass over its listing."""

    def __init__(self, patterns: frozenset[str]) -> None:
        self.globbed: list[str] = []  # wildcards in a folder: Path.glob, as before
        names: dict[tuple[str, ...], list[str]] = {}
        for pattern in sorted(patterns):
            *folders, last = pattern.split("/")
            if any(_WILDCARDS & set(folder) for folder in folders):
                self.globbed.append(pattern)
            else:
                names.setdefault(tuple(folders), []).append(last)
        self.groups = [(folders, tuple(lasts)) for folders, lasts in names.items()]

    def matches(self, listings: _Listings, directory: str) -> set[str]:
        found: set[str] = set()
        for pattern in self.globbed:
            found.update(str(p) for p in Path(directory).glob(pattern))
        # Every group looks in the directory's own listing first: most name folders it
        # does not have.
        names_here = listings.names(directory) if self.groups else frozenset()
        for folders, lasts in self.groups:
            if folders and folders[0] not in names_here:
                continue
            here = directory
            for folder in folders:
                if folder not in listings.names(here):
                    break
                here = os.path.join(here, folder)
            else:
                names = listings.names(here)
                found.update(os.path.join(here, n) for n in _matcher(lasts).matching(names))
        return found


@functools.cache
def _matcher(patterns: tuple[str, ...]) -> _Matcher:
    return _Matcher(patterns)


class _Matcher:
    """fnmatch.fnmatchcase against any of `patterns`, where most are a name ("logger.py")
    or one `*` between two literal parts ("requirements*.txt", "logger.*"): those are
    looked up and compared, and only the others go through a regular expression. Made when
    a directory first has the group's folders: most groups name folders no directory has
    ("src/utils/logger.*"). Compiling a regular expression for each group that is used cost
    a warm run a quarter of the stamp."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.names = frozenset(p for p in patterns if not _WILDCARDS & set(p))
        # A '*' matches any characters: a name matches "a*b" when it is at least as long
        # as "ab", starts with "a" and ends with "b".
        self.stars = tuple(
            (head, tail, len(head) + len(tail))
            for head, tail in (p.split("*") for p in patterns if _one_star(p))
        )
        # What any of them starts and ends with: most names are passed over by these two
        # calls, without a loop over the patterns.
        self.heads = tuple(head for head, _, _ in self.stars)
        self.tails = tuple(tail for _, tail, _ in self.stars)
        rest = [p for p in patterns if _WILDCARDS & set(p) and not _one_star(p)]
        self._match: Callable[[str], object] | None = None
        if rest:
            self._match = re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in rest)).match

    def matching(self, names: frozenset[str]) -> Iterator[str]:
        """The names that match a pattern."""
        yield from self.names & names
        if not self.stars and self._match is None:
            return
        heads, tails = self.heads, self.tails
        for name in names:
            if (
                name.startswith(heads)
                and name.endswith(tails)
                and any(
                    len(name) >= least and name.startswith(head) and name.endswith(tail)
                    for head, tail, least in self.stars
                )
            ) or (self._match is not None and self._match(name)):
                yield name


def _one_star(pattern: str) -> bool:
    return pattern.count("*") == 1 and "?" not in pattern and "[" not in pattern


class _Listings:
    """Directory listings, each read once: a logger's dozens of places ("src/lib/logger.*",
    "utils/logger.py", ...) are looked for in every parent of every scanned file, and a
    folder that is not there costs one look at its parent's listing."""

    def __init__(self) -> None:
        self._names: dict[str, frozenset[str]] = {}

    def names(self, directory: str) -> frozenset[str]:
        known = self._names.get(directory)
        if known is None:
            try:
                known = frozenset(os.listdir(directory))
            except OSError:  # not there, or not a directory
                known = frozenset()
            self._names[directory] = known
        return known
