"""The context a rule runs in: which file, with which options, on disk or not. Apart from
`BaseRule` (auditor.scan.rule_core): a warm scan runs no rule, and does not create it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from auditor.config import OptionValue


# eq=False where nothing compares or hashes the values: each generated method is code
# compiled at import, and a warm `audit scan` is mostly its imports.
@dataclass(frozen=True, slots=True, eq=False)
class RuleContext:
    path: str  # posix, relative to the project root
    options: Mapping[str, OptionValue]
    # The project root when the text is the file `root / path` (or what a fix is about to
    # write there); None for text that is not on disk: a commit's version, an example.
    root: Path | None = None
