"""Folder listings kept between runs, as git's untracked cache keeps them
(core.untrackedCache): a warm walk outside git asks the system for each folder's stat
instead of its listing, and lists again only the folders that changed.

A listing is reused only while its folder's stat is the one taken before it was listed
(mtime, ctime, inode, device): adding, removing or renaming an entry changes the folder's
mtime, and a chmod its ctime. A folder changed within `RACY_NS` of the walk that listed
it is not kept (git's racy-timestamp rule): a change made in the same clock tick as the
listing would leave its stat as it was. Nor is a folder whose listing met an error, or a
listing from another user (what can be entered differs). The file is signed as the
cache's other files are (auditor.cache_signing): one that does not verify is a miss.

The listing holds names only, before any .gitignore: the walk reads the ignore files
again each run, so an edited one takes effect at once.

Each folder's entry is strings, which JSON decodes for much less than numbers: its stat
as hexadecimal numbers, then each kind of name as one string, the names joined by '/'
(which no name holds), then whether it has a .gitignore."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from auditor import cache_signing
from auditor.scan.fileio import write_atomic

NAME = "folders.json"
FORMAT = 3  # 2: the stat as numbers, a list of names per kind
RACY_NS = 2_000_000_000  # git's window: a coarse file system clock ticks within it
MAX_FOLDERS = 200_000
SEPARATOR = "/"  # between the names of a kind: no file name holds it

# What the walk needs of a folder: its subfolders to enter, the files of our languages
# known to be regular (not links, in a folder that can be entered), the others of our
# languages (examined one by one), the names it notes besides (temporary leftovers, files
# of a kind auditor does not read), and whether it has a .gitignore.
Listing = tuple[list[str], list[str], list[str], list[str], bool]


class ListingCache:
    """The listings kept in `directory` (a scan's cache folder), for one discovery: by
    the folder walked, then by each folder's path below it (shorter to read than whole
    paths, and a run that walks one folder leaves the listings of the others as they are)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.started = time.time_ns()  # before any folder is looked at: see `keep`
        self._loaded: dict[str, dict[str, Any]] | None = None  # read when a walk first starts
        self._new: dict[str, dict[str, list[Any]]] = {}  # for the file, by walked folder
        self._changed = False
        # The walk under way: its kept and new listings, and where a path below it starts.
        self._old_here: dict[str, Any] = {}
        self._new_here: dict[str, list[Any]] = {}
        self._cut = 0

    def start(self, root: str) -> None:
        """A walk of the folder `root` begins: what follows is of folders under it."""
        if self._loaded is None:
            self._loaded = _load(self.directory / NAME)
        self._old_here = self._loaded.get(root, {})
        self._new_here = self._new.setdefault(root, {})
        self._cut = len(os.path.join(root, ""))

    def reuse(self, folder: str, st: os.stat_result) -> Listing | None:
        """The listing kept for `folder` when its stat is still `st`, else None."""
        below = folder[self._cut :]
        entry = self._old_here.get(below)
        if type(entry) is not list or len(entry) != 6 or entry[0] != _stamp(st):
            return None
        _, folders, known, examined, noted, gitignore = entry
        if not (type(folders) is type(known) is type(examined) is type(noted) is str):
            return None
        self._new_here[below] = entry
        return (
            folders.split(SEPARATOR) if folders else [],
            known.split(SEPARATOR) if known else [],
            examined.split(SEPARATOR) if examined else [],
            noted.split(SEPARATOR) if noted else [],
            gitignore is True,
        )

    def keep(self, folder: str, st: os.stat_result, listing: Listing) -> None:
        """Keep the listing of `folder`, taken after `st` and without error."""
        if max(st.st_mtime_ns, st.st_ctime_ns) >= self.started - RACY_NS:
            return  # racy: it could change again and keep this stat; listed again next time
        below = folder[self._cut :]
        folders, known, examined, noted, gitignore = listing
        names = [SEPARATOR.join(kind) for kind in (folders, known, examined, noted)]
        entry = [_stamp(st), *names, gitignore]
        self._new_here[below] = entry
        old = self._old_here.get(below)
        # A folder whose stat alone changed (the cache folder, as it is written) does not
        # make the file be written again: its listing is, when something else changes.
        if type(old) is not list or old[1:] != entry[1:]:
            self._changed = True

    def save(self) -> None:
        """Write the listings when one changed. Those of a folder walked replace what was
        kept of it: a folder not walked this time (gone, ignored) or not kept (racy, an
        error) leaves the file then. Until then it stays, reused only while its stat is
        the same, as any listing."""
        if self._loaded is None or not self._changed:
            return
        kept = {**self._loaded, **self._new}
        if sum(len(listings) for listings in kept.values()) > MAX_FOLDERS:
            kept = self._new
        document = {"format": FORMAT, "who": _who(), "folders": kept}
        payload = json.dumps(document, separators=(",", ":")).encode()
        sealed = cache_signing.seal(NAME, payload)
        if sealed is None:
            return  # no signing key: no cache
        try:
            # As the rule manifest does: the result cache gives the folder its .gitignore.
            self.directory.mkdir(parents=True, exist_ok=True)
            write_atomic(self.directory / NAME, sealed)
        except OSError:
            pass  # a read-only checkout walks every folder


def _load(path: Path) -> dict[str, dict[str, Any]]:
    """The listings by walked folder; none from a file that does not verify or is not of
    this shape."""
    payload = cache_signing.read(NAME, path)
    if payload is None:
        return {}
    try:
        document = json.loads(payload)
    except (ValueError, RecursionError):
        return {}
    if type(document) is not dict or document.get("format") != FORMAT:
        return {}
    folders = document.get("folders")
    if document.get("who") != _who() or type(folders) is not dict:
        return {}
    if not all(type(listings) is dict for listings in folders.values()):
        return {}
    return folders


def _stamp(st: os.stat_result) -> str:
    """What of a folder's stat says it is unchanged (mtime, ctime, inode, device), as
    hexadecimal numbers: `%x` formats them faster than f-strings or `format` do."""
    return "%x %x %x %x" % (st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)  # noqa: UP031


def _who() -> list[int]:
    """Whose listing it is: which folders can be listed and entered depends on it."""
    if not hasattr(os, "geteuid"):
        return []  # Windows: no such ids
    return [os.geteuid(), os.getegid(), *sorted(os.getgroups())]
