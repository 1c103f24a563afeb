"""`audit rules [ID]`: the installed rules, and one explained."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from auditor.cli.group import cli, config_option, toml_value, trust_option
from auditor.errors import UsageError


@cli.command()
@click.argument("rule_id", required=False)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@config_option
@trust_option
def rules(rule_id: str | None, output_format: str, config_file: Path | None) -> None:
    """List the rules, or explain RULE_ID."""
    from auditor.config import load_config
    from auditor.scan.loading import project_registry

    config = load_config(Path.cwd(), config_file)
    registry = project_registry(config)
    if rule_id is not None and rule_id not in registry:
        raise UsageError(f"unknown rule id {rule_id!r} (see `audit rules`)")
    if output_format == "json":
        import json

        chosen = [registry[rule_id]] if rule_id else sorted(registry.values(), key=lambda r: r.id)
        document = {"schema": "auditor.rules/1", "rules": [_rule_json(r) for r in chosen]}
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    if rule_id is None:
        rows = [("id", "severity", "languages", "fix", "from")]
        for loaded in sorted(registry.values(), key=lambda r: r.id):
            severities = dict.fromkeys(cls.severity.label for cls in loaded.classes)
            rows.append(
                (
                    loaded.id,
                    "/".join(severities),
                    ",".join(sorted(loaded.languages)),
                    _fix_summary(loaded.classes),
                    loaded.origin,
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            click.echo("  ".join([*cells, row[-1]]).rstrip())
        return
    if rule_id not in registry:
        raise UsageError(f"unknown rule id {rule_id!r} (see `audit rules`)")
    click.echo("\n".join(_explain(cls) for cls in registry[rule_id].classes), nl=False)


def _fix_summary(classes: Sequence[Any]) -> str:
    """The fix column: "safe", "unsafe" or "-"; when only some implementations fix, which
    languages they fix in ("safe(python)"). No spaces: the table splits on them."""
    fixing = [cls for cls in classes if cls.fixable()]
    if not fixing:
        return "-"
    kinds = "/".join(dict.fromkeys(cls.fix_applicability for cls in fixing))
    if len(fixing) == len(classes):
        return kinds
    languages = ",".join(sorted(lang for cls in fixing for lang in cls.languages))
    return f"{kinds}({languages})"


def _explain(cls: Any) -> str:
    fix = f"{cls.fix_applicability} fix" if cls.fixable() else "no fix"
    languages = ", ".join(sorted(cls.languages))
    out = [f"{cls.id} ({cls.severity.label}; {languages}; {fix})", "", cls.explanation(), ""]
    if cls.OPTIONS:
        out.append("Options (under [tool.audit.rules." + cls.id + "]):")
        out += [f"  {name} = {toml_value(value)}" for name, value in cls.OPTIONS.items()]
        out.append("")
    for title, examples in (("Flagged", cls.INVALID), ("Accepted", cls.VALID)):
        for example in examples:
            out.append(f"{title}:")
            out.append(textwrap.indent(textwrap.dedent(example.code).strip("\n"), "    "))
            fixed = getattr(example, "fixed", None)
            if fixed is not None:
                out.append("Fixed:")
                out.append(textwrap.indent(textwrap.dedent(fixed).strip("\n"), "    "))
            out.append("")
    return "\n".join(out)


def _rule_json(loaded: Any) -> dict[str, Any]:
    """One rule id: what `audit rules` shows, and each language implementation in full."""
    return {
        "id": loaded.id,
        "fix": _fix_summary(loaded.classes),
        "origin": loaded.origin,
        "implementations": [
            {
                "languages": sorted(cls.languages),
                "severity": cls.severity.label,
                "message": cls.message,
                "fix": cls.fix_applicability if cls.fixable() else None,
                "url": cls.url,
                "options": {name: _json_value(v) for name, v in cls.OPTIONS.items()},
                "explanation": cls.explanation(),
            }
            for cls in loaded.classes
        ],
    }


def _json_value(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value
