"""unvalidated-env (JS/TS), the fix: the app a file belongs to (the folder of its nearest
package.json; a monorepo's apps each have theirs) and what the settings module written
for it may use: its runtime dependencies (`dependencies` only: a devDependency may be
missing where the app runs), whether it is TypeScript, Next.js, an ES module, and the
`paths` of its tsconfig/jsconfig, through which an import of the module resolves.

Files are read through a loader (the project fix's `ProjectFiles.read`, or the disk), so
the fix sees the project as the per-file fixes left it."""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rules.javascript._project import PathsConfig, mapped, paths_from, strip_jsonc

Load = Callable[[str], str | None]
# What the settings module is written with: t3-env's createEnv (Next.js's or the core
# package), a zod schema, or a plain module that checks and throws.
Flavour = Literal["t3-nextjs", "t3-core", "zod", "plain"]

# Dependencies that bundle the app's modules: an import needs no file extension there,
# and ES module syntax is fine whatever package.json's "type" says.
_BUNDLERS = frozenset({"next", "vite", "webpack", "nuxt", "astro", "@remix-run/dev", "parcel"})
_NODE_RESOLUTION = frozenset({"node16", "nodenext"})


@dataclass(frozen=True, slots=True)
class App:
    root: str  # the folder of the package.json, root-relative ("" at the root)
    dependencies: frozenset[str]
    typescript: bool  # a tsconfig.json beside the package.json, or typescript a dependency
    esm: bool  # ES module syntax: TypeScript, "type": "module", or a bundler
    bundled: bool
    nextjs: bool
    paths: PathsConfig | None
    node_resolution: bool  # moduleResolution node16/nodenext: relative imports name .js

    def path(self, rel: str) -> str:
        """`rel` (relative to the app) as a root-relative path."""
        return posixpath.join(self.root, rel) if self.root else rel

    @property
    def flavour(self) -> Flavour:
        if "zod" in self.dependencies:
            if "@t3-oss/env-nextjs" in self.dependencies and self.nextjs:
                return "t3-nextjs"
            if "@t3-oss/env-core" in self.dependencies:
                return "t3-core"
            if "@t3-oss/env-nextjs" in self.dependencies:
                return "t3-nextjs"
            return "zod"
        return "plain"


def load_json(load: Load, path: str) -> object:
    text = load(path)
    if text is None:
        return None
    try:
        return json.loads(strip_jsonc(text.removeprefix("\ufeff")))
    except ValueError:
        return None


def package_folder(load: Load, rel: str) -> str | None:
    """The folder of the package.json nearest to the file `rel`, None without one."""
    folder = posixpath.dirname(rel)
    while True:
        if isinstance(load_json(load, posixpath.join(folder, "package.json")), dict):
            return folder
        if not folder:
            return None
        folder = posixpath.dirname(folder)


def app_at(load: Load, folder: str) -> App:
    """The app whose package.json is in `folder`."""
    document = load_json(load, posixpath.join(folder, "package.json"))
    assert isinstance(document, dict)
    deps = document.get("dependencies")
    dependencies = frozenset(deps) if isinstance(deps, dict) else frozenset()
    dev = document.get("devDependencies")
    every = dependencies | (frozenset(dev) if isinstance(dev, dict) else frozenset())
    config = next(
        (
            posixpath.join(folder, name)
            for name in ("tsconfig.json", "jsconfig.json")
            if load(posixpath.join(folder, name)) is not None
        ),
        None,
    )
    typescript = "typescript" in every or (config or "").endswith("tsconfig.json")
    bundled = bool(every & _BUNDLERS)
    module = document.get("type") == "module"
    paths = paths_from(lambda p: load_json(load, p), config) if config else None
    return App(
        folder,
        dependencies,
        typescript,
        typescript or module or bundled,
        bundled,
        "next" in every,
        paths,
        config is not None and _resolution(load, config) in _NODE_RESOLUTION,
    )


def _resolution(load: Load, config: str) -> str:
    document = load_json(load, config)
    options = document.get("compilerOptions") if isinstance(document, dict) else None
    value = options.get("moduleResolution") if isinstance(options, dict) else None
    return value.lower() if isinstance(value, str) else ""


def specifier(app: App, importer: str, module: str) -> str:
    """How `importer` imports the settings module `module` (both root-relative): through
    a tsconfig `paths` alias that maps to it, else a relative path; with the file's
    extension where Node resolves the import itself (no bundler, ES modules)."""
    stem, ext = posixpath.splitext(module)
    if app.paths is not None:
        for pattern, targets in app.paths.paths.items():
            alias = _alias(pattern, targets, stem)
            if alias is not None and stem in {
                posixpath.splitext(m)[0] for m in mapped(alias, app.paths)
            }:
                return alias
    relative = posixpath.relpath(stem, posixpath.dirname(importer) or ".")
    relative = relative if relative.startswith("../") else "./" + relative
    if app.node_resolution:
        return relative + (".js" if ext in {".ts", ".tsx"} else ext)
    if not app.typescript and app.esm and not app.bundled:
        return relative + ext
    return relative


def _alias(pattern: str, targets: tuple[str, ...], stem: str) -> str | None:
    if pattern.count("*") != 1:
        return None
    head, tail = pattern.split("*")
    for target in targets:
        if target.count("*") != 1:
            continue
        start, end = target.split("*")
        end = posixpath.splitext(end)[0]
        if stem.startswith(start) and stem.endswith(end) and len(stem) >= len(start) + len(end):
            return head + stem[len(start) : len(stem) - len(end)] + tail
    return None


def is_nextjs(load: Load, rel: str) -> bool:
    """Whether the file `rel` is in a Next.js app: its package.json depends on next."""
    folder = package_folder(load, rel)
    if folder is None:
        return False
    document = load_json(load, posixpath.join(folder, "package.json"))
    assert isinstance(document, dict)
    return any(
        isinstance(deps, dict) and "next" in deps
        for deps in (document.get("dependencies"), document.get("devDependencies"))
    )


def disk_loader(root: Path) -> Load:
    """A loader of the files under `root`, as they are on disk."""

    def load(rel: str) -> str | None:
        try:
            return (root / rel).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    return load
