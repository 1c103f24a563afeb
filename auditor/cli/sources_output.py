"""The configured sources on stderr: a failed source's error and each warning, one line
each (their line in the summary and their entries in JSON and SARIF: reports/)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from auditor.sources.report import SourceReport


def report_sources(reports: Sequence[SourceReport]) -> None:
    """A failed source is one error line on stderr, naming it; its warnings, one each."""
    for report in reports:
        if report.error is not None:
            click.echo(f"audit: error: source {report.name}: {report.error}", err=True)
        for warning in report.warnings:
            click.echo(f"audit: warning: source {report.name}: {warning}", err=True)
