"""Running a source: the command line, a subprocess with a timeout (never a shell), its output parsed by kind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from auditor.config import Config
from auditor.config_sources import SourceSettings
from auditor.sources.eslint import ESLINT_FLAGS, parse_eslint
from auditor.sources.mypy import MYPY_JSON_FLAGS, MYPY_TEXT_FLAGS, parse_mypy_json, parse_mypy_text
from auditor.sources.report import STDERR_TAIL, Parsed, SourceFailed
from auditor.sources.ruff import parse_ruff
from auditor.sources.sarif import parse_sarif
from auditor.sources.tsc import TSC_FLAGS, parse_tsc


def find_program(name: str, root: Path) -> str | None:
    """A program by name: a path (relative to the project root) when it has a slash, else
    the project's own in node_modules/.bin (tsc, eslint), else the one installed next to
    this Python (the environment auditor runs in, where a project's ruff and mypy usually
    are), else the first on PATH."""
    if "/" in name:
        path = Path(name) if os.path.isabs(name) else root / name
        return str(path) if os.access(path, os.X_OK) and path.is_file() else None
    for directory in (root, *root.parents):
        local = directory / "node_modules" / ".bin" / name
        if os.access(local, os.X_OK) and local.is_file():
            return str(local)
    here = Path(sys.executable).parent / name
    if os.access(here, os.X_OK) and here.is_file():
        return str(here)
    return shutil.which(name)


def default_paths(settings: SourceSettings, config: Config) -> tuple[str, ...]:
    """What ruff or mypy checks: `paths`, else the project's `include`."""
    return settings.paths if settings.paths is not None else config.include


def command_line(settings: SourceSettings, config: Config, *, mypy_text: bool = False) -> list[str]:
    """The argv of a source, its program resolved; SourceFailed when it is not installed."""
    command = list(settings.command) or ([settings.kind] if settings.kind != "sarif" else [])
    if not command:
        return []
    program = find_program(command[0], config.root)
    if program is None:
        where = "at that path" if "/" in command[0] else "next to this Python nor on PATH"
        raise SourceFailed(
            f"{command[0]!r} is not installed (not {where}); install it, or set `command`"
        )
    argv = [program, *command[1:]]
    if settings.kind == "ruff":
        argv += ["check", "--output-format", "json", "--exit-zero", "--no-fix"]
        if settings.select is not None:
            argv += ["--select", ",".join(settings.select)]
        argv += settings.args
    elif settings.kind == "mypy":
        argv += [*(MYPY_TEXT_FLAGS if mypy_text else MYPY_JSON_FLAGS), *settings.args]
    elif settings.kind == "tsc":
        argv += [*TSC_FLAGS, *settings.args]
    elif settings.kind == "eslint":
        argv += [*ESLINT_FLAGS, *settings.args]
    if settings.kind in ("ruff", "mypy", "eslint"):
        paths = default_paths(settings, config)
        if paths:
            argv += ["--", *paths]
    return argv


@dataclass
class Running:
    settings: SourceSettings
    argv: list[str]
    began: float
    process: subprocess.Popen[bytes] | None = None
    stdout: IO[bytes] | None = None
    stderr: IO[bytes] | None = None
    file_before: tuple[int, int, int] | None = None
    failure: str | None = None


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def _spawn(argv: Sequence[str], cwd: Path) -> tuple[subprocess.Popen[bytes], IO[bytes], IO[bytes]]:
    """Output goes to temporary files, not pipes: a source never blocks on a full pipe
    while auditor is busy scanning, however much it prints. A session of its own lets a
    timeout stop its children too (npx starts node)."""
    # The files outlive this function: `_read` closes them once the source has finished.
    stdout = tempfile.TemporaryFile()  # noqa: SIM115
    stderr = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
    except BaseException:
        stdout.close()
        stderr.close()
        raise
    return process, stdout, stderr


def start(settings: SourceSettings, config: Config) -> Running:
    """Start a source's command (if it has one) and return at once."""
    began = time.monotonic()
    try:
        argv = command_line(settings, config)
    except SourceFailed as exc:
        return Running(settings, [], began, failure=str(exc))
    running = Running(settings, argv, began)
    if settings.file is not None:
        running.file_before = _stat(config.root / settings.file)
    if argv:
        try:
            running.process, running.stdout, running.stderr = _spawn(argv, config.root)
        except OSError as exc:
            running.failure = f"cannot run {argv[0]}: {exc.strerror or exc}"
    return running


def stop(running: Running) -> None:
    """Stop a started source that is still running (the scan was interrupted) and let go
    of its output files; nothing for one that has finished."""
    process = running.process
    if process is not None and process.poll() is None:
        _kill(process)
    for handle in (running.stdout, running.stderr):
        if handle is not None and not handle.closed:
            handle.close()


