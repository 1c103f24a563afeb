"""console-logging (JS/TS): what kind of module a file is, as far as the fix cares: an ES
module or CommonJS (which statement adds the logger), and whether it is the logger's own
implementation (where `console.log` -> `logger.info` would make the logger call itself)."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from auditor.plugins import Invalid, ParsedFile
from rules.javascript._logger_config import LoggerStatement
from rules.javascript._project import (
    PathsConfig,
    in_folder,
    is_module,
    mapped,
    module_exists,
    package_type,
    paths_config,
    relative,
)
from rules.javascript.scope import Scopes, string_value

if TYPE_CHECKING:
    from tree_sitter import Node

System = Literal["esm", "cjs"]

_BY_SUFFIX: dict[str, System] = {".mjs": "esm", ".mts": "esm", ".cjs": "cjs", ".cts": "cjs"}


def module_system(file: ParsedFile, scopes: Scopes, root: Path | None) -> tuple[System | None, str]:
    """ "esm", "cjs" or None (cannot tell), and why."""
    suffix = posixpath.splitext(file.path)[1].lower()
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix], f"a `{suffix}` file"
    if has_esm_syntax(file):
        return "esm", "it has import/export statements"
    if uses_commonjs(file, scopes):
        return "cjs", "it uses require/module.exports and no import/export"
    if suffix != ".js":
        # TypeScript and JSX are compiled: an import compiles to whatever the output is.
        return "esm", f"a `{suffix}` file is compiled"
    if root is None:
        return None, "it has no import, export or require, and no package.json was read"
    kind = package_type(root, file.path)
    if kind == "module":
        return "esm", 'the nearest package.json has "type": "module"'
    if kind is None:
        return "cjs", "no package.json says it is an ES module"
    return "cjs", f"the nearest package.json has {_type_text(kind)}: CommonJS"


def _type_text(kind: str) -> str:
    return f'"type": "{kind}"' if kind else 'no "type"'


def has_esm_syntax(file: ParsedFile) -> bool:
    for child in file.root.named_children:
        if child.type == "import_statement" and not _has_child(child, "import_require_clause"):
            return True
        if child.type == "export_statement" and not _has_child(child, "="):
            return True  # `export =` is TypeScript's CommonJS export
    return _finds(file, b"import.meta", lambda node: node.type == "meta_property")


def uses_commonjs(file: ParsedFile, scopes: Scopes) -> bool:
    """A global `require(...)` call, `module.exports` or `exports.x`, or TypeScript's
    `import x = require()` / `export =`."""
    for child in file.root.named_children:
        if child.type == "import_statement" and _has_child(child, "import_require_clause"):
            return True
        if child.type == "export_statement" and _has_child(child, "="):
            return True

    def require_call(node: Node) -> bool:
        parent = node.parent
        return (
            node.type == "identifier"
            and parent is not None
            and parent.type == "call_expression"
            and _field_is(parent, "function", node)
            and scopes.is_global(node, "require")
        )

    def exports_object(name: str) -> bool:
        def check(node: Node) -> bool:
            parent = node.parent
            return (
                node.type == "identifier"
                and parent is not None
                and parent.type == "member_expression"
                and _field_is(parent, "object", node)
                and (name == "exports" or file.code(parent).replace(" ", "") == "module.exports")
                and scopes.is_global(node, name)
            )

        return _finds(file, name.encode(), check)

    return (
        _finds(file, b"require", require_call)
        or exports_object("module")
        or exports_object("exports")
    )


def _finds(file: ParsedFile, key: bytes, check: Callable[[Node], bool]) -> bool:
    """Whether a node starting at an occurrence of `key` (the smallest one spanning it,
    or an ancestor starting there too) passes `check`."""
    start = file.data.find(key)
    while start != -1:
        node = file.root.descendant_for_byte_range(start, start + len(key))
        while node is not None and node.start_byte == start:
            if check(node):
                return True
            node = node.parent
        start = file.data.find(key, start + 1)
    return False


def _has_child(node: Node, child_type: str) -> bool:
    return any(c.type == child_type for c in node.children)


def _field_is(parent: Node, field: str, child: Node) -> bool:
    value = parent.child_by_field_name(field)
    return value is not None and value.id == child.id


# --- the logger's own module --------------------------------------------------------------


def exports_name(file: ParsedFile, name: str) -> bool:
    """`export { x as NAME }`, `export { NAME } from`, `exports.NAME =`,
    `module.exports.NAME =` or `module.exports = { NAME }`."""
    for child in file.root.named_children:
        if child.type == "export_statement":
            for clause in child.named_children:
                if clause.type != "export_clause":
                    continue
                for spec in clause.named_children:
                    exported = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
                    if exported is not None and _value(file, exported) == name:
                        return True
        if child.type == "expression_statement" and child.named_children:
            expression = child.named_children[0]
            if expression.type == "assignment_expression" and _assigns_export(
                file, expression, name
            ):
                return True
    return False


def _assigns_export(file: ParsedFile, assignment: Node, name: str) -> bool:
    left = assignment.child_by_field_name("left")
    right = assignment.child_by_field_name("right")
    if left is None:
        return False
    target = file.code(left).replace(" ", "")
    if target in {f"exports.{name}", f"module.exports.{name}"}:
        return True
    if target == "module.exports" and right is not None and right.type == "object":
        for prop in right.named_children:
            key = prop.child_by_field_name("key") if prop.type == "pair" else prop
            is_property = prop.type in {"pair", "shorthand_property_identifier"}
            if key is not None and is_property and _value(file, key) == name:
                return True
    return False


def _value(file: ParsedFile, node: Node) -> str:
    return (string_value(node) or "") if node.type == "string" else file.code(node)


def logger_module(file: ParsedFile, logger: LoggerStatement, root: Path | None) -> str | None:
    """Why this file is (or may be) the module the configured statement imports, or None.
    A relative source is resolved from this file; any other through the nearest
    tsconfig/jsconfig `paths` and `baseUrl` (when the project's files can be read), and,
    read or not, a file whose path ends with the source's path (after an alias head such
    as `@/` or `~/`), or that lies in a folder of that name, is taken for it too."""
    source = logger.source
    if source is None:
        return None
    rel = file.path
    if source.startswith("."):
        target = relative(source, rel)
        if target is not None and (is_module(rel, target) or _in_module_folder(rel, target, root)):
            return f"the configured `{source}` is this module"
        return None
    targets = (
        mapped(source, paths_config(root, rel) or PathsConfig({}, None)) if root is not None else []
    )
    for target in targets:
        if is_module(rel, target) or _in_module_folder(rel, target, root):
            return f"the configured `{source}` resolves to this module"
    tail = _tail(source)
    if tail and (_ends_with(rel, tail) or f"/{tail}/" in f"/{posixpath.dirname(rel)}/"):
        return f"this module's path looks like the configured `{source}`"
    return None


def unresolved(file: ParsedFile, logger: LoggerStatement, root: Path | None) -> str | None:
    """Why the configured relative source names no module from this file, or None."""
    source = logger.source
    if source is None or not source.startswith(".") or root is None:
        return None
    target = relative(source, file.path)
    if target is not None and module_exists(root, target):
        return None
    return f"`{source}` names no module from this file (a relative source is read from each file)"


def _in_module_folder(rel: str, target: str, root: Path | None) -> bool:
    return root is not None and (root / target).is_dir() and in_folder(rel, target)


def _tail(source: str) -> str:
    """'@/lib/logger' -> 'lib/logger', '@acme/log' -> 'log', '~/log' -> 'log'."""
    head, sep, rest = source.partition("/")
    if sep and head.startswith(("@", "~", "#", "$")):
        return rest.strip("/")
    return source.strip("/")


def _ends_with(rel: str, tail: str) -> bool:
    stem = rel
    for ext in (".d.ts", ".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"):
        if stem.endswith(ext):
            stem = stem[: -len(ext)]
            break
    stem = stem.removesuffix("/index")
    return stem == tail or stem.endswith("/" + tail)


_LOGGER = {"logger-import": "import { logger } from '@/lib/logger';"}
_REQUIRE = {"logger-require": "const { logger } = require('./lib/logger');"}
_BOTH = {**_LOGGER, **_REQUIRE}
_IMPLEMENTATION = (
    "export const logger = {\n  info: (...a: unknown[]) => console.log(...a),\n"
    "  error: (...a: unknown[]) => console.error(...a),\n};\n"
)

MODULE_EXAMPLES = (
    # The logger's own code: `logger.info` would call itself (RangeError).
    Invalid(_IMPLEMENTATION, path="src/lib/logger.ts", options=_LOGGER, line=2, count=2),
    Invalid(_IMPLEMENTATION, path="src/utils/log.ts", options=_LOGGER, line=2, count=2),
    Invalid(
        "const log = { info: (m: string) => console.log(m) };\nexport { log as logger };\n",
        path="src/log.ts",
        options=_LOGGER,
    ),
    Invalid(
        "export default { info: (...a: unknown[]) => console.log(...a) };\n",
        path="src/lib/log/index.ts",
        options={"logger-import": "import log from '~/lib/log'"},
    ),
    Invalid(
        "export default function info(m: string) {\n  console.log(m);\n}\n",
        path="lib/logger.ts",
        options={"logger-import": "import info from './logger'"},
    ),
    Invalid(
        "function info(m) {\n  console.log(m);\n}\nmodule.exports = { logger: { info } };\n",
        path="src/log.cjs",
        options=_REQUIRE,
    ),
    # CommonJS: a require, and only when `logger-require` says which.
    Invalid(
        "const fs = require('fs');\n\nmodule.exports = () => console.log(fs.readdirSync('.'));\n",
        path="example.js",
        options=_LOGGER,
    ),
    Invalid(
        "const fs = require('fs');\n\nmodule.exports = () => console.log(fs.readdirSync('.'));\n",
        fixed="const fs = require('fs');\nconst { logger } = require('./lib/logger');\n\n"
        "module.exports = () => logger.info(fs.readdirSync('.'));\n",
        path="example.js",
        options=_BOTH,
    ),
    Invalid("console.log(1);\n", path="example.cjs", options=_LOGGER),
    Invalid(
        "import path = require('path');\nconsole.warn(path.sep);\n",
        fixed="import path = require('path');\nconst { logger } = require('./lib/logger');\n"
        "logger.warn(path.sep);\n",
        path="example.ts",
        options=_BOTH,
    ),
    Invalid("console.warn(1);\n", path="example.mjs", options=_REQUIRE),
    Invalid("exports.run = () => console.log(1);\n", path="example.ts", options=_LOGGER),
    Invalid(
        "import fs from 'fs';\nmodule.exports = fs;\nconsole.log(1);\n",
        fixed="import fs from 'fs';\nimport { logger } from '@/lib/logger';\n"
        "module.exports = fs;\nlogger.info(1);\n",
        path="example.js",
        options=_BOTH,
    ),
    # A .js file with no import, export or require is an ES module or CommonJS as its
    # package.json says; an example has none: no fix (see tests/test_js_logger_fix.py).
    Invalid("main();\nconsole.log(1);\n", path="example.js", options=_BOTH, line=2),
    # Another module-level `logger`: reused only when it is the configured import.
    Invalid(
        "const logger = 5;\nconsole.log(logger);\n", path="example.ts", options=_LOGGER, line=2
    ),
    Invalid(
        "import logger from 'pino';\nconsole.log(1);\n", path="example.ts", options=_LOGGER, line=2
    ),
    Invalid(
        "import type { logger } from '@/lib/logger';\nconsole.log(1);\n",
        path="example.ts",
        options=_LOGGER,
        line=2,
    ),
    Invalid(
        "import { log as logger } from '@/lib/logger';\nconsole.log(1);\n",
        path="example.ts",
        options=_LOGGER,
        line=2,
    ),
    Invalid(
        'import { a, logger } from "@/lib/logger"\nconsole.log(a);\n',
        fixed='import { a, logger } from "@/lib/logger"\nlogger.info(a);\n',
        path="example.ts",
        options=_LOGGER,
    ),
    Invalid(
        "import { logger as log } from '@/lib/logger';\nconsole.log(log);\n",
        fixed="import { logger as log } from '@/lib/logger';\n"
        "import { logger } from '@/lib/logger';\nlogger.info(log);\n",
        path="example.ts",
        options=_LOGGER,
    ),
    Invalid(
        "const { logger } = require('./lib/logger');\nconsole.error(1);\n",
        fixed="const { logger } = require('./lib/logger');\nlogger.error(1);\n",
        path="example.cjs",
        options=_REQUIRE,
    ),
)
