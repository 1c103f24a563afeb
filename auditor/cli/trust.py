"""`audit trust`: allow a project's own code (its plugins and sources) to run."""

from __future__ import annotations

from pathlib import Path

import click

from auditor.cli.group import cli, config_option


@cli.command("trust")
@click.option("--revoke", is_flag=True, help="Forget the trust given to this project.")
@config_option
def trust_command(revoke: bool, config_file: Path | None) -> None:
    """Trust the project (its config's folder): its local plugins may be imported and its
    sources run. Recorded in your own config folder, never in the repository, with a
    digest of those settings and of the files they name: a change to either needs
    `audit trust` again. Review what it lists before you trust it."""
    from auditor import trust
    from auditor.config import display_path, load_config

    config = load_config(Path.cwd(), config_file)
    where = f"{display_path(config.root)} ({config.display_file})"
    if revoke:
        was = trust.revoke(config)
        click.echo(f"{'No longer trusted' if was else 'Was not trusted'}: {where}.")
        return
    asked = trust.code_settings(config)
    if not asked:
        click.echo(f"Nothing to trust: {where} names no plugins or sources; no code of it runs.")
        return
    record = trust.grant(config)
    click.echo(f"Trusted {where}:")
    for setting in asked:
        click.echo(f"  {setting.key} {setting.runs}")
    click.echo(
        f"Recorded in {_home(record)}; a change to these settings or to the files "
        "they name needs `audit trust` again."
    )


def _home(path: Path) -> str:
    """The record's path, from ~ when it is under the home folder."""
    try:
        return "~/" + path.relative_to(Path.home()).as_posix()
    except ValueError:
        return str(path)
