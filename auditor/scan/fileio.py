"""Writing files so that a crash or Ctrl-C leaves each one either old or new, and so that
what is written to stays what it was: a new file gets the umask's permissions, a
rewritten one keeps its mode, owner and group, a symbolic link stays a link (its target
is rewritten), a file with other hard links is rewritten in place (a rename would split
them), and a device or a pipe (`--output /dev/null`) is written through, never replaced."""

from __future__ import annotations

import contextlib
import os
import stat
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


class ReadOnly(Exception):
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


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes, *, expected: bytes | None = None) -> None:
    """Replace the file at `path` with `data` (see the module docstring). With `expected`,
    only if the file still holds those bytes (compare-and-swap): another process or an
    editor may have written it since we read it; and never a read-only file."""
    try:
        st: os.stat_result | None = os.stat(path)  # through a symbolic link
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        with open(path, "wb") as handle:  # /dev/null, /dev/stdout, a pipe
            handle.write(data)
        return
    if expected is not None and st is not None and not st.st_mode & 0o222:
        raise ReadOnly("read-only; not fixed")
    target = Path(os.path.realpath(path))
    with _locked(target if expected is not None else None):
        if expected is not None and target.read_bytes() != expected:
            raise ChangedOnDisk(f"{path}: changed on disk while it was being fixed; left as it is")
        if st is not None and st.st_nlink > 1:
            _write_in_place(target, data)
        else:
            _replace(target, data, st, shown=path)


def _write_in_place(target: Path, data: bytes) -> None:
    # Not atomic, but the other names keep seeing this file: a rename would split them.
    with open(target, "r+b") as handle:
        handle.write(data)
        handle.truncate()
        handle.flush()
        os.fsync(handle.fileno())


def _replace(target: Path, data: bytes, st: os.stat_result | None, *, shown: Path) -> None:
    import tempfile  # here: a warm scan that writes nothing does not load it

    try:
        fd, temp = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".audit-tmp"
        )
    except OSError as exc:  # name the file asked for, not the temporary one
        raise type(exc)(exc.errno, exc.strerror, str(shown)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes 0600; the file is to be as a plain open() would make it, or as
        # it was.
        os.chmod(temp, st.st_mode & 0o7777 if st is not None else 0o666 & ~_umask())
        if st is not None and hasattr(os, "chown"):
            # Not root: the file is ours already, or cannot be given away anyway.
            with contextlib.suppress(PermissionError):
                os.chown(temp, st.st_uid, st.st_gid)
        os.replace(temp, target)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
