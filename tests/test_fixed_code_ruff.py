"""The code the Python rules' fixes write trades no finding for another (issue 25): every
fixed text of every Python rule's examples (`fixed`, `unsafe_fixed`, `fixed_files`,
`unsafe_fixed_files`) passes ruff's logging rules (LOG: no root-logger calls; G: no
f-strings, `.format` or `+` in a logging call's message, arguments as `%` parameters)
and its import sorting (I001), except for a finding the example's code had already
(a redaction keeps an f-string message an f-string)."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import pytest

from auditor.plugins import BaseRule, Invalid
from auditor.scan.loading import load_rules
from auditor.scan.rule_examples import example_source

_FOUND = Path(sys.executable).with_name("ruff")
RUFF = str(_FOUND) if _FOUND.exists() else shutil.which("ruff") or "ruff"
SELECT = "LOG,G,I001"

RULES = sorted(
    (
        cls
        for loaded in load_rules().values()
        for cls in loaded.classes
        if "python" in cls.languages
    ),
    key=lambda cls: cls.id,
)

# Fixed code ruff reports though it is right, with the reason (each must still fail).
# (rule id, text in one of the example's files) -> reason.
KNOWN: dict[tuple[str, str], str] = {
    ("console-logging", "class AppLogger"): (
        "G010 takes every logger in logger-objects for the standard library's: the "
        "project's AppLogger has `warn` and no `warning`, so `warn` is its method"
    ),
}


def _fixed(example: Invalid) -> list[tuple[str, dict[str, str]]]:
    """(what, {path: text after}) of each fixed state the example states."""
    states = []
    for what, own, others in (
        ("fixed", example.expected, example.fixed_files),
        ("unsafe_fixed", example.expected_unsafe, example.unsafe_fixed_files),
    ):
        after = {p: example_source(t) for p, t in others.items() if p.endswith(".py")}
        if own is not None:
            after[example.path] = own
        if after:
            states.append((what, after))
    return states


CASES = [
    pytest.param(
        cls,
        example,
        what,
        after,
        id=f"{cls.id}-invalid-{i}-{what}",
        marks=[
            pytest.mark.xfail(strict=True, reason=reason)
            for (rule, text), reason in KNOWN.items()
            if rule == cls.id and any(text in t for t in example.files.values())
        ],
    )
    for cls in RULES
    for i, example in enumerate(cls.INVALID)
    for what, after in _fixed(example)
]


def _ruff(files: Mapping[str, str], checked: list[str], root: Path) -> Counter[tuple[str, str]]:
    """(path, code) of each finding of ruff on `checked` in a project holding `files`
    (first-party packages are told by ruff from the project's folders)."""
    shutil.rmtree(root, ignore_errors=True)
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    # ruff checks the calls of loggers it knows: `logging.getLogger`'s, and the objects
    # named in `logger-objects`, here every logger the files import by name.
    objects = sorted({*_imported_loggers(files), "loguru.logger"})
    config = f"lint.logger-objects = {json.dumps(objects)}"
    command = [RUFF, "check", "--isolated", "--no-cache", "--select", SELECT, "--config", config]
    done = subprocess.run(
        [*command, "--output-format", "json", *[p for p in checked if p in files]],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return Counter(
        (Path(f["filename"]).relative_to(root).as_posix(), f["code"])
        for f in json.loads(done.stdout)
    )


def _imported_loggers(files: Mapping[str, str]) -> set[str]:
    found: set[str] = set()
    for text in files.values():
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.update(
                    f"{node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.lower().strip("_") in LOGGER_NAMES
                )
    return found


LOGGER_NAMES = frozenset({"logger", "log"})


def test_every_rule_with_fixes_has_cases() -> None:
    ids = {str(param.id).split("-invalid-")[0] for param in CASES}
    assert {"console-logging", "bare-except", "pii-logging"} <= ids


@pytest.mark.skipif(not Path(RUFF).exists(), reason="ruff is not installed")
@pytest.mark.parametrize(("cls", "example", "what", "after"), CASES)
def test_fixed_code_passes_ruff_logging_and_import_rules(
    cls: type[BaseRule], example: Invalid, what: str, after: dict[str, str], tmp_path: Path
) -> None:
    before_files = {p: example_source(t) for p, t in example.files.items()}
    before_files[example.path] = example.source
    checked = sorted(after)
    before = _ruff(before_files, checked, tmp_path / "before")
    found = _ruff({**before_files, **after}, checked, tmp_path / "after")
    added = found - before
    assert not added, f"{what} adds ruff findings {dict(added)}:\n" + "\n".join(
        f"--- {p}\n{after[p]}" for p in checked
    )
