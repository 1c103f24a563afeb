"""What `audit scan` shows besides its findings: the settings in force and the files it
would read (--show-settings, --show-files), and whether its text output is in colour."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from auditor.scan.run import Project


def colour_wanted(output: Path | None) -> bool:
    """ANSI colour on a terminal only, never in an --output file; NO_COLOR turns it off,
    FORCE_COLOR on (https://no-color.org, https://force-color.org)."""
    if output is not None:
        return False  # a file is read later, by anything
    # The two conventions are read where they apply, each run (allow-names knows them).
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def show(
    project: Project, paths: Sequence[Path], *, show_settings: bool, force_exclude: bool
) -> None:
    from auditor.cli.group import path_display
    from auditor.scan.generated import head_of
    from auditor.scan.targets import files_to_scan

    config = project.config
    if show_settings:
        click.echo(_settings_toml(project))
        return
    display = path_display(config.root)
    engine = project.engine()
    for source in files_to_scan(config, paths, engine.languages, force_exclude=force_exclude):
        reason = engine.skip_reason(source.rel, head_of(source.path) or "")
        click.echo(display(source.rel) + (f"  (skipped: {reason})" if reason else ""))


def _settings_toml(project: Project) -> str:
    """The settings in force, as they would be written in the config (TOML): a value that
    is not set says so in a comment."""
    from dataclasses import fields

    config = project.config
    lines = [f"# config file: {config.display_file}", f"root = {_toml(str(config.root))}"]
    for item in fields(config):
        if item.name in ("root", "file", "rules", "sources"):
            continue
        key, value = item.name.replace("_", "-"), getattr(config, item.name)
        if item.name == "per_file_ignores":
            table = ", ".join(f"{_toml(pattern)} = {_toml(ids)}" for pattern, ids in value)
            lines.append(f"{key} = {{ {table} }}" if table else f"{key} = {{}}")
        elif item.name == "fail_on" and value is None:
            lines.append(f'{key} = "none"')
        elif value is None:
            lines.append(f"# {key}: not set")
        else:
            lines.append(f"{key} = {_toml(value)}")
    for source in config.sources:
        lines.append(f"\n[sources.{source.name}]\nkind = {_toml(source.kind)}")
    for active in project.rules:
        langs = ", ".join(sorted(active.cls.languages))
        lines.append(f"\n[rules.{active.id}]  # {langs}")
        lines.append(f"severity = {_toml(active.severity)}")
        lines += [f"{name} = {_toml(value)}" for name, value in active.options.items()]
    return "\n".join(lines)


def _toml(value: object) -> str:
    from auditor.cli.group import toml_value

    return toml_value(value.label if hasattr(value, "label") else value)
