"""A LibCST node's source text, outside the module it came from (LibCST prints a node only
through a module: an empty one serves)."""

from __future__ import annotations

import libcst as cst

EMPTY_MODULE = cst.Module(body=())


def code_of(node: cst.CSTNode) -> str:
    return EMPTY_MODULE.code_for_node(node)
