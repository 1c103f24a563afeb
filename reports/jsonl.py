"""`audit scan --format jsonl`: JSON Lines, one finding an object a line (the objects of
`--format json`'s `findings`), for streaming tools; no summary."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from auditor.model import Finding
from reports.findings_json import finding_dict

if TYPE_CHECKING:
    from auditor.scan.report import ScanReport
    from reports.formats import RenderContext


def render(findings: Sequence[Finding]) -> str:
    return "".join(json.dumps(finding_dict(f), ensure_ascii=False) + "\n" for f in findings)


def render_report(report: ScanReport, context: RenderContext) -> str:
    return render(report.findings)
