"""console-logging (JS/TS): which logger a file's fix calls, what that logger offers, and
whether the fix creates it; or why the file gets no fix (the same for every call in it).

- `logger-import`/`logger-require` set: that statement. A relative source must name a
  module from the file. Another source is resolved through the nearest tsconfig/jsconfig
  `paths` (then `baseUrl`): a file there is read for what it offers; a `paths` entry whose
  files are all missing gets the logger module created at its first target; a source no
  entry maps is taken for a package when one of that name is installed (`node_modules`
  up from the file), declared in a package.json up from the file, or is a workspace
  package (the root package.json's `workspaces` globs); else the fix is refused, with a
  message: it would import a module that does not resolve.
- Not set: the project's logger, found as rules/javascript/_logger_discovery.py says; else
  a created one (rules/javascript/_created_logger.py).
Without the project's files (a commit's text, an example without `files=`), only a
configured statement gives a fix, as written.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path

from auditor.plugins import Edit, ParsedFile
from rules.javascript._created_logger import API, module_path, module_text
from rules.javascript._logger_api import LoggerApi
from rules.javascript._logger_config import (
    LOGGER_IMPORT,
    LOGGER_REQUIRE,
    LoggerStatement,
    logger_statement,
)
from rules.javascript._logger_discovery import (
    SEARCH_NAMES,
    find_logger,
    module_file,
    read_api,
    specifier,
)
from rules.javascript._module_kind import exports_name, logger_module, module_system, unresolved
from rules.javascript._project import (
    PathsConfig,
    folders_up,
    mapped,
    paths_config,
    read_json,
    relative,
)
from rules.javascript._ts_project import outside_project
from rules.javascript.scope import Scopes

NO_LOGGER = (
    "; set `logger-import` under [tool.audit.rules.console-logging] "
    "(e.g. \"import { logger } from '@/lib/logger'\") to get a fix"
)
REQUIRE_EXAMPLE = "\"const { logger } = require('./lib/logger')\""


@dataclass(frozen=True, slots=True)
class Plan:
    logger: LoggerStatement
    api: LoggerApi | None  # None: not read (a package, or no project files)
    module: str | None = None  # the logger's file, root-relative, when known
    creation: Edit | None = None  # creates the logger module


def file_plan(
    file: ParsedFile,
    scopes: Scopes,
    root: Path | None,
    esm_option: LoggerStatement | None,
    cjs_option: LoggerStatement | None,
) -> Plan | str:
    if esm_option is None and cjs_option is None and root is None:
        return NO_LOGGER
    system, why = module_system(file, scopes, root)
    if system is None:
        return (
            f"; no fix: cannot tell an ES module from CommonJS ({why}); add an import or "
            'export, or set "type" in package.json'
        )
    if esm_option is None and cjs_option is None:
        assert root is not None
        return _project_logger(file, root, system == "cjs")
    if system == "esm":
        logger = esm_option if esm_option is not None and esm_option.kind != "require" else None
        if logger is None:
            return f"; no fix: an ES module ({why}) needs an import; set `{LOGGER_IMPORT}`" + (
                " to an import, not a require()" if esm_option is not None else ""
            )
    else:
        logger = cjs_option
        if logger is None and esm_option is not None and esm_option.kind != "import":
            logger = esm_option
        if logger is None:
            return (
                f"; no fix: CommonJS ({why}) cannot import; set `{LOGGER_REQUIRE}` "
                f"(e.g. {REQUIRE_EXAMPLE}) to get a fix"
            )
    own = logger_module(file, logger, root)
    if own is None and exports_name(file, logger.name):
        own = f"this module exports `{logger.name}`"
    if own is not None:
        return f"; no fix in the logger's own module ({own}): `{logger.name}` would call itself"
    missing = unresolved(file, logger, root)
    if missing is not None:
        return f"; no fix: {missing}"
    return _configured(file, root, logger)


def _configured(file: ParsedFile, root: Path | None, logger: LoggerStatement) -> Plan | str:
    source = logger.source
    if root is None or source is None:
        return Plan(logger, None)
    if source.startswith("."):
        target = relative(source, file.path)
        found = module_file(root, target) if target is not None else None
        return Plan(logger, read_api(root, found) if found else None, found)
    config = paths_config(root, file.path) or PathsConfig({}, None)
    by_paths = mapped(source, PathsConfig(config.paths, None))
    by_base = mapped(source, PathsConfig({}, config.base_url)) if config.base_url else []
    for target in (*by_paths, *by_base):
        found = module_file(root, target)
        if found is not None:
            return Plan(logger, read_api(root, found), found)
    if by_paths:
        if (logger.name, logger.imported) not in {("logger", "logger")}:
            return (
                f"; no fix: `{source}` maps to {by_paths[0]}, which does not exist, and the "
                f"module auditor creates exports `logger`, not what `{logger.statement}` imports"
            )
        path = by_paths[0]
        path = path if posixpath.splitext(path)[1] else path + _created_ext(root, file.path)
        return Plan(logger, API, path, _creation(root, path))
    if _is_package(root, file.path, source):
        return Plan(logger, None)
    return (
        f"; no fix: `{source}` resolves to no module (no tsconfig/jsconfig `paths` entry "
        "maps it, no file is at `baseUrl`, and no package of that name is installed or "
        "declared); importing it would not compile"
    )


def _created_ext(root: Path, rel: str) -> str:
    return posixpath.splitext(module_path(root, rel))[1]


def _creation(root: Path, path: str) -> Edit:
    """The created logger module: one text for the whole project, whichever file's fix
    asks for it (fixes that create one file differently are refused, and a second run
    was needed), so its quote is the project's, not the asking file's."""
    return Edit(0, 0, module_text(root, path, project_quote(root, path)), path=path, create=True)


def project_quote(root: Path, path: str) -> str:
    """Prettier's `singleQuote` where a JSON config of the created file's folders says it
    (`.prettierrc`, `.prettierrc.json`, package.json's "prettier"; other formats are code
    or YAML, not read), else a single quote."""
    for folder in folders_up(path):
        for name, key in (
            (".prettierrc", None),
            (".prettierrc.json", None),
            ("package.json", "prettier"),
        ):
            config = read_json(root / folder / name)
            if isinstance(config, dict) and key is not None:
                config = config.get(key)
            if isinstance(config, dict) and isinstance(config.get("singleQuote"), bool):
                return "'" if config["singleQuote"] else '"'
    return "'"


def _project_logger(file: ParsedFile, root: Path, commonjs: bool) -> Plan | str:
    rel = file.path
    found = find_logger(root, rel)
    quote = _quote(file)
    if found is not None:
        other = outside_project(lambda p: read_json(root / p), rel, found.path)
        if other is not None:
            return (
                f"; no fix: the project's logger ({found.path}) is not among the files of "
                f"{other}, this file's TypeScript project (another build); set "
                f"`{LOGGER_IMPORT}` to a logger of this project"
            )
        api = found.api
        spec = quote + specifier(root, rel, found.path, file.text) + quote
        name = api.export if api.export not in {"default", "*"} else "logger"
        if commonjs:
            if not api.commonjs:
                return (
                    f"; no fix: the project's logger ({found.path}) is an ES module, which "
                    f"CommonJS cannot require; set `{LOGGER_REQUIRE}`"
                )
            binding = name if api.export == "default" else "{ " + name + " }"
            statement = f"const {binding} = require({spec});"
        elif api.export == "*":
            statement = f"import * as logger from {spec};"
        elif api.export == "default":
            statement = f"import logger from {spec};"
        else:
            statement = f"import {{ {name} }} from {spec};"
        return Plan(logger_statement(statement), api, found.path)
    if commonjs:
        return (
            "; no fix: the project has no logger module "
            f"({'/'.join(SEARCH_NAMES)} in lib/, utils/, src/...), and the logger auditor "
            f"creates is an ES module; set `{LOGGER_REQUIRE}`"
        )
    path = module_path(root, rel)
    other = outside_project(lambda p: read_json(root / p), rel, path)
    if other is not None:
        return (
            f"; no fix: the project has no logger module, and {path}, where auditor would "
            f"create one, is not among the files of {other}, this file's TypeScript "
            f"project; set `{LOGGER_IMPORT}`"
        )
    statement = f"import {{ logger }} from {quote}{specifier(root, rel, path, file.text)}{quote};"
    return Plan(logger_statement(statement), API, path, _creation(root, path))


def _quote(file: ParsedFile) -> str:
    """The quote of the file's first import source, else a single quote."""
    for child in file.root.named_children:
        source = child.child_by_field_name("source") if child.type == "import_statement" else None
        if source is not None:
            return file.code(source)[0]
    return "'"


def _is_package(root: Path, rel: str, source: str) -> bool:
    parts = source.split("/")
    name = "/".join(parts[:2]) if source.startswith("@") else parts[0]
    if not name or name.startswith(("@/", "~", "#", "$")) or name == "@":
        return False
    for folder in folders_up(rel):
        if (root / folder / "node_modules" / name).is_dir():
            return True
        document = read_json(root / folder / "package.json")
        if isinstance(document, dict) and any(
            isinstance(deps, dict) and name in deps
            for deps in (
                document.get(field)
                for field in ("dependencies", "devDependencies", "peerDependencies")
            )
        ):
            return True
    return name in _workspace_packages(root)


def _workspace_packages(root: Path) -> set[str]:
    document = read_json(root / "package.json")
    spaces = document.get("workspaces") if isinstance(document, dict) else None
    if isinstance(spaces, dict):
        spaces = spaces.get("packages")
    names = set()
    for pattern in spaces if isinstance(spaces, list) else ():
        if not isinstance(pattern, str) or pattern.startswith(("/", "..")):
            continue
        for folder in root.glob(pattern):
            package = read_json(folder / "package.json")
            if isinstance(package, dict) and isinstance(package.get("name"), str):
                names.add(package["name"])
    return names
