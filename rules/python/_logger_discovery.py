"""The project's own logger, for the print fix and bare-except's log line: the module that
`logger-import` names, or one found by name, and the import the fix writes for it.

Import roots: the folder above a file's top package (the first folder up from it without
an `__init__.py`), and every folder from which one of the file's absolute imports
resolves (`from app.core import config` in `backend/app/api/x.py` makes `backend/` one, as
the project imports itself). A module is imported only when its file is there under one
of those roots (`app/log.py` or `app/log/__init__.py` for `app.log`): a fix never writes
an import that does not resolve.

Found by name, looked for in the file's top package and then at each root (the first
that offers a logger wins; the file itself and its own package's `logging` never):
LOGGER_MODULES below. What a module offers is read by `_logger_offer`.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rules.python._logger_cycles import import_chain
from rules.python._logger_offer import LoggerKind, Offer, offers, preferred

LOGGER_IMPORT = "logger-import"
LOGGER_MODULES = (
    "logger.py",
    "log.py",
    "logging_config.py",
    "log_config.py",
    "logger/__init__.py",
    "log/__init__.py",
    "utils/logger.py",
    "utils/log.py",
    "utils/logging.py",
    "util/logger.py",
    "core/logger.py",
    "core/logging.py",
    "core/log.py",
    "lib/logger.py",
    "common/logger.py",
    "common/logging.py",
    "logging.py",  # only inside a package: at a root it would be the standard library's
)
# Libraries whose logger the option may name without a file in the project.
LIBRARIES: dict[str, LoggerKind] = {"loguru": "loguru", "structlog": "structlog"}


@dataclass(frozen=True, slots=True)
class ProjectLogger:
    """What the fix imports: `from module import name` (bound `binding = name(...)` for a
    factory), and the shape of the calls it writes."""

    module: str
    offer: Offer
    origin: str  # where it was found, for the fix's description
    binding: str | None = None  # the option's own `logger = get_logger(...)`, as written

    @property
    def kind(self) -> LoggerKind:
        return self.offer.kind


# A project logger, or why the option's could not be used (the fix then falls back to
# `logging.getLogger(__name__)` and says so), or None: nothing configured or found.
Discovery = ProjectLogger | str | None


def discover(root: Path | None, path: str, imports: Sequence[str], option: str) -> Discovery:
    """The logger of the project at `root` for the file `path`, which imports the absolute
    modules `imports`."""
    if root is None:
        return None
    root = root.resolve()
    roots = import_roots(root, path, imports)
    parsed = parse_option(option) if option.strip() else None
    own = _module_name(root, path, roots)
    if parsed is not None:
        named = configured(parsed, root, roots)
        if isinstance(named, ProjectLogger):
            file = resolve(named.module, roots)
            if file is not None:
                origin = file.relative_to(root).as_posix()
                return _circular(file, named.module, own, roots, origin) or named
        return named
    for base, import_root in _bases(root, path, roots):
        for candidate in LOGGER_MODULES:
            if candidate == "logging.py" and base == import_root:
                continue
            file = base / candidate
            module = _dotted(file, import_root)
            if module == own or module is None or not file.is_file():
                continue
            found = preferred(offers(_read(file)))
            if found is not None:
                origin = file.relative_to(root).as_posix()
                return _circular(file, module, own, roots, origin) or ProjectLogger(
                    module, found, f"found at {origin}"
                )
    return None


def _circular(
    file: Path, module: str, own: str | None, roots: Sequence[Path], origin: str
) -> str | None:
    """Why the logger module cannot be imported into the scanned module `own`: it imports
    that module itself, directly or through others (the import would be circular)."""
    if own is None:
        return None
    chain = import_chain(file, module, own, lambda name: resolve(name, roots))
    if not chain:
        return None
    through = " -> ".join(f"`{m}`" for m in [*chain, own])
    return f"{origin} imports this module ({through}): importing it here would be circular"


def configured(
    parsed: tuple[str, str, str | None], root: Path, roots: Sequence[Path]
) -> ProjectLogger | str:
    """The option's `from module import name` (and an optional binding statement after
    it, `logger = get_logger(__name__)`); a string says why it cannot be used."""
    module, name, binding = parsed
    top = module.split(".")[0]
    if top in LIBRARIES:
        kind = LIBRARIES[top]
        factory = binding is not None or name != "logger"
        return ProjectLogger(module, Offer(name, kind, factory), LOGGER_IMPORT, binding)
    file = resolve(module, roots)
    if file is None:
        if any((r / top).exists() or (r / f"{top}.py").exists() for r in roots):
            return f"`{module}` of {LOGGER_IMPORT} does not resolve in the project"
        # Not the project's: an installed package, taken as the option says.
        offer = Offer(name, "stdlib", binding is not None)
        return ProjectLogger(module, offer, LOGGER_IMPORT, binding)
    named = preferred(offers(_read(file)), name)
    if named is None:
        where = file.relative_to(root).as_posix()
        return f"{where} binds no logger `{name}` that {LOGGER_IMPORT} names"
    return ProjectLogger(module, named, LOGGER_IMPORT, binding)


def parse_option(option: str) -> tuple[str, str, str | None] | None:
    """(module, name, binding statement or None); ValueError when it is Python but not
    `from module import name` optionally followed by `NAME = name(...)`; None when it
    is not Python (the JS/TS rule's statement: the option is one for the rule id)."""
    example = '"from app.log import logger" or "from app.log import get_logger; log = get_logger(__name__)"'
    try:
        body = ast.parse(option.strip()).body
    except SyntaxError:
        return None
    first = body[0] if body else None
    if (
        not isinstance(first, ast.ImportFrom)
        or first.level
        or first.module is None
        or len(first.names) != 1
        or first.names[0].asname is not None
        or len(body) > 2
    ):
        raise ValueError(f"{LOGGER_IMPORT} must be one import, e.g. {example} (got {option!r})")
    name = first.names[0].name
    binding = None
    if len(body) == 2:
        second = body[1]
        if not (
            isinstance(second, ast.Assign)
            and len(second.targets) == 1
            and isinstance(second.targets[0], ast.Name)
            and isinstance(second.value, ast.Call)
            and isinstance(second.value.func, ast.Name)
            and second.value.func.id == name
        ):
            raise ValueError(f"{LOGGER_IMPORT}'s binding must call {name}: {example}")
        binding = ast.unparse(second)
    return first.module, name, binding


def import_roots(root: Path, path: str, imports: Sequence[str]) -> list[Path]:
    """The folders the file's project imports from, the file's own package root first."""
    folder = (root / path).parent
    top = folder
    while top != root and (top / "__init__.py").is_file():
        top = top.parent
    roots = [top]
    for module in imports:
        head = module.split(".")[0]
        if head in sys.stdlib_module_names:
            continue
        for ancestor in [folder, *folder.parents]:
            if (ancestor / head).is_dir() or (ancestor / f"{head}.py").is_file():
                if ancestor not in roots:
                    roots.append(ancestor)
                break
            if ancestor == root:
                break
    return roots


def resolve(module: str, roots: Sequence[Path]) -> Path | None:
    """The file of `module` under one of the roots."""
    parts = module.split(".")
    for base in roots:
        for file in (
            base.joinpath(*parts).with_suffix(".py"),
            base.joinpath(*parts, "__init__.py"),
        ):
            if file.is_file():
                return file
    return None


def _bases(root: Path, path: str, roots: Sequence[Path]) -> list[tuple[Path, Path]]:
    """Where to look, (folder, its import root): the file's top package, then each root."""
    file = (root / path).resolve()
    found: list[tuple[Path, Path]] = []
    for import_root in roots:
        if import_root in file.parents and import_root != file.parent:
            top = import_root / file.relative_to(import_root).parts[0]
            found.append((top, import_root))
    found.extend((r, r) for r in roots)
    return found


def _dotted(file: Path, import_root: Path) -> str | None:
    """The module name of `file` under `import_root`; None for a name that would be the
    standard library's or a library the fix writes for (`logging`, `loguru`)."""
    parts = list(file.relative_to(import_root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    if not parts or parts[0] in sys.stdlib_module_names or parts[0] in LIBRARIES:
        return None
    if not all(p.isidentifier() for p in parts):
        return None
    return ".".join(parts)


def _module_name(root: Path, path: str, roots: Sequence[Path]) -> str | None:
    file = (root / path).resolve()
    for import_root in roots:
        if import_root in file.parents:
            return _dotted(file, import_root)
    return None


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
