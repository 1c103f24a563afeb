"""`audit issues check|list|sync`: the remediation tracker in issues.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from auditor.cli.group import (
    cli,
    config_option,
    history_bar,
    no_cache_option,
    since_option,
    tracker_project,
    trust_option,
)
from auditor.model import Severity
from auditor.scan.fileio import write_atomic

if TYPE_CHECKING:
    from auditor.scan.loading import ActiveRule
    from auditor.track.state import FindingRef


@cli.group()
def issues() -> None:
    """The remediation tracker in issues.yaml: check, list, sync."""


@issues.command("check")
@config_option
@trust_option
def issues_check(config_file: Path | None) -> None:
    """Validate issues.yaml: exit 0 when valid, 2 with the first error."""
    from auditor.scan.run import open_project
    from auditor.track.use_case import load_project_issues

    loaded = load_project_issues(open_project(Path.cwd(), config_file))
    count = len(loaded.issues)
    click.echo(f"{loaded.path}: {count} issue{'' if count == 1 else 's'}, valid.")


@issues.command("list")
@config_option
@trust_option
@since_option
@no_cache_option
def issues_list(config_file: Path | None, since: str | None, no_cache: bool) -> None:
    """Each issue with its severity, status, open and fixed counts."""
    from auditor.track.use_case import tracker_state
    from reports.tracker_text import render_list

    with history_bar() as progress:
        _, state = tracker_state(tracker_project(config_file, no_cache), since, progress=progress)
    click.echo(render_list(state), nl=False)


@issues.command("sync")
@config_option
@trust_option
def issues_sync(config_file: Path | None) -> None:
    """Append an issue to issues.yaml for each rule with untracked findings (for a
    source's findings, one issue for the source: `rules: ['mypy:*']`); start the file,
    tracking from today, when there is none."""
    from auditor.scan.run import open_project
    from auditor.track.issues_append import NewIssue, append_issues, start_issues_file
    from auditor.track.use_case import issues_path, tracker_state

    project = open_project(Path.cwd(), config_file)
    started = start_issues_file(issues_path(project), project.config.root.name)
    loaded, state = tracker_state(project, head_only=True)  # what is untracked now
    from auditor.scan.discovery import language_of

    implementations: dict[str, list[ActiveRule]] = {}
    for rule in project.rules:
        implementations.setdefault(rule.id, []).append(rule)
    new: list[NewIssue] = []
    counts: dict[str, int] = {}
    by_source: dict[str, list[FindingRef]] = {}
    for group in state.untracked:
        source, colon, _ = group.rule_id.partition(":")
        if colon:
            by_source.setdefault(source, []).extend(group.findings)
            continue
        candidates = implementations.get(group.rule_id)
        if not candidates:
            continue  # a rule no longer enabled: nothing to name the issue after
        # Named after the implementation for the language most of its findings are in.
        languages = [language_of(f.path) for f in group.findings]
        rule = max(candidates, key=lambda r: sum(lang in r.cls.languages for lang in languages))
        title = rule.cls.message[:1].upper() + rule.cls.message[1:]
        new.append(NewIssue(group.rule_id, title, rule.severity))
        counts[group.rule_id] = len(group.findings)
    for source, found in sorted(by_source.items()):
        severity = max(Severity.parse(f.severity) for f in found)
        new.append(NewIssue(f"{source}:*", f"Findings of {source}", severity))
        counts[f"{source}:*"] = len(found)
    if started:
        click.echo(f"{loaded.path}: started, tracking from {loaded.started}.")
    if not new:
        click.echo(f"{loaded.path}: every finding belongs to an issue; nothing to add.")
        return
    path = issues_path(project)
    before = path.read_bytes()
    text = append_issues(before.decode("utf-8-sig"), loaded, new)
    write_atomic(path, text.encode("utf-8"), expected=before)
    for item in new:
        count = counts[item.rule_id]
        click.echo(
            f"added an issue for {item.rule_id} ({count} finding{'' if count == 1 else 's'})"
        )
