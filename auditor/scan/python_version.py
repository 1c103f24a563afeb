"""Which Python a project's code is written for, against the one auditor runs on: CPython's
parser is the authority on what Python is, but only for its own version, so a file using a
newer grammar (3.14's `except A, B:`) is a parse-error here. A scan says so, once, when a
project declares a newer Python than the running one (`requires-python`)."""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Iterable
from pathlib import Path

from auditor.model import PARSE_ERROR, Finding

_MINIMUM = re.compile(r"(?:>=|~=|==)\s*(\d+)\.(\d+)")


def newer_python_note(root: Path, findings: Iterable[Finding]) -> str | None:
    """A warning for Python files that did not parse in a project (or a package of it)
    whose `requires-python` asks for a newer Python than this one; None otherwise."""
    running = sys.version_info[:2]
    for finding in findings:
        if finding.rule_id != PARSE_ERROR or not finding.path.endswith((".py", ".pyi")):
            continue
        needed = _required(root, root / finding.path)
        if needed is not None and needed > running:
            want, have = f"{needed[0]}.{needed[1]}", f"{running[0]}.{running[1]}"
            return (
                f"{finding.path}: the project requires Python {want} and auditor runs on "
                f"{have}: a parse-error may be syntax newer than {have}'s parser knows "
                f"(run auditor on Python {want})"
            )
    return None


def _required(root: Path, file: Path) -> tuple[int, int] | None:
    """The minimum of the nearest `requires-python` above `file`, up to `root`."""
    for directory in file.parents:
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            try:
                with pyproject.open("rb") as handle:
                    spec = tomllib.load(handle).get("project", {}).get("requires-python")
            except (OSError, tomllib.TOMLDecodeError):
                spec = None
            match = _MINIMUM.search(spec) if isinstance(spec, str) else None
            if match is not None:
                return int(match.group(1)), int(match.group(2))
        if directory == root or root not in directory.parents:
            return None
    return None
