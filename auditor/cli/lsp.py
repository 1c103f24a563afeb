"""`audit lsp`: the language server, for editors (pygls, an optional extra)."""

from __future__ import annotations

import click

from auditor.cli.group import cli, trust_option
from auditor.errors import UsageError


@cli.command()
@click.option(
    "--tcp",
    "port",
    type=click.IntRange(1, 65535),
    help="Listen on 127.0.0.1:PORT instead of stdio (debugging).",
)
@trust_option
def lsp(port: int | None) -> None:
    """Serve diagnostics and fixes to an editor over the Language Server Protocol (stdio)."""
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        raise UsageError(
            "`audit lsp` needs pygls: install auditor with its `lsp` extra "
            "(pip install -e '.[lsp]' in a clone; see the README's Editors)"
        ) from None
    from auditor.lsp.server import serve

    serve(port)
