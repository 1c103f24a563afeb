"""Signing the cache folder's entries, so that a cache that came with the code is never
believed: `.audit_cache/` can be committed, or restored from a CI cache a pull request
wrote, and whoever wrote it could have written "no findings".

Each file is its payload preceded by one header line, `audit-cache-hmac-sha256 <hex>`, the
HMAC-SHA256 of the file's role (its name in the cache folder) and the exact payload bytes.
The key lives outside the repository: `AUDIT_CACHE_KEY` when set (a CI secret, so that a
restored CI cache is used), else 32 random bytes in the user's own cache folder
(`user_dirs.cache_dir() / "cache-key"`, mode 0600), made on first use. A file whose header
is missing or does not verify is a miss; when there is no key (the key file cannot be made:
a read-only home), every entry is a miss and nothing is written.

The header is a line before the payload rather than a JSON wrapper: verifying costs one
HMAC over bytes already read, and the payload is then parsed as it was before."""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
from pathlib import Path
from typing import Any

from auditor import user_dirs

ENV = "AUDIT_CACHE_KEY"
KEY_FILE = "cache-key"
KEY_BYTES = 32
MAGIC = b"audit-cache-hmac-sha256 "


def key() -> bytes | None:
    """The signing key: `AUDIT_CACHE_KEY`, else the user's key file; None when neither
    can be had (then caching is off)."""
    # The user's switch, read when the key is first needed: no app setting to validate.
    explicit = os.environ.get(ENV)  # audit: ignore[unvalidated-env]
    if explicit:
        return explicit.encode("utf-8", "surrogateescape")
    return file_key(user_dirs.cache_dir() / KEY_FILE)


@functools.cache
def file_key(path: Path) -> bytes | None:
    """The key in the file at `path`, made there first if there is none. Read once per
    process (per path: tests and `XDG_CACHE_HOME` may point elsewhere)."""
    try:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            data = None
        if data is None or len(data) < KEY_BYTES:
            _install_key(path, damaged=data is not None)
            data = path.read_bytes()
        return data if len(data) >= KEY_BYTES else None
    except OSError:
        return None


def _install_key(path: Path, *, damaged: bool) -> None:
    """A new random key at `path`, written whole before it gets the name: two processes
    racing both link their file to the name, one wins and the other then reads the
    winner's key. A key file too short to be one (`damaged`) is replaced."""
    import tempfile  # here: a warm scan with a key does not load it

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{KEY_FILE}.", suffix=".tmp")  # 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(os.urandom(KEY_BYTES))
            handle.flush()
            os.fsync(handle.fileno())
        if damaged:
            os.replace(temp, path)
            return
        try:
            os.link(temp, path)
        except FileExistsError:
            pass  # another process made it first: its key is the one
        except OSError:  # a file system without hard links: first come, first kept
            if not os.path.lexists(path):
                os.replace(temp, path)
    finally:
        if os.path.lexists(temp):
            os.unlink(temp)


def _mac(secret: bytes, role: str, payload: bytes) -> bytes:
    signer = hmac.new(secret, role.encode("utf-8") + b"\0", hashlib.sha256)
    signer.update(payload)
    return signer.hexdigest().encode("ascii")


def seal(role: str, payload: bytes) -> bytes | None:
    """The file to write for `payload` in the role `role` (its name in the cache folder);
    None when there is no key: then nothing is to be written."""
    secret = key()
    if secret is None:
        return None
    return MAGIC + _mac(secret, role, payload) + b"\n" + payload


def unseal(role: str, data: bytes) -> bytes | None:
    """The payload of a file written by `seal` for `role` with the same key; None for
    anything else (no header, another key, another role, an edited payload, no key)."""
    header, newline, payload = data.partition(b"\n")
    if not newline or not header.startswith(MAGIC):
        return None
    secret = key()
    if secret is None:
        return None
    expected = _mac(secret, role, payload)
    return payload if hmac.compare_digest(header[len(MAGIC) :], expected) else None


def read(role: str, path: Path) -> bytes | None:
    """The verified payload of the file at `path`; None when it is missing, unreadable or
    does not verify."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return unseal(role, data)


# What a cache file's JSON must hold where the code expects it: anything else (a file of
# another version, a hand-edited one) raises ValueError, and the file is a miss. Exact
# types (`json` makes no subclasses; `True` is not a line number): these run per field of
# every cached finding on a warm scan.


def as_list(value: Any, length: int | None = None) -> list[Any]:
    if type(value) is not list or (length is not None and len(value) != length):
        raise ValueError("cache entry: not the expected list")
    return value


def as_dict(value: Any) -> dict[str, Any]:
    if type(value) is not dict:
        raise ValueError("cache entry: not an object")
    return value


def as_str(value: Any) -> str:
    if type(value) is not str:
        raise ValueError("cache entry: not a string")
    return value


def as_optional_str(value: Any) -> str | None:
    return None if value is None else as_str(value)


def as_int(value: Any) -> int:
    if type(value) is not int:
        raise ValueError("cache entry: not an integer")
    return value
