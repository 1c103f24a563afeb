"""console-logging (JS/TS): the rule's options read once per run: the logger statements
(`logger-import` for ES modules, `logger-require` for CommonJS), the method map and the
argument style; and whether a statement already in a file is the configured one (only
then is its binding reused)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

from auditor.plugins import ParsedFile
from rules.javascript.scope import string_value

if TYPE_CHECKING:
    from tree_sitter import Node

LOGGER_IMPORT = "logger-import"
LOGGER_REQUIRE = "logger-require"
METHOD_MAP = "method-map"
LOGGER_STYLE = "logger-style"
STYLES = ("console", "structured")
METHODS = frozenset({"log", "debug", "info", "warn", "error", "trace", "dir", "table"})
# `trace` prints a stack, `dir` and `table` inspect data: debugging aids, logged at debug
# (hidden at the usual default level, info); `method-map = ["table:info"]` keeps them seen.
DEFAULT_METHOD_MAP = ("log:info", "trace:debug", "dir:debug", "table:debug")

Kind = Literal["import", "require", "declaration"]


@dataclass(frozen=True, slots=True)
class LoggerStatement:
    statement: str  # as configured
    name: str  # the local name it binds
    kind: Kind  # an ES import, `const x = require(...)`, or any other declaration
    source: str | None  # the module it imports ('@/lib/logger'), None for a declaration
    imported: str | None  # what it takes from there: an export's name, "default" or "*"
    type_only: bool = False


@cache
def logger_statement(statement: str, option: str = LOGGER_IMPORT) -> LoggerStatement:
    """The configured statement and the one name it binds; ValueError when it binds none
    or several (the engine reports that as an internal error of the rule)."""
    from auditor.plugins import first_error, parsed_file

    file = parsed_file("logger.ts", statement)
    body = [n for n in file.root.named_children if n.type != "comment"]
    found = None
    if len(body) == 1 and first_error(file.root) is None:
        bound = bound_names(file, body[0])
        if len(bound) == 1:
            found = bound[0]
    if found is None:
        raise ValueError(
            f"{option} {statement!r} must be one import or declaration binding one name, "
            "e.g. \"import { logger } from '@/lib/logger'\""
        )
    name, kind, source, imported, type_only = found
    return LoggerStatement(statement, name, kind, source, imported, type_only)


Bound = tuple[str, Kind, str | None, str | None, bool]


def bound_names(file: ParsedFile, statement: Node) -> list[Bound]:
    """(local name, kind, source, imported name, type-only) of each name `statement`
    binds, when it is an import or a declaration of plain names; else []."""
    if statement.type == "import_statement":
        return _import_names(file, statement)
    if statement.type in {"lexical_declaration", "variable_declaration"}:
        declarators = [c for c in statement.named_children if c.type == "variable_declarator"]
        if len(declarators) != 1:
            return []
        return declarator_names(file, declarators[0])
    return []


def _import_names(file: ParsedFile, statement: Node) -> list[Bound]:
    source_node = statement.child_by_field_name("source")
    source = string_value(source_node) if source_node is not None else None
    type_only = any(c.type == "type" for c in statement.children)
    clause = next((c for c in statement.named_children if c.type == "import_clause"), None)
    if clause is None or source is None:
        return []
    names: list[Bound] = []
    for part in clause.named_children:
        if part.type == "identifier":
            names.append((file.code(part), "import", source, "default", type_only))
        elif part.type == "namespace_import":
            for c in part.named_children:
                if c.type == "identifier":
                    names.append((file.code(c), "import", source, "*", type_only))
        elif part.type == "named_imports":
            for spec in part.named_children:
                if spec.type != "import_specifier":
                    continue
                imported = spec.child_by_field_name("name")
                bound = spec.child_by_field_name("alias") or imported
                if bound is None or imported is None:
                    continue
                spec_type = type_only or any(c.type == "type" for c in spec.children)
                names.append((file.code(bound), "import", source, _text(file, imported), spec_type))
    return names


def declarator_names(file: ParsedFile, declarator: Node) -> list[Bound]:
    pattern = declarator.child_by_field_name("name")
    value = declarator.child_by_field_name("value")
    source = require_source(file, value) if value is not None else None
    kind: Kind = "require" if source is not None else "declaration"
    if pattern is None:
        return []
    if pattern.type == "identifier":
        return [(file.code(pattern), kind, source, "*" if source else None, False)]
    if pattern.type != "object_pattern":
        return []
    names: list[Bound] = []
    for prop in pattern.named_children:
        if prop.type == "shorthand_property_identifier_pattern":
            names.append(
                (file.code(prop), kind, source, file.code(prop) if source else None, False)
            )
            continue
        target = prop.child_by_field_name("value") if prop.type == "pair_pattern" else None
        key = prop.child_by_field_name("key") if prop.type == "pair_pattern" else None
        if target is None or key is None or target.type != "identifier":
            return []
        names.append((file.code(target), kind, source, _text(file, key) if source else None, False))
    return names


def require_source(file: ParsedFile, value: Node) -> str | None:
    """'x' when `value` is `require('x')` (or `await import('x')` is not: only require)."""
    if value.type != "call_expression":
        return None
    function = value.child_by_field_name("function")
    arguments = value.child_by_field_name("arguments")
    if function is None or function.type != "identifier" or file.code(function) != "require":
        return None
    if arguments is None or len(arguments.named_children) != 1:
        return None
    return string_value(arguments.named_children[0])


def _text(file: ParsedFile, node: Node) -> str:
    return (string_value(node) or "") if node.type == "string" else file.code(node)


def is_configured(file: ParsedFile, declaration: Node, logger: LoggerStatement) -> bool:
    """Whether `declaration` (a binding's import statement or declarator) binds
    `logger.name` exactly as the configured statement does: the same module and export
    (an import), or the same text (a declaration). Only then is the binding reused."""
    if declaration.type == "import_statement":
        bound = _import_names(file, declaration)
    elif declaration.type == "variable_declarator":
        bound = declarator_names(file, declaration)
        if logger.kind == "declaration":
            parent = declaration.parent
            return parent is not None and _normal(file.code(parent)) == _normal(logger.statement)
    else:
        return False
    wanted = (logger.name, logger.kind, logger.source, logger.imported, logger.type_only)
    return wanted in bound


def _normal(code: str) -> str:
    return re.sub(r"\s+", "", code).rstrip(";").replace('"', "'")


def parse_method_map(entries: tuple[str, ...]) -> Mapping[str, str]:
    mapping = {}
    for entry in entries:
        source, sep, target = (part.strip() for part in entry.partition(":"))
        if not sep or source not in METHODS or not target.isidentifier():
            raise ValueError(
                f"{METHOD_MAP} entry {entry!r} must be 'console-method:logger-method', "
                "e.g. 'log:info'"
            )
        mapping[source] = target
    return mapping


def parse_style(style: object) -> str:
    if style not in STYLES:
        raise ValueError(f"{LOGGER_STYLE} must be one of {', '.join(STYLES)}, not {style!r}")
    assert isinstance(style, str)
    return style
