"""Writing files so that a crash or Ctrl-C leaves each one either old or new."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class ChangedOnDisk(Exception):
    pass


def write_atomic(path: Path, data: bytes, *, expected: bytes | None = None) -> None:
    """Replace `path` with `data` in one rename, keeping its permission bits. With
    `expected`, only if the file still holds those bytes (compare-and-swap): another
    process or an editor may have written it since we read it."""
    try:
        mode: int | None = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".audit-tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        if expected is not None and path.read_bytes() != expected:
            raise ChangedOnDisk(f"{path}: changed on disk while it was being fixed; left as it is")
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
