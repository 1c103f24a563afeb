"""What `audit scan` shows besides its findings: the settings in force and the files it
would read (--show-settings, --show-files), and how its text output looks (colour on a
terminal, --statistics)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click


@dataclass(frozen=True, slots=True)
class TextView:
    colour: bool = False
    statistics: bool = False  # counts per rule instead of one line a finding
    quiet: bool = False  # the findings only: no notes, no summary
    verbose: bool = False  # a crashing rule's traceback, each rule's documentation


def colour_wanted(output: Path | None) -> bool:
    """ANSI colour on a terminal only, never in an --output file; NO_COLOR turns it off,
    FORCE_COLOR on (https://no-color.org, https://force-color.org)."""
    if output is not None:
        return False  # a file is read later, by anything
    # The two conventions are read where they apply, each run: no setting to validate.
    # audit: ignore[unvalidated-env]
    if os.environ.get("FORCE_COLOR"):
        return True
    # audit: ignore[unvalidated-env]
    if os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def show(project: Any, paths: Sequence[Path], *, show_settings: bool, force_exclude: bool) -> None:
    from dataclasses import fields

    from auditor.cli.group import path_display
    from auditor.scan.run import files_to_scan

    config = project.config
    if show_settings:
        click.echo(f"config file: {config.display_file}")
        click.echo(f"root: {config.root}")
        for item in fields(config):
            if item.name in ("root", "file", "rules", "sources"):
                continue
            value = getattr(config, item.name)
            shown = value.label if hasattr(value, "label") else repr(value)
            click.echo(f"{item.name.replace('_', '-')}: {shown}")
        for active in project.rules:
            options = ", ".join(f"{k}={v!r}" for k, v in active.options.items())
            langs = ",".join(sorted(active.cls.languages))
            click.echo(
                f"rule {active.id} [{langs}]: {active.severity.label}; {options or 'no options'}"
            )
        return
    display = path_display(config.root)
    engine = project.engine()
    for source in files_to_scan(config, paths, engine.languages, force_exclude=force_exclude):
        click.echo(display(source.rel))
