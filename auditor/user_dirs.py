"""The user's own folders for auditor, outside any repository: trust records live in the
config folder, the cache-signing key in the cache folder. A scanned repository can write
neither, so what is kept there is what the user decided, not what the code says."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "auditor"


def config_dir() -> Path:
    """`$XDG_CONFIG_HOME/auditor` (default `~/.config/auditor`); `%APPDATA%\\auditor` on
    Windows; `~/Library/Application Support/auditor` on macOS, as platformdirs has it."""
    return _user_dir("XDG_CONFIG_HOME", ".config", "APPDATA", "Application Support")


def cache_dir() -> Path:
    """`$XDG_CACHE_HOME/auditor` (default `~/.cache/auditor`); `%LOCALAPPDATA%\\auditor` on
    Windows; `~/Library/Caches/auditor` on macOS."""
    return _user_dir("XDG_CACHE_HOME", ".cache", "LOCALAPPDATA", "Caches")


def _user_dir(xdg: str, xdg_default: str, windows: str, macos: str) -> Path:
    # The platform's own variables (XDG, Windows), read where they apply: nothing of the
    # project's configuration to validate.
    explicit = os.environ.get(xdg)  # audit: ignore[unvalidated-env]
    if explicit and os.path.isabs(explicit):  # the XDG spec ignores relative values
        return Path(explicit) / APP
    windows_dir = os.environ.get(windows)  # audit: ignore[unvalidated-env]
    if sys.platform == "win32" and windows_dir:
        return Path(windows_dir) / APP
    if sys.platform == "darwin":
        return Path.home() / "Library" / macos / APP
    return Path.home() / xdg_default / APP
