"""What `audit scan` shows besides its findings: the settings in force and the files it
would read (--show-settings, --show-files), and how its text output looks (colour on a
terminal, --statistics)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
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
    # The two conventions are read where they apply, each run (allow-names knows them).
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def show(project: Any, paths: Sequence[Path], *, show_settings: bool, force_exclude: bool) -> None:
    from auditor.cli.group import path_display
    from auditor.scan.targets import files_to_scan

    config = project.config
    if show_settings:
        click.echo(_settings_toml(project))
        return
    display = path_display(config.root)
    engine = project.engine()
    for source in files_to_scan(config, paths, engine.languages, force_exclude=force_exclude):
        reason = engine.skip_reason(source.rel, _head(source.path))
        click.echo(display(source.rel) + (f"  (skipped: {reason})" if reason else ""))


def _head(path: Path) -> str:
    from auditor.scan.generated import HEAD

    try:
        with path.open("rb") as handle:
            return handle.read(HEAD).decode("utf-8", "replace")
    except OSError:
        return ""


def skipped_notes(
    skipped: Sequence[tuple[str, str]], display: Callable[[str], str], *, listed: bool
) -> list[str]:
    """The summary's account of the files read but not checked, by reason; each named
    when `listed` (-v)."""
    from collections import Counter

    from reports.findings_text import plural

    reasons = Counter(reason for _, reason in skipped)
    counts = ", ".join(
        f"{plural(n, 'file')} skipped as {reason}" if i == 0 else f"{n} as {reason}"
        for i, (reason, n) in enumerate(sorted(reasons.items()))
    )
    hint = "" if listed else " (-v lists them; --no-skip-generated scans them)"
    lines = [f"{counts}: not checked{hint}."]
    if listed:
        lines += [f"  {display(path)}: {reason}" for path, reason in skipped]
    return lines


def _settings_toml(project: Any) -> str:
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
