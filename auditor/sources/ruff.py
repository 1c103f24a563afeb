"""Parsing ruff's JSON output into raw findings."""

from __future__ import annotations

import json

from auditor.sources.report import Parsed, Raw, RuleDoc, SourceFailed, json_int, json_object


def parse_ruff(stdout: str) -> Parsed:
    """`ruff check --output-format json`: a list of diagnostics with 1-based rows and
    columns, end exclusive, absolute file names. A syntax error has the code
    `invalid-syntax` (or none, or E999, in older versions)."""
    try:
        items = json.loads(stdout)
    except ValueError as exc:
        raise SourceFailed(f"unparsable output: not JSON ({exc})") from None
    if not isinstance(items, list):
        raise SourceFailed("unparsable output: expected a JSON list of diagnostics")
    raws = []
    docs: dict[str, RuleDoc] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("filename"), str):
            raise SourceFailed(f"unparsable output: diagnostic {index} has no filename")
        start, end = json_object(item.get("location")), json_object(item.get("end_location"))
        code = item.get("code") if isinstance(item.get("code"), str) else None
        message = str(item.get("message") or "")
        if code is None:
            code = "invalid-syntax"
            message = message.removeprefix("SyntaxError: ")
        raws.append(
            Raw(
                code=code,
                path=item["filename"],
                line=json_int(start.get("row")),
                column=json_int(start.get("column")),
                end_line=json_int(end.get("row")),
                end_column=json_int(end.get("column")),
                message=message,
                level="warning",
            )
        )
        if code not in docs:
            name = item.get("name") if isinstance(item.get("name"), str) else code
            url = item.get("url") if isinstance(item.get("url"), str) else ""
            docs[code] = RuleDoc(summary=str(name), help_uri=str(url))
    return Parsed(tuple(raws), docs)
