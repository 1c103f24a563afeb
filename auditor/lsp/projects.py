"""The projects of the open documents: one warm engine each, found as `audit scan` finds
its config (the nearest pyproject.toml with a [tool.audit] table), reloaded when that file,
a local plugin module or the project's trust changes. An untrusted project's plugins are
never imported (auditor.trust): the server says so once, and runs the built-in rules. Shared by the server's worker threads: one at a time
finds, loads or forgets a project (`_locked`); the engines themselves scan side by side."""

from __future__ import annotations

import functools
import importlib
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from auditor import trust, trust_session
from auditor.config import config_candidates, find_config, load_config
from auditor.errors import AuditError
from auditor.scan.engine import Engine
from auditor.scan.run import Project, language_filter, open_project

Stamp = tuple[int, int] | None  # (mtime_ns, size), None when missing
Stamps = tuple[tuple[Path, Stamp], ...]
P = ParamSpec("P")
R = TypeVar("R")


def stamp(path: Path) -> Stamp:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def unchanged(stamps: Stamps) -> bool:
    return all(stamp(path) == known for path, known in stamps)


def _stamped(paths: Sequence[Path]) -> Stamps:
    return tuple((path, stamp(path)) for path in dict.fromkeys(paths))


@dataclass(frozen=True, slots=True)
class Loaded:
    """A project ready to scan documents."""

    project: Project
    engine: Engine
    scanned_language: Callable[[str], str | None]  # rel path -> language, None: not scanned
    stamps: Stamps  # its config file, local plugin modules and trust record, as loaded
    refused: tuple[str, ...] = ()  # what it asked to run and was refused (auditor.trust)

    @property
    def root(self) -> Path:
        return self.project.config.root


@dataclass(frozen=True, slots=True)
class Broken:
    """A project whose config or plugins cannot be loaded: the error, one line."""

    message: str
    file: Path | None  # the config file, when there is one
    stamps: Stamps
    plugins: tuple[str, ...] = ()  # the local plugins its config names, if it can be read


@dataclass(frozen=True, slots=True)
class _Located:
    key: Path  # the config file, or the root of a project without one
    has_config: bool
    stamps: Stamps  # the pyproject.toml files looked at, up to the one found


def _locked(method: Callable[Concatenate[Projects, P], R]) -> Callable[Concatenate[Projects, P], R]:
    def locked(self: Projects, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock:
            return method(self, *args, **kwargs)

    functools.update_wrapper(locked, method)
    return locked


class Projects:
    def __init__(self) -> None:
        self._located: dict[Path, _Located] = {}
        self._projects: dict[Path, Loaded | Broken] = {}
        self.loads = 0  # projects loaded, first or again after a change
        self._lock = threading.Lock()

    @_locked
    def for_document(self, path: Path) -> Loaded | Broken:
        """The project of the document at `path` (absolute), loaded again first if its
        config file or a local plugin changed since it was loaded."""
        try:
            located = self._locate(path.parent)
        except AuditError as exc:  # an unreadable pyproject.toml on the way up
            return Broken(exc.message, None, ())
        except OSError as exc:
            return Broken(f"cannot read the config: {exc}", None, ())
        known = self._projects.get(located.key)
        if known is not None and unchanged(known.stamps):
            return known
        self.loads += 1
        if known is not None:
            plugins = known.project.config.plugins if isinstance(known, Loaded) else known.plugins
            _forget_plugins(plugins)
        loaded = _load(located)
        self._projects[located.key] = loaded
        return loaded

    @_locked
    def invalidate(self) -> None:
        """Look for every config again (a pyproject.toml was saved, created or deleted)."""
        self._located.clear()

    @_locked
    def changed(self) -> bool:
        """Whether a config file or local plugin changed since it was read (the projects
        involved are loaded again on their next scan)."""
        moved = [d for d, located in self._located.items() if not unchanged(located.stamps)]
        for directory in moved:
            del self._located[directory]
        return bool(moved) or any(not unchanged(p.stamps) for p in self._projects.values())

    def _locate(self, directory: Path) -> _Located:
        known = self._located.get(directory)
        if known is not None and unchanged(known.stamps):
            return known
        found = find_config(directory)
        chain = list(config_candidates(directory))
        if found is not None:
            located = _Located(found, True, _stamped(chain[: chain.index(found) + 1]))
        else:
            located = _Located(load_config(directory).root, False, _stamped(chain))
        self._located[directory] = located
        return located


def _load(located: _Located) -> Loaded | Broken:
    config_file = located.key if located.has_config else None
    start = located.key.parent if config_file is not None else located.key
    config_stamps = _stamped([config_file]) if config_file is not None else ()
    try:
        project = open_project(start, config_file).realized()
    except AuditError as exc:
        trust_session.take_refused()  # the error is what the editor is told
        plugins, files = _plugins_of_config(config_file)
        return Broken(exc.message, config_file, (*config_stamps, *_stamped(files)), plugins)
    config = project.config
    engine = project.engine()
    # `audit trust` (or a revoke) loads the project again: its record is stamped too.
    watched = [*_plugin_files(config.plugins, config.root), trust.record_path(config.root)]
    stamps = (*config_stamps, *_stamped(watched))
    refused = tuple(refusal.message() for refusal in trust_session.take_refused())
    return Loaded(project, engine, language_filter(config, engine), stamps, refused)


def _plugins_of_config(config_file: Path | None) -> tuple[tuple[str, ...], list[Path]]:
    """The local plugins a config that failed to load names, and their files, if the
    config itself can be read (a plugin failed)."""
    if config_file is None:
        return (), []
    try:
        config = load_config(config_file.parent, config_file)
    except AuditError:
        return (), []
    return config.plugins, _plugin_files(config.plugins, config.root)


def _plugin_files(plugins: Sequence[str], root: Path) -> list[Path]:
    """The files of the local plugin modules: where they would be under the root, and
    where the ones imported were found (their submodules too)."""
    files = []
    for spec in plugins:
        name = spec.partition(":")[0]
        base = root.joinpath(*name.split("."))
        files += [base.with_suffix(".py"), base / "__init__.py"]
        for module_name, module in list(sys.modules.items()):
            if module_name == name or module_name.startswith(name + "."):
                file = getattr(module, "__file__", None)
                if isinstance(file, str):
                    files.append(Path(file))
    return files


def _forget_plugins(plugins: Sequence[str]) -> None:
    """Drop the local plugin modules from the import cache, so loading imports them anew."""
    for spec in plugins:
        name = spec.partition(":")[0]
        for module_name in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[module_name]
    importlib.invalidate_caches()
