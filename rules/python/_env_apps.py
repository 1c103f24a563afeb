"""The Python apps of a project, as the unvalidated-env fix sees them: where each app's
root is (the nearest folder above a file holding `pyproject.toml`, `setup.cfg` or
`setup.py`; the project root when there is none), whether it depends on
pydantic-settings, which Python it supports, and where its settings module goes."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from auditor.plugins import ProjectFiles

MARKERS = ("pyproject.toml", "setup.cfg", "setup.py")
# Requirement files read for dependencies, beside the app's marker.
REQUIREMENTS = (
    "requirements.txt",
    "requirements.in",
    "requirements/base.txt",
    "requirements/common.txt",
    "requirements/prod.txt",
    "requirements/production.txt",
)
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)", re.MULTILINE)
_LOWEST_MINOR = re.compile(r"(?:>=|\^|~=|==|~)\s*3\.(\d+)")
_SETTINGS_PACKAGE = "pydantic-settings"


@dataclass(frozen=True, slots=True)
class App:
    root: str  # posix, relative to the project root; "" for the root itself
    pydantic_settings: bool  # declared as a dependency of the app
    union_syntax: bool  # every Python it supports takes `X | None` (3.10 or later)

    def path(self, relative: str) -> str:
        return f"{self.root}/{relative}" if self.root else relative

    def relative(self, path: str) -> str:
        return path[len(self.root) + 1 :] if self.root else path


def app_of(path: str, files: ProjectFiles) -> App:
    """The app the file at `path` belongs to."""
    for folder in _folders(path):
        texts = {marker: files.read(_join(folder, marker)) for marker in MARKERS}
        if any(text is not None for text in texts.values()):
            return _app(folder, texts, files)
    return _app("", {}, files)


def _folders(path: str) -> Iterable[str]:
    parent = PurePosixPath(path).parent
    while True:
        yield "" if str(parent) == "." else parent.as_posix()
        if str(parent) == ".":
            return
        parent = parent.parent


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def _app(folder: str, texts: dict[str, str | None], files: ProjectFiles) -> App:
    pyproject = _toml(texts.get("pyproject.toml"))
    names: set[str] = set()
    project = pyproject.get("project", {})
    names.update(_names(project.get("dependencies", ())))
    poetry = pyproject.get("tool", {}).get("poetry", {})
    names.update(_normal(name) for name in poetry.get("dependencies", {}))
    for other in ("setup.cfg", "setup.py"):
        text = texts.get(other)
        if text is not None and re.search(r"pydantic[-_]settings", text, re.IGNORECASE):
            names.add(_SETTINGS_PACKAGE)
    for name in REQUIREMENTS:
        text = files.read(_join(folder, name))
        if text is not None:
            names.update(_normal(m) for m in _REQUIREMENT.findall(text))
    python = project.get("requires-python") or poetry.get("dependencies", {}).get("python")
    return App(folder, _SETTINGS_PACKAGE in names, _takes_unions(python))


def _toml(text: str | None) -> dict[str, dict]:  # type: ignore[type-arg]
    if text is None:
        return {}
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}


def _names(requirements: object) -> Iterable[str]:
    if isinstance(requirements, list):
        for requirement in requirements:
            if isinstance(requirement, str):
                match = _REQUIREMENT.match(requirement)
                if match is not None:
                    yield _normal(match.group(1))


def _normal(name: str) -> str:
    """PEP 503's normal form: `Pydantic_Settings` is `pydantic-settings`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _takes_unions(python: object) -> bool:
    """Whether every Python the app supports writes `str | None` at runtime (pydantic
    evaluates annotations): the lowest 3.x its requirement names is 3.10 or later; not
    when it names none, as ruff assumes an old target then too."""
    if not isinstance(python, str):
        return False
    minors = [int(m) for m in _LOWEST_MINOR.findall(python)]
    return bool(minors) and min(minors) >= 10


def default_module(app: App, readers: Sequence[str], files: ProjectFiles) -> str:
    """Where a new settings module goes, relative to the app root: `<package>/settings.py`
    when the files that read the environment are all in one top-level package of the app
    (`src/<package>` too), else `settings.py`; `env_settings.py` beside it when that name
    is taken by a module or package of its own (a Django settings module)."""
    packages: set[str] = set()
    for path in readers:
        parts = app.relative(path).split("/")
        if parts[0] == "src" and len(parts) > 2:
            parts = ["src/" + parts[1], *parts[2:]]
        if len(parts) > 1 and files.read(app.path(f"{parts[0]}/__init__.py")) is not None:
            packages.add(parts[0])
        else:
            packages.add("")
    folder = packages.pop() if len(packages) == 1 else ""
    wanted = _join(folder, "settings.py")
    taken = files.read(app.path(wanted)) is not None or (
        files.read(app.path(_join(folder, "settings/__init__.py"))) is not None
    )
    return _join(folder, "env_settings.py") if taken else wanted


def stranded_script(app: App, path: str, text: str, files: ProjectFiles) -> bool:
    """Whether the file at `path` is a script (a `#!` line first) in a folder that is
    neither the app's root nor a package: run as `python docker/probe.py`, only its own
    folder is on `sys.path`, so it cannot import the app's settings module."""
    folder = PurePosixPath(path).parent.as_posix()
    folder = "" if folder == "." else folder
    if not text.startswith("#!") or folder == app.root:
        return False
    return files.read(_join(folder, "__init__.py")) is None


def module_name(app: App, relative: str) -> str:
    """The dotted name the app imports its module at `relative` by (`src/` is no part of
    it: an installed or `src`-rooted package)."""
    parts = list(PurePosixPath(relative).with_suffix("").parts)
    if parts and parts[0] == "src":
        parts = parts[1:]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)
