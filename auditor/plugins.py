"""The public face for rule authors: everything a rule may use, and nothing else. A rule
package imports auditor only from here (the built-in rules do, as a third-party one would);
every other module of auditor is private by convention.

A rule is a class: metadata (id, severity, message, languages, triggers, options), a
visitor that calls `self.report(...)`, and its own VALID/INVALID examples. Built-in rules
and third-party rules are registered the same way, in the entry-point group
`auditor.rules`; a project can also name local modules in `[tool.audit] plugins`.

Names that need LibCST or tree-sitter (`Rule`, `find_all`, `parsed_file`, ...) are
imported when first asked for: loading rule metadata, the CLI and a warm scan import
neither.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from auditor.config import OptionValue
from auditor.env.example_file import add_to_env_example
from auditor.env.reads import EnvRead, ReadKind
from auditor.globs import Globs, globs
from auditor.model import Applicability, Edit, Finding, Fix, Location, Severity, SourceError
from auditor.scan.ast_index import AstIndex
from auditor.scan.ast_rule import AstRule, Fixed, FixTarget, Offer, Span
from auditor.scan.rule_base import LineRule, ParsedFile, TreeSitterReport, TreeSitterRule
from auditor.scan.rule_context import RuleContext
from auditor.scan.rule_core import BaseRule, ProjectFiles
from auditor.scan.rule_examples import Invalid, Valid
from auditor.scan.source import LineIndex

if TYPE_CHECKING:
    from auditor.scan.ast_fields import child_nodes as child_nodes
    from auditor.scan.ast_fields import subtree as subtree
    from auditor.scan.ast_scope import Assignment as Assignment
    from auditor.scan.ast_scope import QualifiedName as QualifiedName
    from auditor.scan.ast_scope import Scope as Scope
    from auditor.scan.ast_scope import Scopes as Scopes
    from auditor.scan.ast_scope import dotted_name as dotted_name
    from auditor.scan.cst_rule import Alternative as Alternative
    from auditor.scan.cst_rule import Replacement as Replacement
    from auditor.scan.cst_rule import Report as Report
    from auditor.scan.cst_rule import Rule as Rule
    from auditor.scan.cst_walk import content_children as content_children
    from auditor.scan.cst_walk import find_all as find_all
    from auditor.scan.python_check import syntax_error as syntax_error
    from auditor.scan.python_imports import Insertions as Insertions
    from auditor.scan.python_imports import from_import_line as from_import_line
    from auditor.scan.python_imports import header_end as header_end
    from auditor.scan.python_imports import import_line as import_line
    from auditor.scan.python_imports import imported_modules as imported_modules
    from auditor.scan.python_imports import is_stdlib as is_stdlib
    from auditor.scan.treesitter import describe_error as describe_error
    from auditor.scan.treesitter import first_error as first_error
    from auditor.scan.treesitter import parsed_file as parsed_file

_LAZY = {
    # Walks through part of an `ast` tree, singletons (contexts, operators) left out.
    "child_nodes": "auditor.scan.ast_fields",
    "subtree": "auditor.scan.ast_fields",
    # Names and scopes over `ast`, for rules on AstRule (LibCST's ScopeProvider answers).
    "Assignment": "auditor.scan.ast_scope",
    "QualifiedName": "auditor.scan.ast_scope",
    "Scope": "auditor.scan.ast_scope",
    "Scopes": "auditor.scan.ast_scope",
    "dotted_name": "auditor.scan.ast_scope",
    "Alternative": "auditor.scan.cst_rule",
    "Rule": "auditor.scan.cst_rule",
    "Report": "auditor.scan.cst_rule",
    "Replacement": "auditor.scan.cst_rule",
    "find_all": "auditor.scan.cst_walk",
    "content_children": "auditor.scan.cst_walk",
    "syntax_error": "auditor.scan.python_check",
    # Module-level statements a Python fix adds, where isort puts them.
    "Insertions": "auditor.scan.python_imports",
    "from_import_line": "auditor.scan.python_imports",
    "header_end": "auditor.scan.python_imports",
    "import_line": "auditor.scan.python_imports",
    "imported_modules": "auditor.scan.python_imports",
    "is_stdlib": "auditor.scan.python_imports",
    "describe_error": "auditor.scan.treesitter",
    "first_error": "auditor.scan.treesitter",
    "parsed_file": "auditor.scan.treesitter",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "Alternative",
    "Applicability",
    "Assignment",
    "AstIndex",
    "AstRule",
    "BaseRule",
    "Edit",
    "EnvRead",
    "Finding",
    "Fix",
    "FixTarget",
    "Fixed",
    "Globs",
    "Insertions",
    "Invalid",
    "LineIndex",
    "LineRule",
    "Location",
    "Offer",
    "OptionValue",
    "ParsedFile",
    "ProjectFiles",
    "QualifiedName",
    "ReadKind",
    "Replacement",
    "Report",
    "Rule",
    "RuleContext",
    "Scope",
    "Scopes",
    "Severity",
    "SourceError",
    "Span",
    "TreeSitterReport",
    "TreeSitterRule",
    "Valid",
    "add_to_env_example",
    "child_nodes",
    "content_children",
    "describe_error",
    "dotted_name",
    "find_all",
    "first_error",
    "from_import_line",
    "globs",
    "header_end",
    "import_line",
    "imported_modules",
    "is_stdlib",
    "parsed_file",
    "subtree",
    "syntax_error",
]
