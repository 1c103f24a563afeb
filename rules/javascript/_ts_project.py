"""JS/TS fixes: which TypeScript project a file belongs to, and whether that project takes
in another file. A repository with several tsconfig.json projects (a browser client, a
Node server, tests; `composite` project references) compiles each on its own: a client
file that imports the server's module is an error there (TS6307, "not listed within the
file list of project"), and pulls server code into the browser bundle. The fixes that add
an import (the console fix's logger, the env fix's settings module) ask this first.

A file's project is its nearest tsconfig.json (else jsconfig.json) when that config takes
the file in (`files`, `include` less `exclude`, through relative `extends`, as tsc reads
them); a solution-style config (`"files": []` and references) takes in nothing, so a file
under it belongs to no project and any import is left to the file's own build."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass

from rules.javascript._project import MAX_EXTENDS, folders_up

LoadJson = Callable[[str], object]  # root-relative path -> its JSON value, None if missing
_CONFIGS = ("tsconfig.json", "jsconfig.json")
_DEFAULT_EXCLUDE = ("node_modules", "bower_components", "jspm_packages")


@dataclass(frozen=True, slots=True)
class TsProject:
    config: str  # root-relative path of the tsconfig.json / jsconfig.json
    files: tuple[str, ...]  # root-relative
    include: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]

    def takes_in(self, rel: str) -> bool:
        if rel in self.files:
            return True
        return any(p.fullmatch(rel) for p in self.include) and not any(
            p.fullmatch(rel) for p in self.exclude
        )


def file_project(load: LoadJson, rel: str) -> TsProject | None:
    """The project of the file `rel`: its nearest config, when that config takes it in."""
    for folder in folders_up(rel):
        for name in _CONFIGS:
            config = posixpath.join(folder, name)
            if isinstance(load(config), dict):
                project = read_project(load, config)
                return project if project.takes_in(rel) else None
    return None


def outside_project(load: LoadJson, importer: str, module: str) -> str | None:
    """The config of `importer`'s project when that project does not take in `module`
    (the import would not compile there); None when it does, or the file has none."""
    project = file_project(load, importer)
    if project is None or project.takes_in(module):
        return None
    return project.config


def read_project(load: LoadJson, config: str) -> TsProject:
    """`files`, `include` and `exclude` of `config`, each from the nearest config of the
    `extends` chain that sets it, relative to that config's folder (as tsc resolves them)."""
    found: dict[str, tuple[str, list[str]]] = {}
    seen: set[str] = set()
    current: str | None = config
    while current is not None and current not in seen and len(seen) < MAX_EXTENDS:
        seen.add(current)
        document = load(current)
        if not isinstance(document, dict):
            break
        folder = posixpath.dirname(current)
        for key in ("files", "include", "exclude"):
            value = document.get(key)
            if key not in found and isinstance(value, list):
                found[key] = (folder, [v for v in value if isinstance(v, str)])
        current = _extended(document.get("extends"), folder)
    here = posixpath.dirname(config)
    files = tuple(_join(*_each(found, "files")))
    if "include" in found:
        include = _each(found, "include")
    else:  # tsc: no `include` means every file under the config, unless `files` is set
        include = (here, [] if "files" in found else ["**/*"])
    exclude = _each(found, "exclude") if "exclude" in found else (here, list(_DEFAULT_EXCLUDE))
    return TsProject(
        config,
        files,
        tuple(_pattern(p) for p in _join(*include)),
        tuple(_pattern(p) for p in _join(*exclude)),
    )


def _each(found: dict[str, tuple[str, list[str]]], key: str) -> tuple[str, list[str]]:
    return found.get(key, ("", []))


def _join(folder: str, patterns: list[str]) -> list[str]:
    joined = []
    for pattern in patterns:
        path = posixpath.normpath(posixpath.join(folder, pattern))
        joined.append("" if path == "." else path)
    return joined


def _extended(extends: object, folder: str) -> str | None:
    if isinstance(extends, list):
        extends = extends[0] if extends else None
    if not isinstance(extends, str) or not extends.startswith("."):
        return None  # a package's config (@tsconfig/node20) lists no project files
    path = posixpath.normpath(posixpath.join(folder, extends))
    return path if path.endswith(".json") else path + ".json"


def _pattern(pattern: str) -> re.Pattern[str]:
    """tsc's include/exclude glob: `**/` any folders, `*` and `?` within a name; a last
    part without a wildcard or an extension names a folder (everything under it)."""
    last = posixpath.basename(pattern)
    if not pattern or ("*" not in last and "?" not in last and "." not in last):
        pattern = posixpath.join(pattern, "**/*") if pattern else "**/*"
    regex = ""
    for part in re.split(r"(\*\*/|\*|\?)", pattern):
        if part == "**/":
            regex += "(?:[^/]+/)*"
        elif part == "*":
            regex += "[^/]*"
        elif part == "?":
            regex += "[^/]"
        else:
            regex += re.escape(part)
    return re.compile(regex)
