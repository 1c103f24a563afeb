"""The output formats of `audit scan` and `audit merge`: one table from a format's name to
the module that renders it (fixit's `format.py` shape). Each module has
`render_report(report, context) -> str`, reading the run's ScanReport and a small render
context; a new format is one module and one row. Modules are imported when their format
is used, so the table costs the command's start-up nothing."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from auditor.scan.report import ScanReport
    from auditor.scan.run import Project


# eq=False where nothing compares or hashes the values: each generated method is code
# compiled at import, and a warm `audit scan` is mostly its imports.
@dataclass(frozen=True, slots=True, eq=False)
class RenderContext:
    """How to show a report, besides the report itself."""

    display: Callable[[str], str]  # a root-relative path as the user reads it
    version: str  # auditor's, as the report names the tool
    project: Project | None = None  # the rules' metadata (SARIF, -v); None: a merge
    root_uri: str = ""  # the repository root as a file URI ending in "/" (SARIF)
    path_prefix: str = ""  # the project's folder below the repository root ("backend/")
    colour: bool = False
    statistics: bool = False  # counts per rule instead of one line a finding
    quiet: bool = False  # the findings only: no notes, no summary
    verbose: bool = False  # a crashing rule's traceback, each rule's documentation
    include_suppressed: bool = False  # SARIF: the suppressed findings too, marked


Renderer = Callable[["ScanReport", RenderContext], str]


@dataclass(frozen=True, slots=True, eq=False)
class Format:
    name: str
    module: str  # where its `render_report` is
    # It shows each fix's edits: the fixes offered are computed (auditor.scan.ast_fix),
    # not only counted.
    fix_edits: bool = False

    def renderer(self) -> Renderer:
        render: Renderer = importlib.import_module(self.module).render_report
        return render


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("text", "reports.findings_text"),
        Format("json", "reports.findings_json", fix_edits=True),
        Format("jsonl", "reports.jsonl"),
        Format("sarif", "reports.sarif", fix_edits=True),
        Format("github", "reports.github"),
        Format("gitlab", "reports.gitlab"),
        Format("junit", "reports.junit"),
    )
}


def render(name: str, report: ScanReport, context: RenderContext) -> str:
    return FORMATS[name].renderer()(report, context)
