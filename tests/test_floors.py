"""Dependency floors that are true (issue 27 item 7): constraints/floors.txt pins every direct
dependency of pyproject.toml, extras included, at its declared floor, and .ci/run runs the
tests with it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNPINNED = {"types-pyyaml"}  # stubs, read by mypy in the main venv only: no floor declared


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def _floors() -> dict[str, str | None]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = [*project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        requirements += extra
    floors: dict[str, str | None] = {}
    for requirement in requirements:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(?:\[[^]]*\])?\s*([^;]*)(?:;.*)?", requirement)
        assert match, requirement
        low = [s.strip()[2:] for s in match.group(2).split(",") if s.strip()[:2] in (">=", "==")]
        floors[_name(match.group(1))] = low[0].strip() if low else None
    return floors


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints" / "floors.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[_name(name)] = version.strip()
    return pins


def _release(version: str) -> tuple[int, ...]:
    parts = [int(p) for p in version.split(".")]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def test_every_direct_dependency_is_pinned_at_its_floor() -> None:
    floors, pins = _floors(), _pins()
    assert set(pins) == set(floors) - UNPINNED
    for name, floor in floors.items():
        if name in UNPINNED:
            continue
        assert floor is not None, f"{name}: declare a floor (>=) in pyproject.toml"
        assert _release(pins[name]) == _release(floor), name


def test_ci_runs_the_tests_on_the_floors() -> None:
    run = (ROOT / ".ci" / "run").read_text()
    assert "-c constraints/floors.txt" in run
    assert ".venv-floors/bin/python -m pytest" in run
