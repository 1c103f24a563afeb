"""`audit scan --format jsonl`: JSON Lines, one finding an object a line (the objects of
`--format json`'s `findings`), for streaming tools; no summary."""

from __future__ import annotations

import json
from collections.abc import Sequence

from auditor.model import Finding
from reports.findings_json import finding_dict


def render(findings: Sequence[Finding]) -> str:
    return "".join(json.dumps(finding_dict(f), ensure_ascii=False) + "\n" for f in findings)
