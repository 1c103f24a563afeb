"""console-logging (JS/TS): where the logger's import (or require) goes.

After the module's leading imports (and `const x = require(...)` declarations), else after
its directives (`'use client'`, `'use strict'`), else before its first statement. The
statement goes after the last one's *node*: when that line goes on with a comment that
does not close on it, a template literal or more code, the line is split there, so the
import never lands inside a comment, a string or a template. Before the first statement,
it goes above a JSDoc block attached to it (no blank line between), never between the
doc and what it documents."""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditor.plugins import Edit, Invalid, ParsedFile
from rules.javascript._logger_config import require_source

if TYPE_CHECKING:
    from tree_sitter import Node


def import_edit(file: ParsedFile, statement: str) -> Edit:
    newline = "\r\n" if "\r\n" in file.text else "\n"
    anchor: Node | None = None
    first: Node | None = None
    in_prologue = True
    for child in file.root.named_children:
        if child.type in {"comment", "hash_bang_line"}:
            continue
        first = first or child
        if in_prologue and _is_directive(child):
            anchor = child
            continue
        in_prologue = False
        if not _is_header(file, child):
            break
        anchor = child
    if anchor is not None:
        return _after(file, anchor, statement, newline)
    assert first is not None, "a module with a console call has a statement"
    return _before(file, first, statement, newline)


def _after(file: ParsedFile, anchor: Node, statement: str, newline: str) -> Edit:
    text = file.text
    comments = {
        file.offset(c.start_byte): c for c in file.root.named_children if c.type == "comment"
    }
    split = position = file.offset(anchor.end_byte)
    while True:
        while position < len(text) and text[position] in " \t":
            position += 1
        if position == len(text):
            return Edit(len(text), len(text), newline + statement)
        if text.startswith(("\r\n", "\n", "\r"), position):
            after = position + (2 if text.startswith("\r\n", position) else 1)
            return Edit(after, after, statement + newline)
        comment = comments.get(position)
        if comment is None or "\n" in file.code(comment) or "\r" in file.code(comment):
            # Code, or a comment that goes on to later lines: the line is split here.
            return Edit(split, position, newline + statement + newline)
        split = position = file.offset(comment.end_byte)


def _before(file: ParsedFile, first: Node, statement: str, newline: str) -> Edit:
    target = _attached_jsdoc(file, first) or first
    text = file.text
    start = file.offset(target.start_byte)
    line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    at = line_start if not text[line_start:start].strip() else start
    return Edit(at, at, statement + newline + newline)


def _attached_jsdoc(file: ParsedFile, first: Node) -> Node | None:
    """The topmost `/** ... */` among the comments right above `first` (each on the
    line before the next, no blank line), if any."""
    found = None
    node = first
    while True:
        previous = node.prev_sibling
        if previous is None or previous.type != "comment":
            return found
        gap = file.data[previous.end_byte : node.start_byte]
        if gap.strip() or gap.count(b"\n") > 1:
            return found
        if file.code(previous).startswith("/**"):
            found = previous
        node = previous


def _is_header(file: ParsedFile, node: Node) -> bool:
    """An import, or a declaration whose every value is a `require()`."""
    if node.type == "import_statement":
        return True
    if node.type not in {"lexical_declaration", "variable_declaration"}:
        return False
    declarators = [c for c in node.named_children if c.type == "variable_declarator"]
    values = [d.child_by_field_name("value") for d in declarators]
    return bool(values) and all(v is not None and require_source(file, v) for v in values)


def _is_directive(node: Node) -> bool:
    return node.type == "expression_statement" and [c.type for c in node.named_children] == [
        "string"
    ]


_LOGGER = {"logger-import": "import { logger } from '@/lib/logger';"}

# Where the import goes (issue: the import was inserted inside a comment or a template
# when the last import's line opened one; above a JSDoc, it separated it from its function).
PLACEMENT_EXAMPLES = (
    Invalid(
        "import a from 'a'; /* start of a\n   long comment */\nconsole.log(a);\n",
        fixed="import a from 'a';\nimport { logger } from '@/lib/logger';\n"
        "/* start of a\n   long comment */\nlogger.info(a);\n",
        path="example.ts",
        options=_LOGGER,
    ),
    Invalid(
        "import a from 'a'; const b = `x\n${a}`;\nconsole.log(b);\n",
        fixed="import a from 'a';\nimport { logger } from '@/lib/logger';\n"
        "const b = `x\n${a}`;\nlogger.info(b);\n",
        path="example.ts",
        options=_LOGGER,
    ),
    Invalid(
        "import a from 'a' /* one line */ // and more\nconsole.log(a);\n",
        fixed="import a from 'a' /* one line */ // and more\n"
        "import { logger } from '@/lib/logger';\nlogger.info(a);\n",
        path="example.ts",
        options=_LOGGER,
    ),
    Invalid(
        "/**\n * Saves the order.\n */\nexport function save() {\n  console.log('saved');\n}\n",
        fixed="import { logger } from '@/lib/logger';\n\n"
        "/**\n * Saves the order.\n */\nexport function save() {\n  logger.info('saved');\n}\n",
        path="example.ts",
        options=_LOGGER,
    ),
    Invalid(
        "// (c) Acme\n\n/** Saves. */\n// eslint-disable-next-line\nexport function save() {\n"
        "  console.log('saved');\n}\n",
        fixed="// (c) Acme\n\nimport { logger } from '@/lib/logger';\n\n/** Saves. */\n"
        "// eslint-disable-next-line\nexport function save() {\n  logger.info('saved');\n}\n",
        path="example.ts",
        options=_LOGGER,
    ),
    Invalid(
        "'use strict';\nconst fs = require('fs'), path = require('path');\n\nconsole.log(fs);\n",
        fixed="'use strict';\nconst fs = require('fs'), path = require('path');\n"
        "const { logger } = require('./logger');\n\nlogger.info(fs);\n",
        path="example.cjs",
        options={"logger-require": "const { logger } = require('./logger');"},
    ),
)
