"""`audit scan --watch`: scan, then again whenever a scanned file, a folder holding one
or the config changes, clearing the screen before each run as ruff's --watch does; Ctrl-C
ends it with exit 0. Changes are seen by polling (size, mtime) every half second,
starting from the stamps the scan took of each file before reading it: no watcher to
install, and a file edited during a scan is scanned again."""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import click

from auditor.errors import AuditError
from auditor.scan.cache import stat_of

if TYPE_CHECKING:
    from auditor.scan.report import ScanReport
    from auditor.scan.run import Project

CLEAR = "\x1b[H\x1b[2J\x1b[3J"  # home, erase the screen, erase the scrollback
POLL_SECONDS = 0.5

Stamps = Mapping[Path, "tuple[int, int] | None"]


class Run(Protocol):
    @property
    def project(self) -> Project | None: ...

    @property
    def report(self) -> ScanReport | None: ...


def watch(scan_once: Callable[[], Run], *, poll: float = POLL_SECONDS) -> int:
    """Run `scan_once` now and at each change, until Ctrl-C."""
    # Ctrl-C is how watch mode ends: a process started in the background by a shell (a
    # CI step, `nohup ... &`) inherits SIGINT ignored, and Python then leaves it so.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    message = "Starting scan in watch mode..."
    stamps: Stamps = {}
    try:
        while True:
            click.echo(CLEAR, nl=False, color=True)  # as ruff does, on a pipe too
            click.echo(message, err=True)
            stamps = _run(scan_once, stamps)
            sys.stdout.flush()
            _wait_for_change(stamps, poll)
            message = "File change detected..."
    except KeyboardInterrupt:
        return 0


def _run(scan_once: Callable[[], Run], before: Stamps) -> Stamps:
    """One scan; what to watch next: its files, their folders and the config (after an
    error, such as a config that does not load, what was watched before, and the config
    wherever it is)."""
    try:
        run = scan_once()
    except AuditError as exc:
        click.echo(f"audit: error: {exc.message}", err=True)
        return before or _stamped(Path.cwd() / name for name in _CONFIG_NAMES)
    if run.project is None or run.report is None:
        return before
    config = run.project.config
    root = config.root
    files = [root / rel for rel in run.report.stamps]
    folders = {path.parent for path in files} | {root / p for p in config.include}
    watched = _stamped([*folders, *([config.file] if config.file else [])])
    return {**{root / rel: stamp for rel, stamp in run.report.stamps.items()}, **watched}


_CONFIG_NAMES = ("pyproject.toml", "audit.toml", ".audit.toml")


def _stamped(paths: Iterable[Path]) -> dict[Path, tuple[int, int] | None]:
    return {path: stat_of(path) for path in paths}


def _wait_for_change(stamps: Stamps, poll: float) -> None:
    while all(stat_of(path) == stamp for path, stamp in stamps.items()):
        time.sleep(poll)
