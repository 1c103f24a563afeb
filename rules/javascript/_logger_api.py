"""console-logging (JS/TS): what a logger module offers, read from its text (parsed, never
run): which export is the logger, what kind it is, its methods and their parameters.

An export is a logger when its value is
- `pino(...)` (pino imported under any name, or the name `pino`): kind `pino`, methods
  `trace debug info warn error fatal`, called `(object, message)`;
- `winston.createLogger(...)` or a `createLogger(...)` imported from winston: kind
  `winston`, methods `error warn info http verbose debug silly`, called `(message, meta)`;
- an object literal (`export const logger = { debug(message, context?) {...}, ... }`) or an
  instance of a class the module declares (`export const logger = new Logger()`): kind
  `own`, the methods and parameters as written;
- or the module exports level functions itself (`export function info(message) {}`):
  kind `own`, imported as a namespace (`import * as logger from ...`).
It must have at least two of `debug info warn error` (a pino or winston logger always
does). The value may be named first (`const log = pino(); export default log;`,
`module.exports = { logger }`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from auditor.plugins import ParsedFile
from rules.javascript.scope import string_value

if TYPE_CHECKING:
    from tree_sitter import Node

Kind = Literal["own", "pino", "winston"]
LEVELS = frozenset({"log", "trace", "debug", "info", "warn", "warning", "error", "fatal"})
CORE = frozenset({"debug", "info", "warn", "error"})
PINO = ("trace", "debug", "info", "warn", "error", "fatal")
WINSTON = ("error", "warn", "info", "http", "verbose", "debug", "silly")


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    optional: bool = False
    rest: bool = False


@dataclass(frozen=True, slots=True)
class LoggerApi:
    export: str  # the export's name: "logger", "default", or "*" (level functions)
    kind: Kind
    methods: Mapping[str, tuple[Param, ...]]
    commonjs: bool = False  # exported through module.exports / exports.x

    def signature(self, method: str) -> str:
        params = self.methods.get(method, ())
        return f"{method}({', '.join(_shown(p) for p in params)})"


def _shown(param: Param) -> str:
    return ("..." if param.rest else "") + param.name + ("?" if param.optional else "")


_MESSAGE = (Param("message"),)
_PINO_PARAMS = (Param("object", optional=True), Param("message", optional=True))
_WINSTON_PARAMS = (Param("message"), Param("meta", optional=True))


def logger_api(file: ParsedFile) -> LoggerApi | None:
    """The module's logger export, or None when it has none."""
    reader = _Reader(file)
    for name, value, commonjs in reader.exports():
        api = reader.classify(value)
        if api is not None:
            kind, methods = api
            if kind != "own" or len(CORE & methods.keys()) >= 2:
                return LoggerApi(name, kind, methods, commonjs)
    functions = reader.level_functions()
    if len(CORE & functions.keys()) >= 2:
        return LoggerApi("*", "own", functions)
    return None


