"""The habits ruff users bring (issue 27 item 5): --extend-select, --exclude and
--extend-exclude on the command line, --statistics that counts the unsafe fixes (and in
JSON), --add-ignore (ruff's --add-noqa) and --watch, each with ruff's meaning."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

from conftest import BARE

BARE_LINE = (
    "{}:3:1: critical bare-except bare `except:` also catches KeyboardInterrupt and "
    "SystemExit; name the exceptions"
)
PRINT_LINE = (
    "{}:{}:{}: critical console-logging `print` writes to the console; log through the "
    "module's logger instead"
)


def test_extend_select_adds_to_the_selection(project, audit) -> None:
    config = (
        '[tool.audit]\nselect = ["bare-except"]\n\n'
        "[tool.audit.rules.ignored-kwargs]\nenabled = false\n"
    )
    project({"pyproject.toml": config, "app.py": BARE + "print(1)\n"})
    assert audit("scan", "-q").out == BARE_LINE.format("app.py") + "\n"
    extended = audit("scan", "-q", "--extend-select", "console-logging")
    assert (
        extended.out == BARE_LINE.format("app.py") + "\n" + PRINT_LINE.format("app.py", 5, 1) + "\n"
    )
    # Added to --select too; and a rule the config disables can be selected again.
    both = audit("scan", "--select", "console-logging", "--extend-select", "ignored-kwargs")
    assert both.out.splitlines()[0] == PRINT_LINE.format("app.py", 5, 1)
    settings = audit("scan", "--show-settings", "--extend-select", "ignored-kwargs").out
    assert "[rules.ignored-kwargs]  # python" in settings.splitlines()
    assert "[rules.ignored-kwargs]  # python" not in audit("scan", "--show-settings").out
    wrong = audit("scan", "--extend-select", "console-loging")
    assert (wrong.code, wrong.err) == (
        2,
        "audit: error: --extend-select: unknown rule id 'console-loging' (did you mean "
        "'console-logging'? see `audit rules`)\n",
    )
    empty = audit("scan", "--extend-select", ",")
    assert (empty.code, empty.err) == (
        2,
        "audit: error: --extend-select: no rule id given (see `audit rules`)\n",
    )


def test_exclude_replaces_and_extend_exclude_adds(project, audit) -> None:
    config = '[tool.audit]\nextend-exclude = ["gen/"]\n'
    project(
        {
            "pyproject.toml": config,
            "app.py": BARE,
            "gen/g.py": BARE,
            "build/b.py": BARE,  # excluded by default (exclude)
            "vendor/v.py": BARE,
        }
    )
    assert audit("scan", "--show-files").out == "app.py\nvendor/v.py\n"
    assert audit("scan", "--show-files", "--extend-exclude", "vendor").out == "app.py\n"
    # --exclude in place of the configured exclude: build/ is scanned, gen/ still not
    # (extend-exclude stays), vendor/ is excluded now.
    replaced = audit("scan", "--show-files", "--exclude", "vendor/,nothing")
    assert replaced.out == "app.py\nbuild/b.py\n"
    scanned = audit("scan", "-q", "--exclude", "vendor/", "--extend-exclude", "app.py")
    assert scanned.out == BARE_LINE.format("build/b.py") + "\n"


STATS = BARE + BARE + "print(1)\n"


def test_statistics_say_which_fixes_are_unsafe(project, audit) -> None:
    project({"pyproject.toml": "[tool.audit]\n", "a.py": STATS, "b.js": "console.log(1);\n"})
    assert audit("scan", "--statistics").out.splitlines() == [
        "2  bare-except      (2 fixable)",
        "2  console-logging  (1 fixable with --unsafe-fixes)",
        "Found 4 findings (4 critical) in 2 files; 2 files scanned.",
        "2 fixable with `audit scan --fix`.",
        "1 more fixable with `audit scan --fix --unsafe-fixes`.",
    ]


def test_statistics_as_json(project, audit) -> None:
    project({"pyproject.toml": "[tool.audit]\n", "a.py": STATS})
    result = audit("scan", "--statistics", "--format", "json")
    assert result.code == 1
    assert json.loads(result.out) == [
        {
            "code": "bare-except",
            "name": "bare-except",
            "count": 2,
            "fixable": True,
            "fixable_count": 2,
            "unsafe_fixable_count": 0,
        },
        {
            "code": "console-logging",
            "name": "console-logging",
            "count": 1,
            "fixable": False,
            "fixable_count": 0,
            "unsafe_fixable_count": 1,
        },
    ]
    assert result.out.startswith('[\n  {\n    "code": "bare-except",\n')
    refused = audit("scan", "--statistics", "--format", "sarif")
    assert (refused.code, refused.err) == (
        2,
        "audit: error: --statistics: with --format text or json\n",
    )


PY = '''import os


def f():
    try:
        print(os.environ["X"])  # audit: ignore[unvalidated-env]
    except:
        print(1)


x = """
print(2)
"""
print(3); print(4)
'''
PY_IGNORED = '''import os


def f():
    try:
        print(os.environ["X"])  # audit: ignore[unvalidated-env, console-logging]
    except:  # audit: ignore[bare-except]
        print(1)  # audit: ignore[console-logging]


x = """
print(2)
"""
print(3); print(4)  # audit: ignore[console-logging]
'''
JSX = "export const A = () => (\n  <div>\n    {console.log(2)}\n  </div>\n);\n"
JSX_IGNORED = (
    "export const A = () => (\n  <div>\n    {/* audit: ignore[console-logging] */}\n"
    "    {console.log(2)}\n  </div>\n);\n"
)
TS = "try { g(); } catch (e) {}\n"
TS_IGNORED = "try { g(); } catch (e) {}  // audit: ignore[bare-except]\n"


def test_add_ignore_comments_every_finding_once(project, audit) -> None:
    root = project({"pyproject.toml": "[tool.audit]\n", "app.py": PY, "web/a.jsx": JSX, "b.ts": TS})
    added = audit("scan", "--add-ignore")
    assert (added.code, added.out, added.err) == (0, "", "Added 6 ignore comments.\n")
    assert (root / "app.py").read_text() == PY_IGNORED
    assert (root / "web/a.jsx").read_text() == JSX_IGNORED
    assert (root / "b.ts").read_text() == TS_IGNORED
    assert audit("scan").out == "No findings; 3 files scanned.\n"
    again = audit("scan", "--add-ignore")  # idempotent
    assert (again.code, again.err) == (0, "Added 0 ignore comments.\n")
    assert (root / "app.py").read_text() == PY_IGNORED


def test_add_ignore_follows_the_selection_and_the_gate(project, audit) -> None:
    root = project({"pyproject.toml": "[tool.audit]\n", "app.py": BARE + "print(1)\n"})
    added = audit("scan", "--add-ignore", "--select", "console-logging")
    assert added.err == "Added 1 ignore comment.\n"
    assert (root / "app.py").read_text() == BARE + "print(1)  # audit: ignore[console-logging]\n"
    refused = audit("scan", "--add-ignore", "--fix")
    assert (refused.code, refused.err) == (
        2,
        "audit: error: --add-ignore writes comments, not fixes: no --fix or --diff\n",
    )


def _reader(stream, into: list[str]) -> threading.Thread:
    def read() -> None:
        for chunk in iter(lambda: stream.read1(4096), b""):
            into.append(chunk.decode("utf-8"))

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def _wait_for(into: list[str], condition, seconds: float = 60.0) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = "".join(into)
        if condition(text):
            return text
        time.sleep(0.05)
    raise AssertionError(f"timed out; output so far: {''.join(into)!r}")


CLEAR = "\x1b[H\x1b[2J\x1b[3J"


def test_watch_scans_again_on_a_change_until_ctrl_c(project) -> None:
    root = project({"pyproject.toml": "[tool.audit]\n", "app.py": "x = 1\n"})
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    process = subprocess.Popen(
        [sys.executable, "-c", "from auditor.cli import main; main()", "scan", "--watch"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
    )
    out: list[str] = []
    err: list[str] = []
    readers = [_reader(process.stdout, out), _reader(process.stderr, err)]
    try:
        first = _wait_for(out, lambda text: "scanned.\n" in text)
        assert first == CLEAR + "No findings; 1 file scanned.\n"
        (root / "app.py").write_text(BARE)
        both = _wait_for(out, lambda text: text.count("scanned.\n") == 2)
        second = both.split(CLEAR)[2]
        assert second == (
            BARE_LINE.format("app.py") + "\n"
            "Found 1 finding (1 critical) in 1 file; 1 file scanned.\n"
            "1 fixable with `audit scan --fix`.\n"
        )
        (root / "new.py").write_text("print(1)\n")  # a new file in a watched folder
        third = _wait_for(out, lambda text: text.count("scanned.\n") == 3).split(CLEAR)[3]
        assert third.splitlines()[1] == PRINT_LINE.format("new.py", 1, 1)
        process.send_signal(signal.SIGINT)  # Ctrl-C
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    for reader in readers:
        reader.join(timeout=5)
    assert "".join(err) == (
        "Starting scan in watch mode...\nFile change detected...\nFile change detected...\n"
    )
