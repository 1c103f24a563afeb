"""`audit env` text output: one block per variable, sorted by name; then reads with a
computed name and reads of the whole environment; then a summary.

    DATABASE_URL
      shop/booking.py:19:11  os.environ.get()  optional
      shop/settings.py:5:6  os.environ[...]  required  [settings]
    (computed name)
      shop/tasks.py:8:12  os.environ[...]  required
    (whole environment)
      shop/run.py:3:7  os.environ.copy()  copies every variable
    1 variable read in 3 places (2 outside settings modules); 4 files scanned.

required: a missing variable is an error; optional: it becomes None (or undefined);
default: it falls back to the literal shown, or to a computed value.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from auditor.env.inventory import Inventory
from auditor.model import EnvRead
from reports.findings_text import clean, finding_line

_WHOLE = {"enumerate": "every variable", "copy": "copies every variable"}


def read_line(read: EnvRead, display: Callable[[str], str]) -> str:
    if read.kind == "default":
        what = "computed default" if read.default is None else f"default {_quoted(read.default)}"
    else:
        what = _WHOLE.get(read.kind, read.kind)
    where = f"{clean(display(read.path))}:{read.location.line}:{read.location.column}"
    settings = "  [settings]" if read.in_settings else ""
    return f"  {where}  {clean(read.via)}  {what}{settings}"


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _block(title: str, reads: Sequence[EnvRead], display: Callable[[str], str]) -> list[str]:
    return [title, *(read_line(read, display) for read in reads)] if reads else []


def render(inventory: Inventory, display: Callable[[str], str]) -> str:
    lines: list[str] = []
    for name, reads in inventory.variables.items():
        lines += _block(clean(name), reads, display)
    unnamed = inventory.unnamed
    lines += _block("(computed name)", [r for r in unnamed if r.kind not in _WHOLE], display)
    lines += _block("(whole environment)", [r for r in unnamed if r.kind in _WHOLE], display)
    lines += [finding_line(error, display) for error in inventory.errors]

    files = _plural(inventory.files, "file")
    reads = inventory.reads
    if reads:
        outside = sum(1 for r in reads if not r.in_settings)
        lines.append(
            f"{_plural(len(inventory.variables), 'variable')} read in "
            f"{_plural(len(reads), 'place')} ({outside} outside settings modules); "
            f"{files} scanned."
        )
    else:
        lines.append(f"No environment variables read; {files} scanned.")
    if inventory.errors:
        kinds = ", ".join(sorted({e.rule_id for e in inventory.errors}))
        lines.append(
            f"{_plural(len(inventory.errors), 'error')} ({kinds}): some code was not checked."
        )
    return "\n".join(lines) + "\n"
