"""console-logging beyond its examples: fix safety through the CLI, and fixed modules that
still import and log exactly the text they used to print."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rules.python.console_logging import ConsoleLogging

SELECT = ("--select", "console-logging")
PRINTS = "def report(total):\n    print('total', total)\n"
LOGS = (
    "import logging as _logging\n\n_logger = _logging.getLogger(__name__)\n\n\n"
    "def report(total):\n    _logger.info('total %s', total)\n"
)


def test_fix_alone_leaves_the_unsafe_fix_unapplied(project, audit) -> None:
    root = project({"shop/report.py": PRINTS})
    result = audit("scan", "--fix", *SELECT)
    assert result.code == 1
    assert "1 more fixable with `audit scan --fix --unsafe-fixes`." in result.out
    assert (root / "shop/report.py").read_text() == PRINTS


def test_unsafe_fixes_apply_it_and_a_second_fix_changes_nothing(project, audit) -> None:
    root = project({"shop/report.py": PRINTS})
    assert audit("scan", "--fix", "--unsafe-fixes", *SELECT).code == 0
    assert (root / "shop/report.py").read_text() == LOGS
    again = audit("scan", "--fix", "--unsafe-fixes", *SELECT)
    assert (again.code, again.out) == (0, "No findings; 1 file scanned.\n")
    assert (root / "shop/report.py").read_text() == LOGS


def test_extend_safe_fixes_promotes_it(project, audit) -> None:
    config = '[tool.audit]\nextend-safe-fixes = ["console-logging"]\n'
    root = project({"pyproject.toml": config, "shop/report.py": PRINTS})
    assert audit("scan", "--fix", *SELECT).code == 0
    assert (root / "shop/report.py").read_text() == LOGS


def test_options_from_config(project, audit) -> None:
    config = (
        "[tool.audit.rules.console-logging]\n"
        'allow = ["shop/cli.py", "scripts/"]\n'
        'stderr-level = "warning"\n'
    )
    warn = "import sys\n\n\ndef fail():\n    print('no', file=sys.stderr)\n"
    root = project(
        {
            "pyproject.toml": config,
            "shop/cli.py": PRINTS,
            "scripts/seed.py": PRINTS,
            "shop/fail.py": warn,
        }
    )
    result = audit("scan", "--fix", "--unsafe-fixes", *SELECT)
    assert result.code == 0
    assert (root / "shop/cli.py").read_text() == PRINTS
    assert (root / "scripts/seed.py").read_text() == PRINTS
    assert "logger.warning('no')" in (root / "shop/fail.py").read_text()


def test_an_unknown_level_is_named(project, audit) -> None:
    config = '[tool.audit.rules.console-logging]\nstdout-level = "loud"\n'
    project({"pyproject.toml": config, "app.py": PRINTS})
    result = audit("scan", *SELECT)
    assert result.code == 2
    assert "option 'stdout-level' must be one of debug, info, warning, error" in result.out


def test_the_docstring_says_what_why_example_fix_and_safety() -> None:
    doc = ConsoleLogging.explanation()
    for needle in ("Finds calls of the builtin `print`", "Why:", "Example:", "Fix (unsafe)"):
        assert needle in doc
    assert "--unsafe-fixes" in doc and "extend-safe-fixes" in doc
    assert ConsoleLogging.fix_applicability == "unsafe"


# --- fixed modules still import, and log what they printed ------------------------------

MODULES = {
    "shop/__init__.py": "",
    "shop/compat.py": "logging = 'not the logging module'\n",
    # Docstring, future import, a print at import time, dataclass methods, folding.
    "shop/cart.py": '''"""Shopping cart."""

from __future__ import annotations

import os
from dataclasses import dataclass

print("cart loaded:", os.path.basename(__file__))


@dataclass
class Item:
    name: str
    price: int

    def show(self) -> None:
        print(f"{self.name}: {self.price}")


def total(items: list[Item], verbose: bool = False) -> int:
    amount = sum(i.price for i in items)
    if verbose:
        print("total", amount, "for", len(items), "items", sep=" | ")
    print("100% of", amount, "%s", sep="")
    print(amount)
    print("rate: 5%")
    return amount
''',
    # `logging` shadowed, `logger` taken, lambdas, comprehensions, a class-body print.
    "shop/util.py": """from shop.compat import logging


def configure(logger):
    return logger


shout = lambda word: print(word.upper(), "!", sep="")


class Registry:
    print("registry defined", logging)

    def dump(self, rows):
        [print("row", i, row) for i, row in enumerate(rows)]
""",
    # An existing logger (under another name and import alias), stderr by any spelling.
    "shop/existing.py": """import sys
import logging as lg
from sys import stderr

log = lg.getLogger("shop.existing")


def fail(reason):
    print("failed:", reason, file=sys.stderr)
    print("giving up", file=stderr, flush=True)
    print("done", file=None)
