"""console-logging (JS/TS): the project's logger, when `logger-import`/`logger-require` do
not name it, and how a file imports a module of the project.

The search: in the scanned file's package (the folder of its nearest package.json, else the
project root), the first of `{src/lib,src/utils,src/util,src/server,src,lib,utils,util,
server,app/lib,.}/{logger,log,logging}` (as `.ts`, `.mts`, `.cts`, `.tsx`, `.js`, `.mjs`,
`.cjs`, or a folder's `index.*`) that exports a logger (rules/javascript/_logger_api.py).

A module is imported through a tsconfig/jsconfig `paths` alias that resolves to it
(`@/lib/logger`), else by a relative path (`../lib/logger`); with the `.js` extension where
the import needs one (an ES module `.js`/`.mjs` file, `moduleResolution` `node16` or
`nodenext`, or a file whose relative imports already carry it).
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path

from rules.javascript._logger_api import LoggerApi, logger_api
from rules.javascript._project import (
    PathsConfig,
    folders_up,
    is_module,
    mapped,
    package_type,
    paths_config,
    read_json,
)

SEARCH_DIRS = (
    "src/lib",
    "src/utils",
    "src/util",
    "src/server",
    "src",
    "lib",
    "utils",
    "util",
    "server",
    "app/lib",
    "",
)
SEARCH_NAMES = ("logger", "log", "logging")
SOURCES = (".ts", ".mts", ".cts", ".tsx", ".js", ".mjs", ".cjs")
# The rule's PROJECT_FILES for the search: the result cache stamps these in each folder
# from a scanned file up to the root, so an edit of the logger module refreshes the fix.
WATCHED = tuple(
    posixpath.join(folder, f"{name}{suffix}")
    for folder in SEARCH_DIRS
    for name in SEARCH_NAMES
    for suffix in (".*", "/index.*")
)
_TS = (".ts", ".mts", ".cts", ".tsx")

_APIS: dict[tuple[str, int, int], LoggerApi | None] = {}


@dataclass(frozen=True, slots=True)
class FoundLogger:
    path: str  # root-relative, with its extension
    api: LoggerApi


def package_root(root: Path, rel: str) -> str:
    """The folder (root-relative) of `rel`'s nearest package.json; "" without one."""
    for folder in folders_up(rel):
        if (root / folder / "package.json").is_file():
            return folder
    return ""


def find_logger(root: Path, rel: str) -> FoundLogger | None:
    base = package_root(root, rel)
    for folder in SEARCH_DIRS:
        # One listing of the folder, not a stat of each of its 42 candidate names: the
        # language server asks this on every keystroke.
        present = _entries(root / base / folder)
        if not present:
            continue
        for name in SEARCH_NAMES:
            for ext in SOURCES:
                for candidate in (f"{name}{ext}", f"{name}/index{ext}"):
                    if candidate.split("/", 1)[0] not in present:
                        continue
                    path = posixpath.join(base, folder, candidate)
                    api = read_api(root, path)
                    if api is not None and path != rel:
                        return FoundLogger(path, api)
    return None


def _entries(folder: Path) -> frozenset[str]:
    try:
        return frozenset(os.listdir(folder))
    except OSError:
        return frozenset()


def read_api(root: Path, path: str) -> LoggerApi | None:
    """The logger the module at `path` exports, or None (no such file, or no logger)."""
    target = root / path
    try:
        st = target.stat()
    except OSError:
        return None
    key = (str(target), st.st_mtime_ns, st.st_size)
    if key not in _APIS:
        try:
            text = target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            _APIS[key] = None
        else:
            from auditor.plugins import parsed_file  # tree-sitter: only when a file is read

            _APIS[key] = logger_api(parsed_file(path, text))
    return _APIS[key]


def module_file(root: Path, base: str) -> str | None:
    """The file (root-relative) the module at `base` is: as written, with an extension,
    or a folder's index."""
    if (root / base).is_file():
        return base
    stem = _stem(base)
    for candidate in (stem, posixpath.join(base, "index")):
        for ext in (*SOURCES, ".d.ts"):
            if (root / (candidate + ext)).is_file():
                return candidate + ext
    return None


def specifier(root: Path, rel: str, target: str, own_text: str) -> str:
    """How `rel` imports the module file `target`: an alias that resolves to it, else a
    relative path; with an extension where the import needs one."""
    config = paths_config(root, rel) or PathsConfig({}, None)
    for candidate in _aliases(config, _module_stem(target)):
        if any(is_module(target, m) for m in mapped(candidate, config)):
            return candidate
    extension = _needs_extension(root, rel, own_text)
    stem = _stem(target) if extension else _module_stem(target)
    path = posixpath.relpath(stem, posixpath.dirname(rel) or ".")
    path = path if path.startswith("../") else "./" + path
    if extension:
        ext = posixpath.splitext(target)[1]
        path += {".ts": ".js", ".tsx": ".js", ".mts": ".mjs", ".cts": ".cjs"}.get(ext, ext)
    return path


def _aliases(config: PathsConfig, stem: str) -> list[str]:
    found = []
    for pattern, targets in config.paths.items():
        for target in targets:
            if "*" in pattern and "*" in target:
                head, _, tail = target.partition("*")
                if stem.startswith(head) and stem.endswith(tail) and len(stem) > len(head + tail):
                    star = stem[len(head) : len(stem) - len(tail)] if tail else stem[len(head) :]
                    found.append(pattern.replace("*", star, 1))
            elif _stem(target).rstrip("/") in (stem, stem.removesuffix("/index")):
                found.append(pattern)
    return found


def _needs_extension(root: Path, rel: str, own_text: str) -> bool:
    suffix = posixpath.splitext(rel)[1]
    if suffix in {".mjs", ".mts"} or (suffix == ".js" and package_type(root, rel) == "module"):
        return True
    if _resolution(root, rel) in {"node16", "nodenext"}:
        return True
    return any(
        line.lstrip().startswith("import ")
        and (".js'" in line or '.js"' in line)
        and ("'./" in line or "'../" in line or '"./' in line or '"../' in line)
        for line in own_text.splitlines()
    )


def _resolution(root: Path, rel: str) -> str:
    """The nearest tsconfig's `moduleResolution` (or `module`, which implies it), lower-case."""
    for folder in folders_up(rel):
        document = read_json(root / folder / "tsconfig.json")
        if isinstance(document, dict):
            options = document.get("compilerOptions")
            if isinstance(options, dict):
                value = options.get("moduleResolution") or options.get("module") or ""
                return value.lower() if isinstance(value, str) else ""
            return ""
    return ""


def is_typescript_project(root: Path, rel: str) -> bool:
    return rel.endswith(_TS) or any(
        (root / folder / "tsconfig.json").is_file() for folder in folders_up(rel)
    )


def _stem(path: str) -> str:
    for ext in (".d.ts", *SOURCES):
        if path.endswith(ext):
            return path[: -len(ext)]
    return path


def _module_stem(path: str) -> str:
    return _stem(path).removesuffix("/index")
