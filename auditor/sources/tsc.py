"""Parsing the TypeScript compiler's diagnostics (`tsc --noEmit --pretty false`)."""

from __future__ import annotations

import re
from dataclasses import replace

from auditor.sources.report import Parsed, Raw

TSC_FLAGS = ("--noEmit", "--pretty", "false")
# `src/a.ts(3,7): error TS7006: Parameter 'x' implicitly has an 'any' type.`; a message
# may go on over indented lines, and a diagnostic without a file has no position.
_LINE = re.compile(
    r"^(?P<file>.+?)\((?P<line>\d+),(?P<column>\d+)\): (?P<level>error|warning|message) "
    r"(?P<code>TS\d+): (?P<message>.*)$"
)
_GLOBAL = re.compile(r"^(?P<level>error|warning|message) (?P<code>TS\d+): (?P<message>.*)$")


def parse_tsc(stdout: str) -> Parsed:
    """One Raw a diagnostic, code `TS7006`; columns are 1-based UTF-16 code units, as
    TypeScript counts them. Continuation lines join the message; other lines (a summary)
    are left out."""
    raws: list[Raw] = []
    for line in stdout.splitlines():
        match = _LINE.match(line)
        if match is not None:
            raws.append(
                Raw(
                    code=match["code"],
                    path=match["file"],
                    line=int(match["line"]),
                    column=int(match["column"]),
                    end_line=None,
                    end_column=None,
                    message=match["message"].strip(),
                    level="error" if match["level"] == "error" else "warning",
                    utf16=True,
                )
            )
        elif line.startswith((" ", "\t")) and raws and line.strip():
            raws[-1] = replace(raws[-1], message=f"{raws[-1].message} {line.strip()}")
        elif (whole := _GLOBAL.match(line)) is not None:
            raws.append(
                Raw(
                    whole["code"],
                    "tsconfig.json",
                    None,
                    None,
                    None,
                    None,
                    whole["message"],
                    "error",
                )
            )
    return Parsed(tuple(raws))
