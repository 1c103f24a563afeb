"""The project files rules read besides the scanned file (a package.json's "type", a
tsconfig's `paths`), stamped so that the result cache forgets what depended on them."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from auditor.scan.discovery import SourcePath
from auditor.scan.loading import ActiveRule


def stamp(
    root: Path, files: Iterable[SourcePath], rules: Sequence[ActiveRule]
) -> list[list[object]]:
    """[path, size, mtime_ns] of every file named by a rule's PROJECT_FILES in the
    directory of a scanned file of its languages, or in a parent up to `root` (a pattern
    with a slash names files under those directories: "models/*.py")."""
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
    found: list[list[object]] = []
    for directory, patterns in sorted(patterns_of.items()):
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            continue
        paths = [directory / n for n in names if any(fnmatch.fnmatchcase(n, p) for p in patterns)]
        # A pattern with a slash is a path under the directory: "models/*.py".
        for pattern in sorted(p for p in patterns if "/" in p):
            paths.extend(sorted(directory.glob(pattern)))
        for path in paths:
            try:
                st = path.stat()
            except OSError:
                continue
            found.append([str(path), st.st_size, st.st_mtime_ns])
    return found
