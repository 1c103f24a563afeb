"""Generated files, which nobody fixes by hand: skipped by default (`skip-generated`), as
LibCST's codemods skip `@generated` files. A file is generated when its header says so
(`@generated`, "auto-generated", "Code generated ... DO NOT EDIT") or when it is a
minified bundle or exported data (a `.min.js` name, or a JS/TS file whose head holds
lines of thousands of characters: a bundle, a 2.5 MB SVG path in a `.tsx`)."""

from __future__ import annotations

import re

HEAD = 8192  # characters looked at: headers are at the top, and this is enough of a bundle
_HEADER_LINES = 10
_MARKERS = re.compile(
    r"@generated\b|\bauto-?generated\b|\bcode generated\b.*\bdo not edit\b", re.IGNORECASE
)
_MINIFIED_NAME = re.compile(r"[.-]min\.(?:js|mjs|cjs)$")
_BUNDLED = re.compile(r"\.(?:[cm]?[jt]sx?)$")
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
        return False  # only JS/TS is bundled or exported as data (an SVG component), big
    # The last line may be cut off by the head: it is at least that long.
    longest = max((len(line) for line in lines), default=0)
    return longest > _LONG_LINE and HEAD / len(lines) > _DENSE
