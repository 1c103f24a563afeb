"""What `audit scan` is asked to do, as one frozen value: what to read, what to fix, what to
print and the gate. The command line parses its options into it (auditor/cli/scan.py);
the use case (auditor/scan/use_case.py) reads it; nothing here does any work."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from auditor.model import Severity


# eq=False where nothing compares or hashes the values: each generated method is code
# compiled at import, and a warm `audit scan` is mostly its imports.
@dataclass(frozen=True, slots=True, eq=False)
class Reading:
    """Which files, which rules, with which settings."""

    paths: tuple[Path, ...] = ()
    stdin_filename: Path | None = None  # with the path `-`: the document on stdin is this file
    config_file: Path | None = None
    select: tuple[str, ...] | None = None  # None: the configured selection
    extend_select: tuple[str, ...] = ()  # added to the selection
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] | None = None  # None: the configured exclude
    extend_exclude: tuple[str, ...] = ()  # added to the configured extend-exclude
    force_exclude: bool = False  # the excludes apply to files named on the command line
    skip_generated: bool = True  # False: --no-skip-generated
    report_unused_ignores: bool = False  # True: on, whatever the config says
    sources: bool | None = None  # None: the config's run-sources
    jobs: int | None = None
    use_cache: bool = True
    cache_dir: Path | None = None
    shard: tuple[int, int] | None = None  # (I, N): only shard I of N

    @property
    def stdin(self) -> bool:
        return self.stdin_filename is not None


@dataclass(frozen=True, slots=True, eq=False)
class Fixing:
    """What to change: fixes written (`fix`) or shown (`diff`), or an ignore comment for
    each finding (`add_ignore`)."""

    fix: bool = False
    unsafe: bool = False
    diff: bool = False
    add_ignore: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class Printing:
    format: str = "text"
    fix_edits: bool = False  # the format shows each fix's edits (reports/formats.py)
    output: Path | None = None
    quiet: bool = False
    verbose: bool = False
    statistics: bool = False
    include_suppressed: bool = False
    show_files: bool = False  # list the files, scan nothing
    show_settings: bool = False  # print the settings, scan nothing
    watch: bool = False  # scan again whenever a scanned file or the config changes


@dataclass(frozen=True, slots=True, eq=False)
class Gate:
    """Which findings count, and from which severity the run fails."""

    fail_on: Severity | None = None  # with `fail_on_given`; else the config's
    fail_on_given: bool = False
    baseline: Path | None = None
    update_baseline: bool = False
    new_since: str | None = None

    def threshold(self, configured: Severity | None) -> Severity | None:
        return self.fail_on if self.fail_on_given else configured


@dataclass(frozen=True, slots=True, eq=False)
class ScanRequest:
    read: Reading = field(default_factory=Reading)
    fix: Fixing = field(default_factory=Fixing)
    show: Printing = field(default_factory=Printing)
    gate: Gate = field(default_factory=Gate)
