"""unvalidated-kwargs: model classes a file imports from the project's model modules.

`from app.models import Booking` (or `from .models import Booking`, `from app import
models` then `models.Booking`) makes `Booking` a model when the imported module, read
from disk under `RuleContext.root` and never imported, defines it as one (its bases
include a `model-bases` class, through the module's own classes) or re-exports one from
another model module (`models/__init__.py`: `from .booking import Booking`).

Only model modules are read: a `models.py` or a module of a `models` package. The rule
declares them in PROJECT_FILES (`MODEL_MODULES`), so the result cache forgets what it
found when one changes; a model defined in a module of another name is named by the
`models` option, as before.
"""

from __future__ import annotations

import ast
import os
import posixpath
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from rules.python._kwargs_ast_sinks import derived_classes

# The rule's PROJECT_FILES: the modules whose models other files import.
MODEL_MODULES = ("models.py", "models/*.py")
MAX_HOPS = 3  # re-exports followed: models/__init__.py -> models/booking.py

_PARSED: dict[tuple[str, int, int], ast.Module | None] = {}


@dataclass(frozen=True, slots=True)
class Imported:
    """One name of a `from module import name [as alias]` line."""

    module: str  # "" for `from . import x`
    level: int  # leading dots
    name: str
    alias: str


@dataclass(frozen=True, slots=True)
class ModelClass:
    """A model class and the module (its syntax tree) that defines it."""

    node: ast.ClassDef
    module: ast.Module
    rel: str | None  # the file, root-relative; None: the scanned file itself


def imports_of(tree: ast.Module) -> list[Imported]:
    """The top-level `from ... import ...` names of a module."""
    found = []
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom):
            for alias in statement.names:
                if alias.name != "*":
                    found.append(
                        Imported(
                            statement.module or "",
                            statement.level,
                            alias.name,
                            alias.asname or alias.name,
                        )
                    )
    return found


def parse_file(path: Path) -> ast.Module | None:
    """The module's syntax tree (cached by size and modification time); None when it
    cannot be read or parsed."""
    try:
        st = path.stat()
    except OSError:
        return None
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _PARSED:
        try:
            _PARSED[key] = ast.parse(path.read_bytes())
        except (OSError, SyntaxError, ValueError):
            _PARSED[key] = None
    return _PARSED[key]


def is_model_module(rel: str) -> bool:
    folder, name = posixpath.split(rel)
    return name == "models.py" or posixpath.basename(folder) == "models"


def local_models(tree: ast.Module, model_bases: Sequence[str]) -> dict[str, ast.ClassDef]:
    """The module's top-level model classes, by name."""
    classes = {s.name: s for s in tree.body if isinstance(s, ast.ClassDef)}
    bases = {
        name: {b for base in node.bases if (b := dotted_name(base)) is not None}
        for name, node in classes.items()
    }
    return {name: classes[name] for name in derived_classes(bases, model_bases)}


def imported_models(
    root: Path, importer: str, imports: Iterable[Imported], model_bases: Sequence[str]
) -> dict[str, ModelClass]:
    """The models the file `importer` (root-relative) imports, by the name it uses for
    them: `Booking`, or `models.Booking` for a model module imported whole."""
    found: dict[str, ModelClass] = {}
    for imported in imports:
        source = module_path(root, importer, imported.module, imported.level)
        if source is not None and is_model_module(source):
            model = _model(root, source, imported.name, model_bases, MAX_HOPS)
            if model is not None:
                found[imported.alias] = model
                continue
        # `from app import models`: the module itself.
        submodule = f"{imported.module}.{imported.name}" if imported.module else imported.name
        source = module_path(root, importer, submodule, imported.level)
        if source is not None and is_model_module(source):
            tree = parse_file(root / source)
            if tree is not None:
                for name, node in local_models(tree, model_bases).items():
                    found[f"{imported.alias}.{name}"] = ModelClass(node, tree, source)
    return found


def _model(
    root: Path, rel: str, name: str, model_bases: Sequence[str], hops: int
) -> ModelClass | None:
    tree = parse_file(root / rel)
    if tree is None:
        return None
    node = local_models(tree, model_bases).get(name)
    if node is not None:
        return ModelClass(node, tree, rel)
    if hops == 0:
        return None
    for imported in imports_of(tree):
        if imported.alias == name:
            source = module_path(root, rel, imported.module, imported.level)
            if source is not None and is_model_module(source):
                return _model(root, source, imported.name, model_bases, hops - 1)
    return None


def module_path(root: Path, importer: str, module: str, level: int) -> str | None:
    """The root-relative file of the module, if it is in the project: relative imports
    from the importer's package, absolute ones from any folder above the importer (the
    folder on `sys.path`: the root, `src/`, an app's own folder in a monorepo)."""
    parts = [p for p in module.split(".") if p]
    folder = posixpath.dirname(importer)
    if level:
        for _ in range(level - 1):
            if not folder:
                return None
            folder = posixpath.dirname(folder)
        return _existing(root, folder, parts)
    if not parts:
        return None
    for base in _folders_up(folder):
        found = _existing(root, base, parts)
        if found is not None:
            return found
    return None


def _folders_up(folder: str) -> Iterator[str]:
    while True:
        yield folder
        if not folder:
            return
        folder = posixpath.dirname(folder)


def _existing(root: Path, folder: str, parts: list[str]) -> str | None:
    if not parts:
        candidates = [posixpath.join(folder, "__init__.py")]
    else:
        stem = posixpath.join(folder, *parts)
        candidates = [f"{stem}.py", posixpath.join(stem, "__init__.py")]
    base = os.fspath(root)
    for candidate in candidates:
        # os.path, not pathlib: a scan asks this some 20 times a file, and building the
        # Path objects cost three times the stat itself
        if os.path.isfile(os.path.join(base, candidate)):
            return candidate
    return None


def dotted_name(expr: ast.expr) -> str | None:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        base = dotted_name(expr.value)
        return None if base is None else f"{base}.{expr.attr}"
    return None


def first_party(root: Path | None, importer: str) -> Callable[[str], bool]:
    """Whether a top-level module is the project's own (isort's first party): a package
    or module in a folder above the importer."""
    folders = list(_folders_up(posixpath.dirname(importer)))

    def known(module: str) -> bool:
        return root is not None and any(
            (root / f / module).is_dir() or (root / f / f"{module}.py").is_file() for f in folders
        )

    return known
