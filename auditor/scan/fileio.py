"""Writing files so that a crash, a kill or a full disk leaves each one either old or new,
and so that what is written to stays what it was: a new file gets the umask's
permissions, a rewritten one keeps its mode, owner and group, a symbolic link stays a link
(its target is rewritten), and a device or a pipe (`--output /dev/null`) is written
through, never replaced.

Every regular file is written to a temporary file beside it, synced, and renamed over it:
there is no other way to never leave a file half-written. A file with other hard links is
no exception: the rename gives it a new file and the other names keep the old content;
`write_atomic` returns the number of names the file had, so the caller can say so.

The temporary file is `.<name>.<pid>.<random>.audit-tmp`. One left behind by a killed
writer is removed the next time a file is written into its folder, once its writer is
gone (the pid) and it is over a minute old; a live writer's is never touched."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
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


def write_atomic(path: Path, data: bytes, *, expected: bytes | None = None) -> int:
    """Replace the file at `path` with `data` (see the module docstring). With `expected`,
    only if the file still holds those bytes (compare-and-swap): another process or an
    editor may have written it since we read it; and never a read-only file.

    Returns the number of names (hard links) the file had when it had others, which
    keep the old content now; else 0."""
    try:
        st: os.stat_result | None = os.stat(path)  # through a symbolic link
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        with open(path, "wb") as handle:  # /dev/null, /dev/stdout, a pipe
            handle.write(data)
        return 0
    if expected is not None and st is not None and not st.st_mode & 0o222:
        raise ReadOnly("read-only; not fixed")
    target = Path(os.path.realpath(path))
    sweep(target.parent)
    with _locked(target if expected is not None else None):
        if expected is not None and target.read_bytes() != expected:
            raise ChangedOnDisk(f"{path}: changed on disk while it was being fixed; left as it is")
        _replace(target, data, st, shown=path)
    return st.st_nlink if st is not None and st.st_nlink > 1 else 0


def _replace(target: Path, data: bytes, st: os.stat_result | None, *, shown: Path) -> None:
    import tempfile  # here: a warm scan that writes nothing does not load it

    try:
        fd, temp = tempfile.mkstemp(
            dir=target.parent, prefix=f".{_short(target.name)}.{os.getpid()}.", suffix=TEMP_SUFFIX
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


def _short(name: str) -> str:
    """The file's name as the temporary one's start: at most 200 bytes, so that with the
    pid, the random part and the suffix it stays a valid name (255 bytes)."""
    return os.fsencode(name)[:200].decode(errors="ignore") if len(name) > 50 else name


# --- temporary files left by a kill --------------------------------------------------

TEMP_SUFFIX = ".audit-tmp"
# `.<name>.<pid>.<random>.audit-tmp`; before the pid was in the name, without it.
_TEMP = re.compile(r"\..+?(?:\.(?P<pid>[0-9]+))?\.[a-z0-9_]{8}\.audit-tmp")
STALE_AFTER = 60.0  # seconds: a write takes milliseconds; a kill leaves the file for good
REUSED_PID_AFTER = 86_400.0  # a day: the writer's pid lives on, but as another process
_swept: set[Path] = set()  # the folders this process has cleaned already


def sweep(directory: Path) -> list[str]:
    """Remove, once per process and folder, the temporary files that killed writers left
    in `directory`; returns their names. Only names of our pattern, and only when stale:
    over STALE_AFTER old and their writer gone (or their pid reused for a day)."""
    if directory in _swept:
        return []
    _swept.add(directory)
    removed = []
    now = time.time()
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name.endswith(TEMP_SUFFIX) and _stale(entry, now):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
                        removed.append(entry.name)
    except OSError:
        pass  # a folder that cannot be listed: the write itself will say what is wrong
    return removed


def _stale(entry: os.DirEntry[str], now: float) -> bool:
    match = _TEMP.fullmatch(entry.name)
    if match is None or not entry.is_file(follow_symlinks=False):
        return False
    age = now - entry.stat(follow_symlinks=False).st_mtime
    if age < STALE_AFTER:
        return False
    pid = match.group("pid")
    return pid is None or age > REUSED_PID_AFTER or not _alive(int(pid))


def _alive(pid: int) -> bool:
    """Whether process `pid` runs on this machine. Where that cannot be asked (Windows:
    os.kill would end it), it is taken to run."""
    if os.name != "posix" or pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: it runs
        return True
    return True
