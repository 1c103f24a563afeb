"""What a scan could not read: a directory that could not be listed or a file that could
not be examined, in the system's words. A walk that meets none does not import it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A directory that could not be listed or a file that could not be examined."""

    rel: str  # posix, relative to the project root (a directory's without a final '/')
    reason: str  # the system's words: "Permission denied"
    directory: bool = False  # it could not be listed: what it holds is unknown
