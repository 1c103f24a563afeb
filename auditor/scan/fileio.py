"""Writing files so that a crash or Ctrl-C leaves each one either old or new."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # Windows: compare-and-swap without the lock
    fcntl = None


class ChangedOnDisk(Exception):
    pass


@contextmanager
def _locked(path: Path | None) -> Iterator[None]:
    """An exclusive lock on the file while its content is compared and replaced, so two
    fixers cannot both see the old content and both replace it (the second would lose the
    first one's fix). The loser then sees new content and refuses."""
    if path is None or fcntl is None:
        yield
        return
    try:
        handle = path.open("rb")
    except OSError:
        yield
        return
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield  # closing the file releases the lock


def write_atomic(path: Path, data: bytes, *, expected: bytes | None = None) -> None:
    """Replace `path` with `data` in one rename, keeping its permission bits. With
    `expected`, only if the file still holds those bytes (compare-and-swap): another
    process or an editor may have written it since we read it."""
    try:
        mode: int | None = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    import tempfile  # here: a warm scan that writes nothing does not load it

    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".audit-tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        with _locked(path if expected is not None else None):
            if expected is not None and path.read_bytes() != expected:
                raise ChangedOnDisk(
                    f"{path}: changed on disk while it was being fixed; left as it is"
                )
            os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
