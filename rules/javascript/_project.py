"""console-logging (JS/TS): what other files of the project say about one file: the
nearest package.json's "type" and the nearest tsconfig.json/jsconfig.json's
`compilerOptions.paths` and `baseUrl`, read under `RuleContext.root` (None for text that
is not the file on disk: a commit's version, an example of the harness; the rule then
decides from the text alone).

Files are read as they are on disk when the rule runs; only package.json and the
tsconfig/jsconfig chain (`extends` to relative files) at or under the root are read. The
rule declares them in PROJECT_FILES, so the result cache forgets what it found when one
of them changes.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

_JSON: dict[tuple[str, int, int], object] = {}
MAX_EXTENDS = 8


def read_json(path: Path) -> object:
    """The JSON value in the file (comments and trailing commas allowed, as tsconfig
    has them), or None when it is missing or unreadable."""
    try:
        st = path.stat()
    except OSError:
        return None
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _JSON:
        try:
            _JSON[key] = json.loads(strip_jsonc(path.read_text(encoding="utf-8-sig")))
        except (OSError, ValueError):
            _JSON[key] = None
    return _JSON[key]


_COMMENTS = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/', re.DOTALL)
_TRAILING_COMMAS = re.compile(r'"(?:\\.|[^"\\])*"|,(?=\s*[}\]])')


def strip_jsonc(text: str) -> str:
    """JSON from JSON with comments: comments, then trailing commas go; strings stay."""
    for pattern in (_COMMENTS, _TRAILING_COMMAS):
        text = pattern.sub(lambda m: m.group() if m.group().startswith('"') else "", text)
    return text


def _parents(rel: str) -> Iterator[str]:
    """The folders from `rel`'s own up to the root (""), posix and root-relative."""
    folder = posixpath.dirname(rel)
    while True:
        yield folder
        if not folder:
            return
        folder = posixpath.dirname(folder)


def folders_up(rel: str) -> Iterator[str]:
    """The folders from `rel`'s own up to the root (""), posix and root-relative."""
    return _parents(rel)


def package_type(root: Path, rel: str) -> str | None:
    """The nearest package.json's "type" ("" when it has none), None without one."""
    for folder in _parents(rel):
        document = read_json(root / folder / "package.json")
        if isinstance(document, dict):
            kind = document.get("type", "")
            return kind if isinstance(kind, str) else ""
    return None


@dataclass(frozen=True, slots=True)
class PathsConfig:
    paths: Mapping[str, tuple[str, ...]]  # pattern -> targets, each root-relative
    base_url: str | None  # root-relative


def paths_config(root: Path, rel: str) -> PathsConfig | None:
    """`paths` and `baseUrl` of the nearest tsconfig.json or jsconfig.json, through its
    `extends`; paths resolved as TypeScript does (against baseUrl, else the file that
    sets them)."""
    for folder in _parents(rel):
        for name in ("tsconfig.json", "jsconfig.json"):
            if (root / folder / name).is_file():
                return _paths_of(root, posixpath.join(folder, name))
    return None


def _paths_of(root: Path, config: str) -> PathsConfig:
    return paths_from(lambda path: read_json(root / path), config)


def paths_from(load: Callable[[str], object], config: str) -> PathsConfig:
    """`paths` and `baseUrl` of the root-relative tsconfig/jsconfig `config`, through its
    `extends`, each file's JSON value given by `load` (None when it is missing)."""
    paths: dict[str, tuple[str, ...]] | None = None
    paths_dir = ""
    base_url: str | None = None
    seen: set[str] = set()
    current: str | None = config
    while current is not None and current not in seen and len(seen) < MAX_EXTENDS:
        seen.add(current)
        document = load(current)
        options = document.get("compilerOptions") if isinstance(document, dict) else None
        folder = posixpath.dirname(current)
        if isinstance(options, dict):
            if base_url is None and isinstance(options.get("baseUrl"), str):
                base_url = _join(folder, options["baseUrl"])
            raw = options.get("paths")
            if paths is None and isinstance(raw, dict):
                paths = {
                    k: tuple(t for t in v if isinstance(t, str))
                    for k, v in raw.items()
                    if isinstance(v, list)
                }
                paths_dir = folder
        current = _extended(document, folder)
    if paths is None:
        return PathsConfig({}, base_url)
    base = base_url if base_url is not None else paths_dir
    resolved = {
        k: tuple(j for t in targets if (j := _join(base, t)) is not None)
        for k, targets in paths.items()
    }
    return PathsConfig({k: tuple(v) for k, v in resolved.items() if v}, base_url)


def _extended(document: object, folder: str) -> str | None:
    extends = document.get("extends") if isinstance(document, dict) else None
    if isinstance(extends, list):
        extends = extends[0] if extends else None  # the first is the base of the others
    if not isinstance(extends, str) or not extends.startswith("."):
        return None  # a package's config (@tsconfig/next) sets no project paths
    target = _join(folder, extends)
    if target is None:
        return None
    return target if target.endswith(".json") else target + ".json"


def _join(folder: str, path: str) -> str | None:
    """`path` (relative to `folder`, both root-relative) as a root-relative path; None
    outside the root."""
    joined = posixpath.normpath(posixpath.join(folder, path))
    if joined == ".":
        return ""
    return None if joined.startswith("..") or os.path.isabs(joined) else joined


def mapped(source: str, config: PathsConfig) -> list[str]:
    """The root-relative paths (without extension) `source` may resolve to through
    `paths` (every pattern that matches, every fallback target) and `baseUrl`."""
    found = []
    for pattern, targets in config.paths.items():
        if "*" in pattern:
            head, _, tail = pattern.partition("*")
            if (
                source.startswith(head)
                and source.endswith(tail)
                and len(source) >= len(pattern) - 1
            ):
                star = source[len(head) : len(source) - len(tail)]
                found += [t.replace("*", star, 1) for t in targets]
        elif source == pattern:
            found += list(targets)
    if config.base_url is not None:
        joined = _join(config.base_url, source)
        if joined is not None:
            found.append(joined)
    return found


def relative(source: str, rel: str) -> str | None:
    """A relative `source` ('./log', '../lib/log') as a root-relative path from `rel`."""
    return _join(posixpath.dirname(rel), source)


EXTENSIONS = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".d.ts")


def module_exists(root: Path, base: str) -> bool:
    """Whether a module file is at `base` (as written, with an extension, or as a folder's
    index or package.json)."""
    target = root / base
    if target.is_file() or (target / "package.json").is_file():
        return True
    stem = _stem(base)
    return any(
        (root / (candidate + ext)).is_file()
        for candidate in (stem, posixpath.join(base, "index"))
        for ext in EXTENSIONS
    )


def _stem(path: str) -> str:
    for ext in (".d.ts", *EXTENSIONS):
        if path.endswith(ext):
            return path[: -len(ext)]
    return path


def is_module(rel: str, base: str) -> bool:
    """Whether the file `rel` is the module at `base` (root-relative, extension optional,
    a TypeScript file standing for the `.js` named in a source) or that folder's index."""
    stem, target = _stem(rel), _stem(base)
    return stem in (target, posixpath.join(target, "index")) if target else False


def in_folder(rel: str, base: str) -> bool:
    return bool(base) and rel.startswith(_stem(base).rstrip("/") + "/")
