"""`audit test`: a rule package's own examples through the shared harness, without a test
file (as `fixit test` does): what its tests would check, from the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from auditor.cli.group import cli, config_option, trust_option
from auditor.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from auditor.scan.rule_core import BaseRule
    from auditor.scan.rule_examples import Invalid, Valid


@cli.command("test")
@click.argument("targets", nargs=-1)
@config_option
@trust_option
def test(targets: tuple[str, ...], config_file: Path | None) -> None:
    """Run the VALID and INVALID examples of the rules TARGETS names (rule ids, or
    modules `pkg.rules` / classes `pkg.rules:NoTodo`; default: every installed rule)
    through the shared harness. Exit 1 when an example fails, 2 when a rule cannot load."""
    from auditor.config import load_config
    from auditor.scan.loading import project_registry, rules_in
    from auditor.testing import check_example

    config = load_config(Path.cwd(), config_file)
    registry = project_registry(config)
    classes: list[type[BaseRule]] = []
    for target in targets or sorted(registry):
        if target in registry:
            classes += registry[target].classes
        elif "." in target or ":" in target or target.isidentifier():
            classes += rules_in(target, config.root)
        else:
            raise UsageError(f"{target}: no such rule id or module (see `audit rules`)")
    failed = total = 0
    for cls in classes:
        language = ",".join(sorted(cls.languages))
        kinds: tuple[tuple[str, Sequence[Valid | Invalid]], ...] = (
            ("valid", cls.VALID),
            ("invalid", cls.INVALID),
        )
        for kind, examples in kinds:
            for number, example in enumerate(examples, 1):
                total += 1
                try:
                    check_example(cls, example)
                except AssertionError as exc:
                    failed += 1
                    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "failed"
                    click.echo(f"FAIL {cls.id}[{language}] {kind} {number}: {reason}")
    from reports.findings_text import plural

    rules = plural(len({cls.id for cls in classes}), "rule")
    if failed:
        click.echo(f"{failed} of {plural(total, 'example')} of {rules} failed.")
        sys.exit(1)
    click.echo(f"{plural(total, 'example')} of {rules} pass.")
