"""The options of `audit scan`, and their parsing into one ScanRequest (auditor/scan/
request.py): what to read, what to fix, what to print, the gate. Every check of the
options together is here; what they mean is the use case's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from auditor.cli.group import config_option, ids, trust_option, verbose_callback
from auditor.errors import UsageError
from auditor.model import Severity
from auditor.scan.request import Fixing, Gate, Printing, Reading, ScanRequest
from reports.formats import FORMATS

if TYPE_CHECKING:
    from typing import TypedDict

    class ScanOptions(TypedDict):
        """The options as click gives them, one key a parameter."""

        paths: tuple[Path, ...]
        fix: bool
        unsafe_fixes: bool
        diff: bool
        select: tuple[str, ...]
        extend_select: tuple[str, ...]
        ignore: tuple[str, ...]
        exclude: tuple[str, ...]
        extend_exclude: tuple[str, ...]
        add_ignore: bool
        watch: bool
        output_format: str
        output: Path | None
        fail_on: str | None
        exit_zero: bool
        baseline: Path | None
        update_baseline: bool
        new_since: str | None
        include_suppressed: bool
        jobs: int | None
        no_cache: bool
        cache_dir: Path | None
        use_sources: bool | None
        no_skip_generated: bool
        quiet: bool
        verbose: bool
        statistics: bool
        show_files: bool
        show_settings: bool
        shard: str | None
        report_unused_ignores: bool
        force_exclude: bool
        stdin_filename: Path | None
        config_file: Path | None


_Command = TypeVar("_Command", bound=Callable[..., None])

_OPTIONS = (
    click.argument("paths", nargs=-1, type=click.Path(path_type=Path)),
    click.option("--fix", is_flag=True, help="Apply safe fixes and write the files."),
    click.option(
        "--unsafe-fixes", is_flag=True, help="With --fix or --diff, apply unsafe fixes too."
    ),
    click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing."),
    click.option(
        "--add-ignore",
        is_flag=True,
        help="Write an `audit: ignore[rule-id]` comment for each finding (ruff's --add-noqa).",
    ),
    click.option("--select", multiple=True, help="Only these rule ids (comma-separated)."),
    click.option(
        "--extend-select",
        multiple=True,
        help="These rule ids too, besides the selection (comma-separated).",
    ),
    click.option("--ignore", multiple=True, help="Not these rule ids (comma-separated)."),
    click.option(
        "--exclude",
        multiple=True,
        metavar="PATTERN",
        help="Exclude these paths, in place of the configured exclude (comma-separated globs).",
    ),
    click.option(
        "--extend-exclude",
        multiple=True,
        metavar="PATTERN",
        help="Exclude these paths too (comma-separated globs, as extend-exclude).",
    ),
    click.option(
        "--format",
        "--output-format",  # ruff's name
        "output_format",
        type=click.Choice(list(FORMATS)),
        default="text",
        show_default=True,
    ),
    click.option("--output", type=click.Path(path_type=Path), help="Write the report to FILE."),
    click.option(
        "--fail-on",
        type=click.Choice(["critical", "high", "medium", "low", "none"]),
        help="Exit 1 on findings at or above this severity [config, else critical].",
    ),
    click.option(
        "--exit-zero",
        is_flag=True,
        help="Exit 0 whatever the findings (--fail-on none); errors still exit 2.",
    ),
    click.option(
        "--baseline",
        type=click.Path(path_type=Path),
        help="Report only findings not in this baseline (see `audit baseline`).",
    ),
    click.option(
        "--update-baseline", is_flag=True, help="With --baseline, drop the entries that are fixed."
    ),
    click.option(
        "--new-since", metavar="REF", help="Report only findings absent at the merge base of REF."
    ),
    click.option(
        "--include-suppressed", is_flag=True, help="SARIF: include suppressed findings, marked."
    ),
    click.option(
        "--jobs", "-j", type=click.IntRange(min=1), help="Worker processes [default: the cores]."
    ),
    click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache."),
    click.option(
        "--cache-dir",
        type=click.Path(path_type=Path),
        help="Where the result cache lives [default: .audit_cache at the project root].",
    ),
    click.option(
        "--sources/--no-sources",
        "use_sources",
        default=None,
        help="Run the configured sources (ruff, mypy, SARIF) too [config: run-sources].",
    ),
    click.option(
        "--no-skip-generated",
        is_flag=True,
        help="Scan generated and minified files too [config: skip-generated].",
    ),
    click.option("-q", "--quiet", is_flag=True, help="Text: the findings only, no summary."),
    click.option(
        "-v",
        "--verbose",
        is_flag=True,
        callback=verbose_callback,
        help="Text: a crashing rule's traceback, each rule's docs.",
    ),
    click.option(
        "--statistics", is_flag=True, help="Text: counts per rule instead of one line a finding."
    ),
    click.option(
        "--show-files", is_flag=True, help="List the files the scan would read, and scan nothing."
    ),
    click.option(
        "--show-settings", is_flag=True, help="Print the settings in force, and scan nothing."
    ),
    click.option(
        "--watch",
        is_flag=True,
        help="Scan again whenever a scanned file or the config changes; Ctrl-C stops.",
    ),
    click.option(
        "--shard",
        metavar="I/N",
        help="Scan only shard I of N (a stable split by path; combine with `audit merge`).",
    ),
    click.option(
        "--report-unused-ignores",
        is_flag=True,
        help="Report `audit: ignore` comments that silence nothing "
        "[config: report-unused-ignores].",
    ),
    click.option(
        "--force-exclude",
        is_flag=True,
        help="Apply the excludes to files named on the command line too (for pre-commit).",
    ),
    click.option(
        "--stdin-filename",
        type=click.Path(path_type=Path),
        help="With PATHS `-`: the path of the document read from stdin (its language, config "
        "and per-file ignores); with --fix the fixed text goes to stdout.",
    ),
    config_option,
    trust_option,
)


def scan_options(command: _Command) -> _Command:
    """`command` with every option of `audit scan`, in the order --help lists them."""
    for option in reversed(_OPTIONS):
        command = option(command)
    return command


def scan_request(options: ScanOptions) -> ScanRequest:
    """The options as one request; contradictions are usage errors."""
    _check(options)
    return ScanRequest(
        read=_reading(options),
        fix=Fixing(
            fix=options["fix"],
            unsafe=options["unsafe_fixes"],
            diff=options["diff"],
            add_ignore=options["add_ignore"],
        ),
        show=Printing(
            format=options["output_format"],
            fix_edits=FORMATS[options["output_format"]].fix_edits,
            output=options["output"],
            quiet=options["quiet"],
            verbose=options["verbose"],
            statistics=options["statistics"],
            include_suppressed=options["include_suppressed"],
            show_files=options["show_files"],
            show_settings=options["show_settings"],
            watch=options["watch"],
        ),
        gate=_gate(options),
    )


def _check(options: ScanOptions) -> None:
    if options["update_baseline"] and options["baseline"] is None:
        raise UsageError("--update-baseline needs --baseline FILE")
    fail_on = options["fail_on"]
    if options["exit_zero"] and fail_on not in (None, "none"):  # ruff's flag
        raise UsageError(f"--exit-zero and --fail-on {fail_on} contradict each other")
    for option in ("select", "extend_select"):
        if options[option] and not ids(options[option]):
            name = "--" + option.replace("_", "-")
            raise UsageError(f"{name}: no rule id given (see `audit rules`)")
    if options["shard"] is not None:
        _shard(options["shard"])
    stdin = options["paths"] == (Path("-"),)
    if stdin and options["stdin_filename"] is None:
        raise UsageError("`audit scan -` reads stdin: give its path with --stdin-filename PATH")
    if not stdin and options["stdin_filename"] is not None:
        raise UsageError("--stdin-filename goes with the path `-` (read stdin)")
    if stdin and (options["new_since"] is not None or options["use_sources"]):
        raise UsageError("`audit scan -` scans one document: no --new-since or --sources")
    _check_modes(options, stdin)


def _check_modes(options: ScanOptions, stdin: bool) -> None:
    """--add-ignore, --watch and --statistics, with what they cannot go with."""
    if stdin and (options["add_ignore"] or options["watch"]):
        raise UsageError("`audit scan -` reads one document once: no --add-ignore or --watch")
    if options["add_ignore"] and (options["fix"] or options["diff"]):
        raise UsageError("--add-ignore writes comments, not fixes: no --fix or --diff")
    if options["watch"] and options["output"] is not None:
        raise UsageError("--watch shows each run on the terminal: no --output")
    if options["statistics"] and options["output_format"] not in ("text", "json"):
        raise UsageError("--statistics: with --format text or json")


def _reading(options: ScanOptions) -> Reading:
    select = options["select"]
    return Reading(
        paths=options["paths"],
        stdin_filename=options["stdin_filename"],
        config_file=options["config_file"],
        select=tuple(ids(select)) if select else None,
        extend_select=tuple(ids(options["extend_select"])),
        ignore=tuple(ids(options["ignore"])),
        exclude=tuple(ids(options["exclude"])) if options["exclude"] else None,
        extend_exclude=tuple(ids(options["extend_exclude"])),
        force_exclude=options["force_exclude"],
        skip_generated=not options["no_skip_generated"],
        report_unused_ignores=options["report_unused_ignores"],
        sources=options["use_sources"],
        jobs=options["jobs"],
        use_cache=not options["no_cache"],
        cache_dir=options["cache_dir"],
        shard=_shard(options["shard"]) if options["shard"] is not None else None,
    )


def _gate(options: ScanOptions) -> Gate:
    fail_on = "none" if options["exit_zero"] else options["fail_on"]
    return Gate(
        fail_on=None if fail_on is None or fail_on == "none" else Severity.parse(fail_on),
        fail_on_given=fail_on is not None,
        baseline=options["baseline"],
        update_baseline=options["update_baseline"],
        new_since=options["new_since"],
    )


def _shard(text: str) -> tuple[int, int]:
    index, _, count = text.partition("/")
    if index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count):
        return int(index), int(count)
    raise UsageError(f"--shard {text}: expected I/N with 1 <= I <= N, e.g. 2/3")
