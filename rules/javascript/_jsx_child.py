"""console-logging in a JSX child, `{console.log(x)}` among an element's children: the
call runs on every render and renders nothing (it returns undefined). Its fix removes
the `{...}` child, with its line when the child is alone on it; a logger call would not
do, since the child would then render what the logger returns (winston's methods return
the logger, an object React refuses to render). Unsafe: the output goes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditor.plugins import Edit, Invalid, ParsedFile
from rules.javascript._logger_config import LOGGER_IMPORT

if TYPE_CHECKING:
    from tree_sitter import Node

WHY = "as a JSX child it runs on every render and renders nothing: remove it"
DESCRIPTION = "remove the `{...}` child"


def jsx_child(call: Node) -> Node | None:
    """The `{...}` child of a JSX element that is `call` and nothing else (comments aside)."""
    container = call.parent
    if container is None or container.type != "jsx_expression":
        return None
    parent = container.parent
    if parent is None or parent.type != "jsx_element":
        return None
    if [c for c in container.named_children if c.type != "comment"] != [call]:
        return None
    return container


def removal(file: ParsedFile, child: Node) -> Edit:
    """The child removed; with its line when nothing else is on it."""
    text = file.text
    start, end = file.span(child)
    line_start = text.rfind("\n", 0, start) + 1
    newline = text.find("\n", end)
    line_end = len(text) if newline < 0 else newline + 1
    if not text[line_start:start].strip() and not text[end:line_end].strip():
        return Edit(line_start, line_end, "")
    return Edit(start, end, "")


JSX_CHILD_EXAMPLES = (
    Invalid(
        "export function Row({ item }) {\n  return (\n    <li>\n      {console.log(item)}\n"
        "      {item.name}\n    </li>\n  );\n}\n",
        fixed="export function Row({ item }) {\n  return (\n    <li>\n"
        "      {item.name}\n    </li>\n  );\n}\n",
        path="example.jsx",
        line=4,
        column=8,
    ),
    # With a logger configured too: the child goes, no logger call and no import.
    Invalid(
        "export const Name = ({ x }: { x: string }) => <b>{console.debug(x)}{x}</b>;\n",
        fixed="export const Name = ({ x }: { x: string }) => <b>{x}</b>;\n",
        path="example.tsx",
        options={LOGGER_IMPORT: "import { logger } from '@/lib/logger';"},
        line=1,
        column=51,
    ),
)