def _kill(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()
    process.wait()


def _read(handle: IO[bytes] | None) -> str:
    if handle is None:
        return ""
    handle.seek(0)
    data = handle.read()
    handle.close()
    return data.decode("utf-8", errors="replace")


def _tail(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    last = lines[-1]
    return last if len(last) <= STDERR_TAIL else last[: STDERR_TAIL - 1] + "…"


def _wait(running: Running) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of the started command; SourceFailed on a timeout."""
    process = running.process
    assert process is not None
    remaining = running.settings.timeout - (time.monotonic() - running.began)
    try:
        process.wait(timeout=max(remaining, 0.001))
    except subprocess.TimeoutExpired:
        _kill(process)
        _read(running.stdout)
        _read(running.stderr)
        raise SourceFailed(f"timed out after {running.settings.timeout:g} s") from None
    return process.returncode, _read(running.stdout), _read(running.stderr)


def _run_now(argv: Sequence[str], running: Running, cwd: Path) -> tuple[int, str, str]:
    again = Running(running.settings, list(argv), running.began)
    try:
        again.process, again.stdout, again.stderr = _spawn(argv, cwd)
    except OSError as exc:
        raise SourceFailed(f"cannot run {argv[0]}: {exc.strerror or exc}") from None
    return _wait(again)


def _failed(program: str, code: int, stdout: str, stderr: str) -> SourceFailed:
    detail = _tail(stderr) or _tail(stdout)
    name = os.path.basename(program)
    return SourceFailed(f"{name} exited with code {code}" + (f": {detail}" if detail else ""))


def parsed_output(running: Running, config: Config) -> Parsed:
    settings = running.settings
    if running.failure is not None:
        raise SourceFailed(running.failure)
    code, stdout, stderr = _wait(running) if running.process is not None else (0, "", "")
    if settings.kind == "ruff":
        if code != 0:
            raise _failed(running.argv[0], code, stdout, stderr)
        return parse_ruff(stdout)
    if settings.kind == "mypy":
        return _mypy_output(running, config, code, stdout, stderr)
    if settings.kind in ("tsc", "eslint"):
        # tsc: 0 clean, 1 or 2 with diagnostics; eslint: 0 clean, 1 with problems, 2 a
        # configuration or crash. An exit with problems but none parsed is a failure.
        parse = parse_tsc if settings.kind == "tsc" else parse_eslint
        allowed = (0, 1, 2) if settings.kind == "tsc" else (0, 1)
        if code not in allowed:
            raise _failed(running.argv[0], code, stdout, stderr)
        parsed = parse(stdout)
        if code != 0 and not parsed.raws:
            raise _failed(running.argv[0], code, stdout, stderr)
        return parsed
    # SARIF: from the command's output, or from the file it wrote (or that exists).
    if settings.file is None:
        if not stdout.strip() and code != 0:
            raise _failed(running.argv[0], code, stdout, stderr)
        try:
            return parse_sarif(stdout, config.root)
        except SourceFailed:
            if code != 0:
                raise _failed(running.argv[0], code, stdout, stderr) from None
            raise
    path = config.root / settings.file
    if running.process is not None:
        after = _stat(path)
        if after is None or after == running.file_before:
            if code != 0:
                raise _failed(running.argv[0], code, stdout, stderr)
            raise SourceFailed(f"the command did not write {settings.file}")
    try:
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as exc:
        raise SourceFailed(f"cannot read {settings.file}: {exc.strerror or exc}") from None
    return parse_sarif(text, config.root)


def _mypy_output(running: Running, config: Config, code: int, stdout: str, stderr: str) -> Parsed:
    """mypy exits 0 (clean), 1 (errors found) or 2 (a blocking error: a syntax error, a
    missing file, bad options: its other findings are then unknown, so it fails the
    source). A mypy older than 1.11 has no JSON output: it is run again for text."""
    text_mode = False
    if code == 2 and "--output" in stderr and "unrecognized arguments" in stderr:
        argv = command_line(running.settings, config, mypy_text=True)
        code, stdout, stderr = _run_now(argv, running, config.root)
        text_mode = True
    if code not in (0, 1):
        # A blocking error's output ends with a summary line ("Found 1 error in 1 file
        # (errors prevented further checking)"): read the results, not the summary. mypy 1.x
        # writes a blocking error as text even with `--output json` (1.20 still does).
        results = "\n".join(line for line in stdout.splitlines() if not line.startswith("Found "))
        parsed = None if text_mode else _try(parse_mypy_json, results)
        if parsed is None:
            parsed = _try(parse_mypy_text, results)
        blocking = [r for r in parsed.raws if r.level == "error"] if parsed else []
        if blocking:
            first = blocking[0]
            where = f"{first.path}:{first.line}" if first.line else first.path
            raise SourceFailed(
                f"mypy stopped at a blocking error: {where}: {first.message} [{first.code}]"
            )
        raise _failed(running.argv[0], code, "" if parsed else stdout, stderr)
    parsed = parse_mypy_text(stdout) if text_mode else parse_mypy_json(stdout)
    if code == 1 and not any(r.level == "error" for r in parsed.raws):
        raise _failed(running.argv[0], code, stdout, stderr)  # 1 means errors found
    return parsed


def _try(parse: Callable[[str], Parsed], text: str) -> Parsed | None:
    try:
        return parse(text)
    except SourceFailed:
        return None
