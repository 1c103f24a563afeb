"""The `audit` command line: the only part that prints or exits (0 nothing at or above the fail-on level, 1 findings at or above it, 2 usage, config or input error)."""

from auditor.cli import baseline, env, examples, issues, lsp, merge, report, rules, scan, trust  # noqa: F401 (they register their commands)
from auditor.cli.group import cli, main

__all__ = ["cli", "main"]
