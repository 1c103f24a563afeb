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
again each run, so an edited one takes effect at once."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from auditor import cache_signing
from auditor.scan.fileio import write_atomic

NAME = "folders.json"
FORMAT = 1
RACY_NS = 2_000_000_000  # git's window: a coarse file system clock ticks within it
MAX_FOLDERS = 200_000

# What the walk needs of a folder: its subfolders to enter, the files of our languages
# known to be regular (not links, in a folder that can be entered), the others of our
# languages (examined one by one), the names it notes besides (temporary leftovers, files
# of a kind auditor does not read), and whether it has a .gitignore.
Listing = tuple[list[str], list[str], list[str], list[str], bool]


class ListingCache:
    """The listings kept in `directory` (a scan's cache folder), for one discovery."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.started = time.time_ns()  # before any folder is looked at: see `keep`
        self.roots: list[str] = []  # the folders walked, each with all below it
        self._loaded: dict[str, Any] | None = None  # read when a walk first asks
        self._new: dict[str, list[Any]] = {}  # what the file is to hold of the walked folders
        self._changed = False

    def reuse(self, folder: str, st: os.stat_result) -> Listing | None:
        """The listing kept for `folder` when its stat is still `st`, else None."""
        entry = self._old.get(folder)
        if (
            type(entry) is not list
            or len(entry) != 9
            or entry[0] != st.st_mtime_ns
            or entry[1] != st.st_ctime_ns
            or entry[2] != st.st_ino
            or entry[3] != st.st_dev
        ):
            return None
        folders, known, examined, noted, gitignore = entry[4:]
        if not (type(folders) is type(known) is type(examined) is type(noted) is list):
            return None
        self._new[folder] = entry
        return folders, known, examined, noted, gitignore is True

    def keep(self, folder: str, st: os.stat_result, listing: Listing) -> None:
        """Keep the listing of `folder`, taken after `st` and without error."""
        if max(st.st_mtime_ns, st.st_ctime_ns) >= self.started - RACY_NS:
            return  # racy: it could change again and keep this stat; listed again next time
        entry = [st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev, *listing]
        self._new[folder] = entry
        old = self._old.get(folder)
        # A folder whose stat alone changed (the cache folder, as it is written) does not
        # make the file be written again: its listing is, when something else changes.
        if type(old) is not list or old[4:] != entry[4:]:
            self._changed = True

    @property
    def _old(self) -> dict[str, Any]:
        if self._loaded is None:
            self._loaded = _load(self.directory / NAME)
        return self._loaded

    def save(self) -> None:
        """Write the listings when one changed, or a folder under the `roots` walked was
        not kept this time (gone, or listed with an error or in the racy window); those of
        folders not walked this run stay as they were."""
        if self._loaded is None:
            return  # no walk asked
        roots = set(self.roots)
        below = tuple(os.path.join(r, "") for r in roots)

        def walked(folder: str) -> bool:
            return folder in roots or folder.startswith(below)

        dropped = any(f not in self._new and walked(f) for f in self._old)
        if not (self._changed or dropped):
            return
        kept = {f: e for f, e in self._old.items() if not walked(f)}
        kept.update(self._new)
        if len(kept) > MAX_FOLDERS:
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


def _load(path: Path) -> dict[str, Any]:
    payload = cache_signing.read(NAME, path)
    if payload is None:
        return {}
    try:
        document = json.loads(payload)
    except (ValueError, RecursionError):
        return {}
    if (
        type(document) is not dict
        or document.get("format") != FORMAT
        or document.get("who") != _who()
        or type(document.get("folders")) is not dict
    ):
        return {}
    folders: dict[str, Any] = document["folders"]
    return folders


def _who() -> list[int]:
    """Whose listing it is: which folders can be listed and entered depends on it."""
    if not hasattr(os, "geteuid"):
        return []  # Windows: no such ids
    return [os.geteuid(), os.getegid(), *sorted(os.getgroups())]
