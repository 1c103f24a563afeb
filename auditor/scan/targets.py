"""What a scan reads: the files under the paths given (or the configured include), and
an account of what it could not read or will not check (read-errors for folders that
cannot be listed, skip notes for files of a kind no rule reads yet). Temporary files a
killed run left behind are swept on the way."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.config import Config
from auditor.globs import Globs
from auditor.model import READ_ERROR, Finding, error_finding
from auditor.scan.discovery import SourcePath, discover_all, unread_reason
from auditor.scan.fileio import sweep
from auditor.scan.generated import skipped_finding

if TYPE_CHECKING:
    from auditor.scan.unreadable import Unreadable


def files_to_scan(
    config: Config,
    paths: Sequence[Path],
    languages: frozenset[str],
    *,
    force_exclude: bool = False,
) -> list[SourcePath]:
    return sources_to_scan(config, paths, languages, force_exclude=force_exclude)[0]


def sources_to_scan(
    config: Config,
    paths: Sequence[Path],
    languages: frozenset[str],
    *,
    force_exclude: bool = False,
    cache_dir: Path | None = None,
) -> tuple[list[SourcePath], list[Finding]]:
    """The files to scan, and a read-error for each directory that could not be listed
    and each file that could not be examined: a gate must not pass on what it never saw.
    `cache_dir`: the scan's cache folder, where folder listings are kept too."""
    targets = list(paths) or [config.root / p for p in config.include]
    exclude = Globs((*config.exclude, *config.extend_exclude))
    found = discover_all(
        config.root, targets, exclude, force_exclude=force_exclude, cache_dir=cache_dir
    )
    for folder in {path.parent for path in found.leftovers}:
        sweep(folder)  # what a killed run left: stale ones only (fileio.sweep)
    errors = [error_finding(READ_ERROR, u.rel, _cannot_read(u)) for u in found.unreadable]
    # Files of a kind no rule reads yet (a .vue component): said, among the skipped.
    errors += [
        skipped_finding(rel, unread_reason(rel) or "")
        for rel in (path.relative_to(config.root).as_posix() for path in found.unread)
    ]
    return [f for f in found.files if f.language in languages], errors


def _cannot_read(unreadable: Unreadable) -> str:
    if unreadable.directory:
        return f"cannot list this directory: {unreadable.reason}; no file in it was scanned"
    return f"cannot read: {unreadable.reason}"
