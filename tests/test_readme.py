"""The README's two commands are what CI runs: keep them true."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    return re.findall(r"```sh\n(.+?)\n```", readme)[:2]


def test_readme_starts_with_two_one_line_commands() -> None:
    run, test = _commands()
    assert "audit scan examples/shop" in run and "\n" not in run
    assert "pytest" in test and "\n" not in test


def test_ci_runs_exactly_the_readme_test_command() -> None:
    _, test = _commands()
    assert test in (ROOT / ".ci" / "run").read_text().splitlines()
