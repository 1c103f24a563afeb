"""`audit env`: every environment variable the code reads, and `.env.example`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from auditor import __version__
from auditor.cli.group import cli, config_option, path_display, start_dir, trust_option
from auditor.errors import UsageError
from auditor.scan.fileio import write_atomic
from auditor.scan.gate import ERROR


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--write-example",
    "example",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write or update a .env.example FILE; values already in it are kept.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@config_option
@trust_option
def env(
    paths: tuple[Path, ...], example: Path | None, output_format: str, config_file: Path | None
) -> None:
    """List every environment variable the code in PATHS (default: the configured include)
    reads: whether it is validated (pydantic-settings, environs, django-environ,
    python-decouple; zod, t3-env, envalid, znv), as what type and in which settings module,
    then each place with its default and whether it is in a settings module (the
    settings-modules option of unvalidated-env). Exit 2 on a usage or config error, or
    when a file could not be read or parsed."""
    from auditor.config import load_config
    from auditor.env.example_file import merge_env_example
    from auditor.env.inventory import read_inventory, readers
    from auditor.scan.loading import project_registry
    from auditor.scan.source import DecodeError, decode_utf8

    config = load_config(start_dir(paths), config_file)
    registry = project_registry(config)
    inventory = read_inventory(config, paths, readers(config, registry))

    if example is not None:
        try:
            data: bytes | None = example.read_bytes()
        except FileNotFoundError:
            data = None
        except OSError as exc:
            raise UsageError(f"{example}: cannot read: {exc.strerror}") from None
        try:
            existing = decode_utf8(data) if data is not None else None
        except DecodeError as exc:
            raise UsageError(f"{example}: {exc}") from None
        merged = merge_env_example(existing.text if existing else "", inventory.reads)
        encoding = existing.encoding if existing else "utf-8"
        if data is None or merged.encode(encoding) != data:
            try:
                write_atomic(example, merged.encode(encoding))
            except OSError as exc:
                raise UsageError(f"{example}: cannot write: {exc.strerror or exc}") from None

    if output_format == "json":
        from reports.env_json import render as render_json

        text = render_json(inventory, version=__version__)
    else:
        from reports.env_text import render as render_text

        text = render_text(inventory, path_display(config.root))
    click.echo(text, nl=False)
    sys.exit(ERROR if inventory.errors else 0)
