"""Generated files, which nobody fixes by hand: skipped by default (`skip-generated`), as
LibCST's codemods skip `@generated` files. A file is generated when its header says so
(`@generated`, "auto-generated", "Code generated ... DO NOT EDIT") or when it is a
minified bundle (a `.min.js` name, or a JavaScript file of lines of thousands of
characters)."""

from __future__ import annotations

import re

HEAD = 8192  # characters looked at: headers are at the top, and this is enough of a bundle
_HEADER_LINES = 10
_MARKERS = re.compile(
    r"@generated\b|\bauto-?generated\b|\bcode generated\b.*\bdo not edit\b", re.IGNORECASE
)
_MINIFIED_NAME = re.compile(r"[.-]min\.(?:js|mjs|cjs)$")
_BUNDLED = re.compile(r"\.(?:js|mjs|cjs)$")
_LONG_LINE = 1000
_DENSE = 300  # mean characters per line in the head of a bundle


def is_generated(path: str, head: str) -> bool:
    """Whether the file at `path`, which starts with `head`, is generated (see above)."""
    if _MINIFIED_NAME.search(path):
        return True
    lines = head[:HEAD].split("\n")
    header = "\n".join(lines[:_HEADER_LINES])
    if _MARKERS.search(header):
        return True
    if not _BUNDLED.search(path) or len(head) < HEAD:
        return False  # only JavaScript is minified, and a bundle is big
    lines = lines[:-1] or lines  # the last may be cut off by the head
    longest = max((len(line) for line in lines), default=0)
    return longest > _LONG_LINE and HEAD / max(len(lines), 1) > _DENSE
