"""The `audit` command group and what its commands share: errors as one line and exit 2,
progress bars on a terminal, common options, writing output."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from auditor import __version__
from auditor.errors import AuditError, UsageError
from auditor.model import one_line
from auditor.scan.fileio import write_atomic
from auditor.scan.gate import ERROR

if TYPE_CHECKING:
    from auditor.scan.run import Project

PROGRESS_MIN_BYTES = 2_000_000  # below that a scan is over before a bar helps


VERBOSE = "audit.verbose"  # ctx.meta key: -v was given (a crash then shows its traceback)


# Each command's module, imported when the command is looked up: `audit scan` does not
# import what `audit report` or `audit lsp` needs (a warm scan's cost is mostly imports).
COMMANDS: dict[str, str] = {
    "baseline": "baseline",
    "env": "env",
    "issues": "issues",
    "lsp": "lsp",
    "merge": "merge",
    "report": "report",
    "rules": "rules",
    "scan": "scan",
    "snapshot": "baseline",
    "test": "examples",
    "trust": "trust",
}


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            import importlib

            importlib.import_module(f"auditor.cli.{module}")  # it registers its commands
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        """Run a command in its trust session. A refusal to run the project's code, a
        user's error and a crash each end it with exit 2 and one line a cause."""
        from auditor import trust_session

        with trust_session.session() as session:
            code: int | None = None
            try:
                return super().invoke(ctx)
            except AuditError as exc:
                click.echo(f"audit: error: {exc.message}", err=True)
                code = ERROR
            except click.exceptions.Exit as exc:
                code = exc.exit_code
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else ERROR
            except (click.ClickException, click.Abort, KeyboardInterrupt):
                raise
            except Exception as exc:
                _crashed(ctx, exc)
                code = ERROR
            finally:
                for refusal in session.refused:
                    click.echo(f"audit: error: {refusal.message()}", err=True)
                if session.refused:
                    code = ERROR
                if code is not None:
                    ctx.exit(code)
            return None


def _crashed(ctx: click.Context, exc: Exception) -> None:
    # The user's switch for this run, read where it applies.
    debug = os.environ.get("AUDIT_DEBUG") == "1"  # audit: ignore[unvalidated-env]
    if ctx.meta.get(VERBOSE) or debug:
        import traceback

        traceback.print_exception(exc)
    hint = "" if ctx.meta.get(VERBOSE) else "; -v or AUDIT_DEBUG=1 shows the traceback"
    click.echo(f"audit: error: internal error: {one_line(exc)} (a bug in auditor{hint})", err=True)


def _trust_callback(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        from auditor.trust_session import trust_for_this_run

        trust_for_this_run()


trust_option = click.option(
    "--trust",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_trust_callback,
    help="Trust this project for this run: its plugins and sources run [env: AUDIT_TRUST=1].",
)


def verbose_callback(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.meta[VERBOSE] = True
    return value


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="audit")
def cli() -> None:
    """Audit a codebase for quality issues, fix them, and track their remediation."""


def ids(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def path_display(root: Path) -> Callable[[str], str]:
    cwd = Path.cwd()

    def display(rel: str) -> str:
        absolute = root / rel
        try:
            return Path(os.path.relpath(absolute, cwd)).as_posix()
        except ValueError:
            return absolute.as_posix()

    return display


@contextmanager
def history_bar(label: str = "walking the history") -> Iterator[Callable[[int, int], None] | None]:
    """Commits walked (or backfilled), on stderr and only on a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


@contextmanager
def progress_bar() -> Iterator[Callable[[int], Callable[[int], None]] | None]:
    """A bar on stderr for long scans, and only on a terminal: CI logs stay clean. It
    counts bytes, not files: the largest files go first, so a count of files would sit
    near zero for half of a scan, and its time estimate with it."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("scanning"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:

        def start(total: int) -> Callable[[int], None]:
            if total < PROGRESS_MIN_BYTES:
                return lambda done: None
            task = bar.add_task("scanning", total=total)
            return lambda done: bar.advance(task, done)

        yield start


def start_dir(paths: Sequence[Path]) -> Path:
    """Where config discovery starts: the deepest directory holding every path given."""
    if not paths:
        return Path.cwd()
    for path in paths:
        try:
            path.stat()
        except FileNotFoundError:
            raise UsageError(f"{path}: no such file or directory") from None
        except OSError as exc:  # a folder on the way cannot be entered
            raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    dirs = [str(p.resolve() if p.is_dir() else p.resolve().parent) for p in paths]
    return Path(os.path.commonpath(dirs))


def emit(text: str, output: Path | None) -> None:
    if output is None:
        # The text holds ANSI styles only when colour was chosen (a terminal, FORCE_COLOR):
        # click must not strip them again.
        click.echo(text, nl=False, color=True)
    else:
        write_output(output, text.encode("utf-8"))


def write_output(output: Path, data: bytes) -> None:
    """An --output file: its folders are made as needed (as ruff does); a file that cannot
    be written is one line and exit 2, not a traceback."""
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(output, data)
    except OSError as exc:
        raise UsageError(f"{output}: cannot write: {exc.strerror or exc}") from None


def toml_value(value: object) -> str:
    """An option's default as it would be written in pyproject.toml."""
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(json.dumps(v) for v in value) + "]"
    return json.dumps(value)


def main() -> None:
    try:
        cli(prog_name="audit")
    finally:
        # The interpreter's last collections, as it exits, would walk every object still
        # there (a warm scan's whole state): frozen, they are not walked. atexit handlers
        # and the flush of the standard streams still run; only cycles among these objects
        # are left to the process's end, and every file is closed by its `with` block.
        gc.freeze()


config_option = click.option(
    "--config", "config_file", type=click.Path(path_type=Path), help="Config file."
)
since_option = click.option(
    "--since", metavar="REF", help="Track from this revision instead of `started`."
)


def tracker_project(config_file: Path | None, no_cache: bool = False) -> Project:
    """The project, its history cache in the cache folder unless `no_cache`."""
    from dataclasses import replace

    from auditor.scan.run import CACHE_DIR, open_project

    project = open_project(Path.cwd(), config_file)
    return replace(project, cache_dir=None if no_cache else project.config.root / CACHE_DIR)


no_cache_option = click.option(
    "--no-cache", is_flag=True, help="Walk the whole history again; keep nothing."
)
