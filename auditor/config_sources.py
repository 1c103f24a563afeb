"""One `[tool.audit.sources.<name>]` table, as auditor.config validates it: the settings of
another analyser whose findings auditor imports. Apart from the rest of the config: a
project without sources (most, and every warm scan of one) does not create the class."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.model import Severity

DEFAULT_SOURCE_TIMEOUT = 600.0


@dataclass(frozen=True, slots=True)
class SourceSettings:
    """One `[tool.audit.sources.<name>]` table: another analyser whose findings auditor
    imports, with rule ids namespaced by `name` (`ruff:E722`)."""

    name: str
    kind: str  # one of SOURCE_KINDS
    command: tuple[str, ...] = ()  # for ruff, mypy: the program (default: the tool); sarif: all
    args: tuple[str, ...] = ()  # for ruff, mypy: added to the command line
    select: tuple[str, ...] | None = None  # for ruff: its --select
    paths: tuple[str, ...] | None = None  # for ruff, mypy: what to check; None: `include`
    file: str | None = None  # sarif: read the log from this file (after `command`, if any)
    timeout: float = DEFAULT_SOURCE_TIMEOUT  # seconds
    severity: Severity | None = None  # every finding's severity, unless `severities` match
    severities: tuple[tuple[str, Severity], ...] = ()  # (code or glob, severity), in order
