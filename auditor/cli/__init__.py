"""The `audit` command line: the only part that prints or exits (0 nothing at or above the fail-on level, 1 findings at or above it, 2 usage, config or input error)."""

import gc

from auditor import COLLECTOR_THRESHOLDS

# The cyclic collector's default thresholds run it every 700 allocations, and importing a
# command's modules is made of allocations that live to the end (functions, classes, the
# code dataclasses compile): a warm scan spent a twentieth of its time rescanning them.
# As every process of auditor collects (auditor.COLLECTOR_THRESHOLDS); set
# before the imports below, which are most of the allocations.
gc.set_threshold(*COLLECTOR_THRESHOLDS)

# Each command's module is imported when the command is looked up (group.COMMANDS).
from auditor.cli.group import cli, main  # noqa: E402

__all__ = ["cli", "main"]
