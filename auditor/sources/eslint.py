"""Parsing ESLint's JSON output (`eslint --format json`)."""

from __future__ import annotations

import json

from auditor.sources.report import Parsed, Raw, SourceFailed, json_int

ESLINT_FLAGS = ("--format", "json")


def parse_eslint(stdout: str) -> Parsed:
    """A list of files, each with its messages: `ruleId` (None for a parse error, the
    code `parse-error` here), severity 2 an error and 1 a warning, 1-based lines and
    columns, end column exclusive."""
    try:
        files = json.loads(stdout)
    except ValueError as exc:
        raise SourceFailed(f"unparsable output: not JSON ({exc})") from None
    if not isinstance(files, list):
        raise SourceFailed("unparsable output: expected a JSON list of files")
    raws: list[Raw] = []
    for index, item in enumerate(files):
        if not isinstance(item, dict) or not isinstance(item.get("filePath"), str):
            raise SourceFailed(f"unparsable output: file {index} has no filePath")
        for message in item.get("messages") or []:
            if not isinstance(message, dict):
                continue
            rule = message.get("ruleId")
            raws.append(
                Raw(
                    code=rule if isinstance(rule, str) else "parse-error",
                    path=item["filePath"],
                    line=json_int(message.get("line")),
                    column=json_int(message.get("column")),
                    end_line=json_int(message.get("endLine")),
                    end_column=json_int(message.get("endColumn")),
                    message=str(message.get("message") or ""),
                    level="error" if message.get("severity") == 2 else "warning",
                )
            )
    return Parsed(tuple(raws))