""",
    # A print before the last import; a function called at import time.
    "shop/early.py": """import os
print("early", os.sep == "/")


def setup():
    print("setup ran")


setup()
import sys
""",
    # A module that is one print, without a final newline.
    "shop/hello.py": 'print("hello")',
    # CRLF line ends, a print in a function, a main guard that keeps its print.
    "shop/crlf.py": "import os\r\n\r\n\r\ndef where():\r\n    print('cwd', os.sep)\r\n"
    "\r\n\r\nif __name__ == '__main__':\r\n    print('run as a script')\r\n",
    # Multi-line call with comments, builtins.print, `import logging` only in a function.
    "shop/multi.py": """import builtins


def report(a, b):
    import logging

    print(  # two values
        "a =",
        a,  # first
        "b =",
        b,
    )
    builtins.print("via builtins")
""",
}

DRIVER = """
import logging, sys
sys.stderr = sys.stdout  # what print(file=sys.stderr) wrote, in order
logging.basicConfig(stream=sys.stdout, format="%(message)s", level=logging.DEBUG)
from shop import cart, util, existing, early, hello, crlf, multi
cart.Item("pen", 3).show()
cart.total([cart.Item("pen", 3), cart.Item("ink", 4)], verbose=True)
util.shout("hey")
util.Registry().dump(["x", "y"])
existing.fail("disk full")
crlf.where()
multi.report(1, [2])
"""


def run_driver(root: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", DRIVER],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_fixed_modules_import_and_log_what_they_printed(project, audit) -> None:
    root = project(dict(MODULES))
    printed = run_driver(root)
    assert "100% of7%s" in printed  # the driver exercises the tricky prints

    result = audit("scan", "--fix", "--unsafe-fixes", *SELECT)
    assert result.code == 0, result.out
    for name in MODULES:
        text = (root / name).read_bytes().decode()
        compile(text, name, "exec")
        if name.endswith(("cart.py", "util.py", "early.py", "hello.py", "multi.py")):
            assert "print(" not in text, name
    crlf = (root / "shop/crlf.py").read_bytes()
    assert crlf.count(b"\n") == crlf.count(b"\r\n")
    assert b"print('run as a script')" in crlf

    assert run_driver(root) == printed
    again = audit("scan", "--fix", "--unsafe-fixes", *SELECT)
    assert (again.code, again.out) == (0, f"No findings; {len(MODULES)} files scanned.\n")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "shop/util.py",
            "import logging as _logging\n\nfrom shop.compat import logging\n\n"
            "_logger = _logging.getLogger(__name__)",
        ),
        ("shop/existing.py", 'log.error("failed: %s", reason)'),
        (
            "shop/early.py",
            "import logging as _logging\nimport os\n\n_logger = _logging.getLogger(__name__)\n",
        ),
        (
            "shop/cart.py",
            "from __future__ import annotations\n\nimport logging as _logging\nimport os\n",
        ),
    ],
)
def test_fixed_module_shapes(project, audit, name: str, expected: str) -> None:
    root = project(dict(MODULES))
    assert audit("scan", "--fix", "--unsafe-fixes", *SELECT).code == 0
    assert expected in (root / name).read_text()


def test_fix_where_libcst_does_not_reproduce_the_file(project, audit) -> None:
    # libcst 1.9 writes `except (A, B) :` without the space; the engine maps LibCST's
    # offsets back onto the file, so the fix lands in the right place and the space stays.
    code = "try:\n    a()\nexcept (A, B) :\n    pass\ny = 1; print(x)\n"
    root = project({"app.py": code})
    result = audit("scan", "--fix", "--unsafe-fixes", *SELECT)
    assert (result.code, "fix-error" in result.out) == (0, False)
    assert (root / "app.py").read_text() == (
        "import logging as _logging\n\n_logger = _logging.getLogger(__name__)\n"
        'try:\n    a()\nexcept (A, B) :\n    pass\ny = 1; _logger.info("%s", x)\n'
    )


def test_the_fixed_examples_pass_ruffs_import_sorting_and_logging_rules(tmp_path) -> None:
    """The print fix's `import logging` lands where isort puts it (I001), and its calls
    are what ruff's LOG and G rules want (no f-strings, %-arguments): what the fix writes
    trades no finding for another."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    codes = {
        f"fixed_{n}.py": example.expected
        for n, example in enumerate(ConsoleLogging.INVALID)
        if example.expected is not None and "import logging" in example.expected
    }
    assert len(codes) >= 10
    for name, code in codes.items():
        (tmp_path / name).write_text(code)
    ruff = Path(sys.executable).with_name("ruff")
    program = str(ruff) if ruff.exists() else shutil.which("ruff") or "ruff"
    done = subprocess.run(
        [program, "check", "--isolated", "--select", "I,LOG,G", "--output-format", "concise", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
