"""`audit rules [ID]`: the installed rules, and one explained; their pages in Markdown."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from auditor.cli.group import cli, config_option, trust_option, write_output
from auditor.errors import UsageError

if TYPE_CHECKING:
    from auditor.scan.loading import LoadedRule


@cli.command()
@click.argument("rule_id", required=False)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="markdown: the rule's documentation page (docs/rules/ID.md), or the index of them.",
)
@click.option(
    "--output-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="With --format markdown: write a page for each rule (or for ID) and index.md "
    "into DIR, removing the pages of rules no longer installed "
    "(`audit rules --format markdown --output-dir docs/rules`).",
)
@config_option
@trust_option
def rules(
    rule_id: str | None, output_format: str, output_dir: Path | None, config_file: Path | None
) -> None:
    """List the rules, or explain RULE_ID."""
    from auditor.config import load_config
    from auditor.scan.loading import doc_url, project_registry
    from reports.rule_doc import explain, fix_summary

    if output_dir is not None and output_format != "markdown":
        raise UsageError("--output-dir: only with --format markdown")
    config = load_config(Path.cwd(), config_file)
    registry = project_registry(config)
    if rule_id is not None and rule_id not in registry:
        raise UsageError(f"unknown rule id {rule_id!r} (see `audit rules`)")
    chosen = [registry[rule_id]] if rule_id else sorted(registry.values(), key=lambda r: r.id)
    if output_format == "markdown":
        _markdown(chosen, output_dir, whole=rule_id is None)
        return
    if output_format == "json":
        import json

        rules_json = [_rule_json(r, lambda url: doc_url(url, config.docs_url)) for r in chosen]
        document = {"schema": "auditor.rules/1", "rules": rules_json}
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    if rule_id is None:
        rows = [("id", "severity", "languages", "fix", "from")]
        for loaded in chosen:
            severities = dict.fromkeys(cls.severity.label for cls in loaded.classes)
            rows.append(
                (
                    loaded.id,
                    "/".join(severities),
                    ",".join(sorted(loaded.languages)),
                    fix_summary(loaded.classes),
                    loaded.origin,
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            click.echo("  ".join([*cells, row[-1]]).rstrip())
        return
    click.echo("\n".join(explain(cls) for cls in registry[rule_id].classes), nl=False)


def _markdown(chosen: Sequence[LoadedRule], output_dir: Path | None, *, whole: bool) -> None:
    """The pages on standard output (one rule's, or the index), or written into
    `output_dir`: each rule's, and with every rule the index, removing the pages this
    command wrote before for rules that are gone."""
    from reports.rule_doc import GENERATED, markdown_index, markdown_page, page_name

    pages = {page_name(r.id): markdown_page(r.id, r.classes) for r in chosen}
    index = markdown_index([(r.id, r.classes) for r in chosen])
    if output_dir is None:
        click.echo(pages[page_name(chosen[0].id)] if not whole else index, nl=False)
        return
    if whole:
        pages["index.md"] = index
        for stale in sorted(output_dir.glob("*.md")) if output_dir.is_dir() else []:
            if stale.name not in pages and _first_line(stale) == GENERATED:
                stale.unlink()
    for name, text in pages.items():
        write_output(output_dir / name, text.encode("utf-8"))
    click.echo(f"{len(pages)} page(s) written to {output_dir}", err=True)


def _first_line(path: Path) -> str:
    try:
        with path.open(encoding="utf-8") as handle:
            return handle.readline().rstrip("\n")
    except (OSError, UnicodeDecodeError):
        return ""


def _rule_json(loaded: LoadedRule, url: Callable[[str | None], str | None]) -> dict[str, object]:
    """One rule id: what `audit rules` shows, and each language implementation in full
    (`url`: where its documentation is, with the config's `docs-url`)."""
    from reports.rule_doc import fix_summary

    return {
        "id": loaded.id,
        "fix": fix_summary(loaded.classes),
        "origin": loaded.origin,
        "implementations": [
            {
                "languages": sorted(cls.languages),
                "severity": cls.severity.label,
                "message": cls.message,
                "fix": cls.fix_applicability if cls.fixable() else None,
                "url": url(cls.url),
                "options": {name: _json_value(v) for name, v in cls.OPTIONS.items()},
                "explanation": cls.explanation(),
            }
            for cls in loaded.classes
        ],
    }


def _json_value(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value
