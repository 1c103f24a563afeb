"""The project files rules read besides the scanned file (a package.json's "type", a
tsconfig's `paths`, the project's logger module), stamped so that the result cache
forgets what depended on them."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from auditor.scan.discovery import SourcePath
from auditor.scan.loading import ActiveRule

_WILDCARDS = frozenset("*?[")


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
    patterns_of: dict[Path, set[str]] = {}
    for source in files:
        patterns = wanted.get(source.language)
        if not patterns:
            continue
        directory = source.path.parent
        while True:
            known = patterns_of.setdefault(directory, set())
            if patterns <= known:
                break  # this directory and its parents are already listed for them
            known.update(patterns)
            if directory == root or directory.parent == directory:
                break
            directory = directory.parent
    listings = _Listings()
    found: list[list[object]] = []
    for directory, patterns in sorted(patterns_of.items()):
        paths = sorted({p for pattern in patterns for p in listings.matches(directory, pattern)})
        for path in paths:
            try:
                st = path.stat()
            except OSError:
                continue
            found.append([str(path), st.st_size, st.st_mtime_ns])
    return found


class _Listings:
    """Directory listings, each read once: a logger's dozens of places ("src/lib/logger.*",
    "utils/logger.py", ...) are looked for in every parent of every scanned file, and a
    folder that is not there costs one look at its parent's listing."""

    def __init__(self) -> None:
        self._names: dict[Path, frozenset[str]] = {}

    def names(self, directory: Path) -> frozenset[str]:
        known = self._names.get(directory)
        if known is None:
            try:
                known = frozenset(os.listdir(directory))
            except OSError:  # not there, or not a directory
                known = frozenset()
            self._names[directory] = known
        return known

    def matches(self, directory: Path, pattern: str) -> list[Path]:
        *folders, last = pattern.split("/")
        if any(_WILDCARDS & set(folder) for folder in folders):
            return sorted(directory.glob(pattern))
        for folder in folders:
            if folder not in self.names(directory):
                return []
            directory = directory / folder
        return [directory / n for n in self.names(directory) if fnmatch.fnmatchcase(n, last)]
