"""The `audit` command line: the only part that prints or exits (0 nothing at or above the fail-on level, 1 findings at or above it, 2 usage, config or input error)."""

import gc

# The cyclic collector's default thresholds run it every 700 allocations, and importing a
# command's modules is made of allocations that live to the end (functions, classes, the
# code dataclasses compile): a warm scan spent a twentieth of its time rescanning them.
# As the workers and the language server collect (auditor.workers.collect_less); set
# before the imports below, which are most of the allocations.
gc.set_threshold(100_000, 50, 100)

# Each command's module is imported when the command is looked up (group.COMMANDS).
from auditor.cli.group import cli, main  # noqa: E402

__all__ = ["cli", "main"]