class _Reader:
    def __init__(self, file: ParsedFile) -> None:
        self.file = file
        self.top = [c for c in file.root.named_children if c.type != "comment"]

    def code(self, node: Node) -> str:
        return self.file.code(node)

    def exports(self) -> list[tuple[str, Node, bool]]:
        """(exported name, value node, CommonJS) of each export whose value can be read."""
        found: list[tuple[str, Node, bool]] = []
        for node in self.top:
            if node.type == "export_statement":
                found += self._esm_export(node)
            elif node.type == "expression_statement" and node.named_children:
                found += self._cjs_export(node.named_children[0])
        return found

    def _esm_export(self, node: Node) -> list[tuple[str, Node, bool]]:
        value = node.child_by_field_name("value")
        if value is not None:  # export default <expression>
            return [("default", value, False)]
        declaration = node.child_by_field_name("declaration")
        if declaration is not None and declaration.type == "lexical_declaration":
            return [
                (self.code(name), init, False)
                for d in declaration.named_children
                if d.type == "variable_declarator"
                and (name := d.child_by_field_name("name")) is not None
                and name.type == "identifier"
                and (init := d.child_by_field_name("value")) is not None
            ]
        found = []
        for clause in node.named_children:
            if clause.type != "export_clause" or node.child_by_field_name("source") is not None:
                continue
            for spec in clause.named_children:
                local = spec.child_by_field_name("name")
                alias = spec.child_by_field_name("alias") or local
                bound = self.binding(self.code(local)) if local is not None else None
                if alias is not None and bound is not None:
                    found.append((_name(self.file, alias), bound, False))
        return found

    def _cjs_export(self, expression: Node) -> list[tuple[str, Node, bool]]:
        if expression.type != "assignment_expression":
            return []
        left, right = (
            expression.child_by_field_name("left"),
            expression.child_by_field_name("right"),
        )
        if left is None or right is None:
            return []
        target = self.code(left).replace(" ", "")
        if target == "module.exports":
            whole = self.classify(right)
            if right.type == "object" and (whole is None or len(CORE & whole[1].keys()) < 2):
                return [
                    (name, value, True)
                    for prop in right.named_children
                    for name, value in self._property(prop)
                ]
            return [("default", right, True)]
        for head in ("module.exports.", "exports."):
            if target.startswith(head) and target[len(head) :].isidentifier():
                return [(target[len(head) :], right, True)]
        return []

    def _property(self, prop: Node) -> list[tuple[str, Node]]:
        if prop.type == "shorthand_property_identifier":
            bound = self.binding(self.code(prop))
            return [(self.code(prop), bound)] if bound is not None else []
        if prop.type == "pair":
            key, value = prop.child_by_field_name("key"), prop.child_by_field_name("value")
            if key is not None and value is not None:
                return [(_name(self.file, key), value)]
        return []

    def binding(self, name: str) -> Node | None:
        """The value a top-level `const`/`let`/`var NAME = value` gives, or the class or
        function declared under that name."""
        for node in self.top:
            inner = (
                node.child_by_field_name("declaration") if node.type == "export_statement" else node
            )
            if inner is None:
                continue
            if inner.type in {"lexical_declaration", "variable_declaration"}:
                for d in inner.named_children:
                    target = (
                        d.child_by_field_name("name") if d.type == "variable_declarator" else None
                    )
                    if target is not None and self.code(target) == name:
                        return d.child_by_field_name("value")
        return None

    def classify(
        self, value: Node, depth: int = 0
    ) -> tuple[Kind, dict[str, tuple[Param, ...]]] | None:
        while value.type in {"parenthesized_expression", "as_expression", "satisfies_expression"}:
            value = value.named_children[0]
        if value.type == "identifier" and depth < 4:
            bound = self.binding(self.code(value))
            return self.classify(bound, depth + 1) if bound is not None else None
        if value.type == "object":
            return "own", self._object_methods(value)
        if value.type == "new_expression":
            constructor = value.child_by_field_name("constructor")
            body = self._class_body(self.code(constructor)) if constructor is not None else None
            return ("own", self._class_methods(body)) if body is not None else None
        if value.type == "call_expression":
            function = value.child_by_field_name("function")
            callee = self.code(function).replace(" ", "") if function is not None else ""
            if callee in self._imports("pino") | {"pino", "pino.default"}:
                return "pino", dict.fromkeys(PINO, _PINO_PARAMS)
            winston = {f"{n}.createLogger" for n in self._imports("winston") | {"winston"}}
            if callee in winston | self._named_imports("winston", "createLogger"):
                return "winston", dict.fromkeys(WINSTON, _WINSTON_PARAMS)
        return None

    def _imports(self, package: str) -> set[str]:
        """The local names of `package`'s default or namespace import (or require)."""
        names = set()
        for node in self.top:
            if node.type == "import_statement" and self._source(node) == package:
                clause = next((c for c in node.named_children if c.type == "import_clause"), None)
                for part in clause.named_children if clause is not None else ():
                    if part.type == "identifier":
                        names.add(self.code(part))
                    elif part.type == "namespace_import":
                        names |= {
                            self.code(c) for c in part.named_children if c.type == "identifier"
                        }
            elif node.type in {"lexical_declaration", "variable_declaration"}:
                for d in node.named_children:
                    name, value = d.child_by_field_name("name"), d.child_by_field_name("value")
                    wanted = {f"require('{package}')", f'require("{package}")'}
                    if (
                        name is not None
                        and name.type == "identifier"
                        and value is not None
                        and self.code(value).replace(" ", "") in wanted
                    ):
                        names.add(self.code(name))
        return names

    def _named_imports(self, package: str, export: str) -> set[str]:
        names = set()
        for node in self.top:
            if node.type != "import_statement" or self._source(node) != package:
                continue
            for spec in _descendants(node, "import_specifier"):
                name = spec.child_by_field_name("name")
                alias = spec.child_by_field_name("alias") or name
                if name is not None and alias is not None and self.code(name) == export:
                    names.add(self.code(alias))
        return names

    def _source(self, node: Node) -> str | None:
        source = node.child_by_field_name("source")
        return string_value(source) if source is not None else None

    def _object_methods(self, value: Node) -> dict[str, tuple[Param, ...]]:
        methods = {}
        for member in value.named_children:
            if member.type == "method_definition":
                name = member.child_by_field_name("name")
                params = _children(member.child_by_field_name("parameters"))
            elif member.type == "pair":
                name = member.child_by_field_name("key")
                function = member.child_by_field_name("value")
                params = _function_params(function) if function is not None else None
            else:
                continue
            if name is not None and _name(self.file, name) in LEVELS:
                methods[_name(self.file, name)] = self._params(params or [])
        return methods

    def _class_body(self, name: str) -> Node | None:
        for node in self.top:
            inner = (
                node.child_by_field_name("declaration") if node.type == "export_statement" else node
            )
            if inner is not None and inner.type == "class_declaration":
                own = inner.child_by_field_name("name")
                if own is not None and self.code(own) == name:
                    return inner.child_by_field_name("body")
        return None

    def _class_methods(self, body: Node) -> dict[str, tuple[Param, ...]]:
        methods = {}
        for member in body.named_children:
            if member.type != "method_definition":
                continue
            hidden = any(
                (c.type == "accessibility_modifier" and self.code(c) != "public")
                or c.type == "static"
                for c in member.children
            )
            name = member.child_by_field_name("name")
            params = _children(member.child_by_field_name("parameters"))
            if not hidden and name is not None and params is not None and self.code(name) in LEVELS:
                methods[self.code(name)] = self._params(params)
        return methods

    def level_functions(self) -> dict[str, tuple[Param, ...]]:
        methods = {}
        for node in self.top:
            declaration = (
                node.child_by_field_name("declaration") if node.type == "export_statement" else None
            )
            if declaration is None:
                continue
            if declaration.type == "function_declaration":
                name = declaration.child_by_field_name("name")
                params = _children(declaration.child_by_field_name("parameters"))
                if name is not None and params is not None and self.code(name) in LEVELS:
                    methods[self.code(name)] = self._params(params)
            for name_node, value in self._declared(declaration):
                params = _function_params(value)
                if params is not None and self.code(name_node) in LEVELS:
                    methods[self.code(name_node)] = self._params(params)
        return methods

    def _declared(self, declaration: Node) -> list[tuple[Node, Node]]:
        if declaration.type != "lexical_declaration":
            return []
        return [
            (name, value)
            for d in declaration.named_children
            if (name := d.child_by_field_name("name")) is not None
            and (value := d.child_by_field_name("value")) is not None
        ]

    def _params(self, params: list[Node]) -> tuple[Param, ...]:
        found = []
        for param in params:
            if param.type == "comment":
                continue
            pattern = (
                param.child_by_field_name("pattern") if param.type.endswith("_parameter") else param
            )
            rest = pattern is not None and pattern.type == "rest_pattern"
            if pattern is not None and pattern.type == "this":
                continue  # TypeScript's `this` parameter is no argument
            optional = (
                param.type == "optional_parameter" or param.child_by_field_name("value") is not None
            )
            if pattern is not None and pattern.type == "assignment_pattern":
                optional, pattern = True, pattern.child_by_field_name("left")
            if rest and pattern is not None and pattern.named_children:
                pattern = pattern.named_children[0]
            found.append(Param(self.code(pattern) if pattern is not None else "_", optional, rest))
        return tuple(found)


def _function_params(value: Node) -> list[Node] | None:
    """The parameter nodes of a function or arrow function value; None for another value."""
    if value.type not in {"arrow_function", "function_expression", "function"}:
        return None
    params = value.child_by_field_name("parameters")
    if params is not None:
        return list(params.named_children)
    single = value.child_by_field_name("parameter")  # `m => ...`
    return [single] if single is not None else []


def _children(node: Node | None) -> list[Node] | None:
    return list(node.named_children) if node is not None else None


def _descendants(node: Node, kind: str) -> list[Node]:
    found, pending = [], [node]
    while pending:
        current = pending.pop()
        if current.type == kind:
            found.append(current)
        pending.extend(current.named_children)
    return found


def _name(file: ParsedFile, node: Node) -> str:
    return (string_value(node) or "") if node.type == "string" else file.code(node)
