"""Scope resolution for JavaScript and TypeScript rules: is this `console` (or `process`,
or `logger`) the global, or a name the file binds?

Only the declarations of the one name asked about are looked at: its occurrences are found
by text search and the node at each is classified. A binding is a `var`/`let`/`const`
declarator or destructuring pattern, a function, class, enum or namespace declaration, a
parameter (plain, destructured, defaulted, rest, TypeScript's), a catch binding, a
`for (... of/in ...)` variable, or an import (default, named, namespace, `import x =
require()`). `var` belongs to the enclosing function (or the module), the others to their
enclosing block; a function or class expression's own name to itself. Assignments
(`({ a: console } = x)`) and object keys are not bindings.

Nothing here imports tree-sitter: rules are loaded by every scan, Python-only ones too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditor.plugins import ParsedFile

if TYPE_CHECKING:
    from tree_sitter import Node

FUNCTIONS = frozenset(
    {
        "function_declaration",
        "function_expression",
        "function",
        "generator_function_declaration",
        "generator_function",
        "arrow_function",
        "method_definition",
    }
)
BLOCKS = frozenset(
    {"statement_block", "program", "switch_body", "for_statement", "for_in_statement"}
)
_PATTERNS = frozenset(
    {
        "object_pattern",
        "array_pattern",
        "pair_pattern",
        "assignment_pattern",
        "object_assignment_pattern",
        "rest_pattern",
    }
)
_PARAMETERS = frozenset({"required_parameter", "optional_parameter"})
_NAMED_DECLARATIONS = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "class_declaration",
        "abstract_class_declaration",
        "enum_declaration",
        "internal_module",
    }
)
_IMPORTS = frozenset({"import_clause", "namespace_import", "import_specifier"})
_IDENTIFIERS = frozenset({"identifier", "shorthand_property_identifier_pattern", "type_identifier"})
# Where a value's name is used (an object literal's `{ a }` and a destructuring `{ a } = x`
# included); a type's name is not.
_REFERENCES = frozenset(
    {"identifier", "shorthand_property_identifier", "shorthand_property_identifier_pattern"}
)


@dataclass(frozen=True, slots=True)
class Binding:
    name: str
    scope: Node  # where the name is visible
    declaration: Node  # the declaring construct: declarator, parameter, import statement...


class Scopes:
    """Bindings of the names asked about in one file, found once per name."""

    def __init__(self, file: ParsedFile) -> None:
        self.file = file
        self._bindings: dict[str, tuple[Binding, ...]] = {}

    def bindings(self, name: str) -> tuple[Binding, ...]:
        found = self._bindings.get(name)
        if found is None:
            found = self._bindings[name] = tuple(self._find(name))
        return found

    def resolve(self, ref: Node, name: str | None = None) -> Binding | None:
        """The innermost binding of `name` (default: `ref`'s text) visible at `ref`; None
        for a global."""
        name = name or self.file.code(ref)
        visible = [
            b
            for b in self.bindings(name)
            if b.scope.start_byte <= ref.start_byte and ref.end_byte <= b.scope.end_byte
        ]
        return min(visible, key=lambda b: b.scope.end_byte - b.scope.start_byte, default=None)

    def is_global(self, ref: Node, name: str | None = None) -> bool:
        return self.resolve(ref, name) is None

    def references(self, binding: Binding) -> tuple[Node, ...]:
        """The identifiers in `binding`'s scope that `resolve` leads to it, in source order:
        its uses, and any second declaration of the same `var` (see `is_assigned`); not the
        identifier that declares it."""
        data, key = self.file.data, binding.name.encode("utf-8")
        found = []
        start = data.find(key, binding.scope.start_byte)
        while start != -1 and start + len(key) <= binding.scope.end_byte:
            node = self.file.root.descendant_for_byte_range(start, start + len(key))
            if (
                node is not None
                and node.type in _REFERENCES
                and (node.start_byte, node.end_byte) == (start, start + len(key))
            ):
                own = _binding(node, binding.name)
                resolved = self.resolve(node, binding.name)
                if (own is None or own.declaration.id != binding.declaration.id) and (
                    resolved is not None and resolved.declaration.id == binding.declaration.id
                ):
                    found.append(node)
            start = data.find(key, start + len(key))
        return tuple(found)

    def _find(self, name: str) -> list[Binding]:
        data, key = self.file.data, name.encode("utf-8")
        found = []
        start = data.find(key)
        while start != -1:
            node = self.file.root.descendant_for_byte_range(start, start + len(key))
            if (
                node is not None
                and node.type in _IDENTIFIERS
                and (node.start_byte, node.end_byte) == (start, start + len(key))
            ):
                binding = _binding(node, name)
                if binding is not None:
                    found.append(binding)
            start = data.find(key, start + len(key))
        return found


def _binding(node: Node, name: str) -> Binding | None:
    """The binding `node` (an identifier) introduces, if it is in a declaring position."""
    child = node
    parent = node.parent
    # Climb out of destructuring patterns; a pattern's key or default value is no binding.
    while parent is not None and parent.type in _PATTERNS:
        if parent.type == "pair_pattern" and not _is_field(parent, "value", child):
            return None
        if parent.type in {"assignment_pattern", "object_assignment_pattern"} and not _is_field(
            parent, "left", child
        ):
            return None
        child, parent = parent, parent.parent
    if parent is None:
        return None
    kind = parent.type
    if kind == "variable_declarator" and _is_field(parent, "name", child):
        declaration = parent.parent
        if declaration is not None and declaration.type == "variable_declaration":
            return Binding(name, _function_scope(parent), parent)
        return Binding(name, _block_scope(parent), parent)
    if kind in _PARAMETERS and _is_field(parent, "pattern", child):
        return _parameter(name, parent.parent, parent)
    if kind == "formal_parameters":
        return _parameter(name, parent, child)
    if kind == "arrow_function" and _is_field(parent, "parameter", child):
        return Binding(name, parent, child)
    if kind == "catch_clause" and _is_field(parent, "parameter", child):
        return Binding(name, parent, child)
    if kind == "for_in_statement" and _is_field(parent, "left", child):
        declared = parent.child_by_field_name("kind")
        if declared is None:
            return None  # `for (x of xs)` assigns an existing name
        if declared.type == "var":
            return Binding(name, _function_scope(parent), parent)
        return Binding(name, parent, parent)
    if kind in _NAMED_DECLARATIONS and _is_field(parent, "name", child):
        return Binding(name, _block_scope(parent), parent)
    if kind in {"function_expression", "function", "generator_function", "class"}:
        return Binding(name, parent, parent) if _is_field(parent, "name", child) else None
    if kind in _IMPORTS or kind == "import_require_clause":
        if kind == "import_specifier" and parent.child_by_field_name("alias") not in (None, child):
            return None  # `import { console as c }`: binds `c`
        statement = _ancestor(parent, frozenset({"import_statement"}))
        if statement is not None:
            return Binding(name, _block_scope(statement), statement)
    return None


def is_assigned(node: Node, name: str) -> bool:
    """Whether the identifier `node` (naming `name`) is written there: assigned (`x = v`,
    `x += v`, `x ??= v`, a target of a destructuring assignment), updated (`x++`), the
    target of `for (x of xs)`, or declared (`var x` again)."""
    if _binding(node, name) is not None:
        return True
    child, parent = node, node.parent
    while parent is not None and parent.type in _PATTERNS | {"parenthesized_expression"}:
        if parent.type == "pair_pattern" and not _is_field(parent, "value", child):
            return False
        if parent.type in {"assignment_pattern", "object_assignment_pattern"} and not _is_field(
            parent, "left", child
        ):
            return False  # a default value is read
        child, parent = parent, parent.parent
    if parent is None:
        return False
    if parent.type in {"assignment_expression", "augmented_assignment_expression"}:
        return _is_field(parent, "left", child)
    if parent.type == "for_in_statement":
        return _is_field(parent, "left", child)
    return parent.type == "update_expression"


def _parameter(name: str, parameters: Node | None, declaration: Node) -> Binding | None:
    function = parameters.parent if parameters is not None else None
    return Binding(name, function, declaration) if function is not None else None


def _is_field(parent: Node, field: str, child: Node) -> bool:
    value = parent.child_by_field_name(field)
    return value is not None and value.id == child.id


def _ancestor(node: Node, types: frozenset[str]) -> Node | None:
    current = node.parent
    while current is not None and current.type not in types:
        current = current.parent
    return current


def _block_scope(node: Node) -> Node:
    scope = _ancestor(node, BLOCKS)
    assert scope is not None, "every node is inside the program"
    return scope


def _function_scope(node: Node) -> Node:
    scope = _ancestor(node, FUNCTIONS | {"program"})
    assert scope is not None, "every node is inside the program"
    return scope


def import_source(binding: Binding) -> str | None:
    """The module an imported name comes from (`'node:process'`), else None."""
    if binding.declaration.type != "import_statement":
        return None
    source = binding.declaration.child_by_field_name("source")
    if source is None:
        for child in binding.declaration.named_children:
            if child.type == "import_require_clause":
                source = child.child_by_field_name("source")
    return string_value(source) if source is not None else None


def string_value(node: Node) -> str | None:
    """The value of a string literal without escapes or substitutions, else None."""
    if node.type == "string":
        parts = node.named_children
        if all(p.type == "string_fragment" for p in parts):
            return "".join((p.text or b"").decode("utf-8") for p in parts)
        return None
    if node.type == "template_string" and all(
        p.type == "string_fragment" for p in node.named_children
    ):
        return "".join((p.text or b"").decode("utf-8") for p in node.named_children)
    return None
