"""`audit env` text output: one block per variable, sorted by name, headed by whether it is
validated, as what type and in which settings module; then reads with a computed name and
reads of the whole environment; then a summary.

    DATABASE_URL  validated as PostgresDsn in shop/settings.py
      shop/booking.py:19:11  os.environ.get()  optional
      shop/settings.py:5:5  pydantic-settings Settings.DATABASE_URL  required  type PostgresDsn  [validated, settings]
    DEBUG  not validated, read as str
      shop/views.py:3:9  os.getenv()  default "0"  inferred str
    (computed name)
      shop/tasks.py:8:12  os.environ[...]  required
    (whole environment)
      shop/run.py:3:7  os.environ.copy()  copies every variable
    2 variables (1 validated) read in 5 places: 1 validated, 4 raw (4 outside settings modules); 4 files scanned.

required: a missing variable is an error; optional: it becomes None (or undefined);
default: it falls back to the literal shown, or to a computed value. `validated`: the value
passes a schema or typed parser (the `via` names it); `settings`: the read is in a module
matched by the settings-modules globs. `inferred`: a raw read's type as the code uses it,
the field the unvalidated-env fix would declare (`int` for `int(os.getenv("PORT", "8000"))`,
`str | None` for `os.getenv("X")`); none where the fix would leave the read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from auditor.env.inventory import Inventory
from auditor.env.reads import EnvRead
from reports.findings_text import clean, finding_line

_WHOLE = {"enumerate": "every variable", "copy": "copies every variable"}


def read_line(read: EnvRead, display: Callable[[str], str]) -> str:
    if read.kind == "default":
        what = "computed default" if read.default is None else f"default {_quoted(read.default)}"
    else:
        what = _WHOLE.get(read.kind, read.kind)
    where = f"{clean(display(read.path))}:{read.location.line}:{read.location.column}"
    typed = f"  type {clean(read.type)}" if read.type else ""
    if read.inferred_type and not read.validated:
        typed = f"  inferred {clean(read.inferred_type)}"
    tags = [
        tag for tag, on in (("validated", read.validated), ("settings", read.in_settings)) if on
    ]
    shown = f"  [{', '.join(tags)}]" if tags else ""
    return f"  {where}  {clean(read.via)}  {what}{typed}{shown}"


def variable_line(name: str, reads: Sequence[EnvRead], display: Callable[[str], str]) -> str:
    """A variable's heading: whether some read of it is validated, as what, and where."""
    held = dict.fromkeys(
        (read.type, read.settings_module or read.path) for read in reads if read.validated
    )
    if not held:
        inferred = dict.fromkeys(read.inferred_type for read in reads if read.inferred_type)
        shown = " or ".join(clean(kind) for kind in inferred if kind)
        return f"{clean(name)}  not validated" + (f", read as {shown}" if shown else "")
    parts = [
        f"as {clean(kind)} in {clean(display(module))}" if kind else f"in {clean(display(module))}"
        for kind, module in held
    ]
    return f"{clean(name)}  validated {'; '.join(parts)}"


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _block(title: str, reads: Sequence[EnvRead], display: Callable[[str], str]) -> list[str]:
    return [title, *(read_line(read, display) for read in reads)] if reads else []


def render(inventory: Inventory, display: Callable[[str], str]) -> str:
    lines: list[str] = []
    for name, reads in inventory.variables.items():
        lines += _block(variable_line(name, reads, display), reads, display)
    unnamed = inventory.unnamed
    lines += _block("(computed name)", [r for r in unnamed if r.kind not in _WHOLE], display)
    lines += _block("(whole environment)", [r for r in unnamed if r.kind in _WHOLE], display)
    lines += [finding_line(error, display) for error in inventory.errors]

    files = _plural(inventory.files, "file")
    reads = inventory.reads
    if reads:
        validated = sum(1 for r in reads if r.validated)
        outside = sum(1 for r in reads if not r.validated and not r.in_settings)
        checked = sum(1 for rs in inventory.variables.values() if any(r.validated for r in rs))
        lines.append(
            f"{_plural(len(inventory.variables), 'variable')} ({checked} validated) read in "
            f"{_plural(len(reads), 'place')}: {validated} validated, {len(reads) - validated} "
            f"raw ({outside} outside settings modules); {files} scanned."
        )
    else:
        lines.append(f"No environment variables read; {files} scanned.")
    if inventory.errors:
        kinds = ", ".join(sorted({e.rule_id for e in inventory.errors}))
        lines.append(
            f"{_plural(len(inventory.errors), 'error')} ({kinds}): some code was not checked."
        )
    return "\n".join(lines) + "\n"
