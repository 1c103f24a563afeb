"""The `audit` command line: the only part that prints or exits (0 nothing at or above the fail-on level, 1 findings at or above it, 2 usage, config or input error)."""

# Each command's module is imported when the command is looked up (group.COMMANDS).
from auditor.cli.group import cli, main

__all__ = ["cli", "main"]
