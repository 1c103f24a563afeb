"""Whether an app depends on pydantic (2): the nearest `pyproject.toml` with dependencies,
or `requirements*.txt`, from the file's folder up to the project root. FastAPI, SQLModel
and pydantic-settings bring pydantic with them; a pin below 2 does not count (the fix
writes pydantic 2's `model_validate`/`ConfigDict`).

And whether the app runs on Python 3.10 or later, where pydantic can evaluate `X | None`:
the nearest `pyproject.toml`'s `requires-python` (or Poetry's `python`); an app that does
not say is taken to (3.9 is past its end of life)."""

from __future__ import annotations

import posixpath
import re
import tomllib
from pathlib import Path

# The rule's PROJECT_FILES for this: where an app's dependencies are declared.
DEPENDENCY_FILES = ("pyproject.toml", "requirements*.txt")
BRINGS_PYDANTIC = frozenset({"pydantic", "fastapi", "sqlmodel", "pydantic-settings"})
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;#]*)")
_OLD = re.compile(r"(<\s*2|==\s*1|~=\s*1|\^\s*1|<=\s*1)")
_LOWER_BOUND = re.compile(r"(>=|~=|==|\^|>|~)\s*3\.(\d+)")


def depends_on_pydantic(root: Path | None, rel: str) -> bool:
    if root is None:
        return False
    folder = posixpath.dirname(rel)
    while True:
        found = _declared(root / folder)
        if found is not None:
            return any(_pydantic_2(spec) for spec in found)
        if not folder:
            return False
        folder = posixpath.dirname(folder)


def _declared(folder: Path) -> list[str] | None:
    """The folder's requirement strings; None when it declares none."""
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        try:
            document = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            document = {}
        project = document.get("project", {})
        poetry = document.get("tool", {}).get("poetry", {})
        specs = [s for s in project.get("dependencies", []) if isinstance(s, str)]
        poetry_deps = poetry.get("dependencies", {})
        if isinstance(poetry_deps, dict):
            specs += [f"{k}{v if isinstance(v, str) else ''}" for k, v in poetry_deps.items()]
        if "dependencies" in project or poetry_deps:
            return specs
    lines: list[str] = []
    for path in sorted(folder.glob("requirements*.txt")):
        try:
            lines += path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
    return lines or None


def _pydantic_2(spec: str) -> bool:
    match = _REQUIREMENT.match(spec)
    if match is None:
        return False
    name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
    return name in BRINGS_PYDANTIC and (name != "pydantic" or not _OLD.search(match.group(3)))


def union_syntax(root: Path | None, rel: str) -> bool:
    """Whether the app's oldest Python evaluates `X | None` (3.10)."""
    if root is None:
        return True
    folder = posixpath.dirname(rel)
    while True:
        spec = _requires_python(root / folder / "pyproject.toml")
        if spec is not None:
            minors = [int(m.group(2)) for m in _LOWER_BOUND.finditer(spec)]
            return not minors or min(minors) >= 10
        if not folder:
            return True
        folder = posixpath.dirname(folder)


def _requires_python(pyproject: Path) -> str | None:
    if not pyproject.is_file():
        return None
    try:
        document = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    spec = document.get("project", {}).get("requires-python")
    if not isinstance(spec, str):
        poetry = document.get("tool", {}).get("poetry", {}).get("dependencies", {})
        spec = poetry.get("python") if isinstance(poetry, dict) else None
    return spec if isinstance(spec, str) else None
