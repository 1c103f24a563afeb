"""Third-party and local rule plugins: found, run, configured; broken ones named."""

from __future__ import annotations

import os
import textwrap
import uuid
from pathlib import Path

import pytest

from auditor.errors import PluginError
from auditor.scan.loading import check_rule_class
from conftest import BARE, audit_process, write_tree

# Plugins and sources run only in a trusted project (tests/test_trust.py).
pytestmark = pytest.mark.usefixtures("trusted")


RULE_SOURCE = '''
import libcst as cst
from auditor.model import Severity
from auditor.plugins import Invalid, Rule, Valid



class NoTodo(Rule):
    """Flags calls of todo(): placeholders that must not ship."""

    id = "no-todo"
    severity = Severity.HIGH
    message = "todo() placeholder left in the code"
    triggers = ("todo",)
    fix_applicability = "unsafe"
    OPTIONS = {"name": "todo"}

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == self.options["name"]:
            self.report(node, replacement=cst.Name("None"), fix_description="replace with None")

    VALID = [Valid("done()\\n")]
    INVALID = [Invalid("x = todo()\\n", fixed="x = None\\n", line=1, column=5)]
'''


def _installed_plugin(
    site: Path, dist: str, entry: str, target: str, module: str | None
) -> dict[str, str]:
    """A package installed the way pip leaves it: the module and a .dist-info directory
    whose entry_points.txt registers the rule. Returns the environment that sees it."""
    files = {
        f"{dist.replace('-', '_')}-1.0.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n",
        f"{dist.replace('-', '_')}-1.0.dist-info/entry_points.txt": f"[auditor.rules]\n{entry} = {target}\n",
    }
    if module is not None:
        files[f"{module}.py"] = RULE_SOURCE
    write_tree(site, files)
    return {**os.environ, "PYTHONPATH": str(site)}


def test_entry_point_plugin_is_listed_and_run(tmp_path: Path) -> None:
    env = _installed_plugin(
        tmp_path / "site", "acme-rules", "no-todo", "acme_rules:NoTodo", "acme_rules"
    )
    project = tmp_path / "proj"
    write_tree(project, {"app.py": "x = todo()\n" + BARE})
    listed = audit_process("rules", cwd=project, env=env)
    row = next(line for line in listed.out.splitlines() if line.startswith("no-todo "))
    assert row.split() == ["no-todo", "high", "python", "unsafe", "acme-rules[no-todo]"]
    result = audit_process("scan", cwd=project, env=env)
    assert result.code == 1
    assert result.out.splitlines()[:2] == [
        "app.py:1:5: high no-todo todo() placeholder left in the code",
        "app.py:4:1: critical bare-except bare `except:` also catches KeyboardInterrupt and "
        "SystemExit; name the exceptions",
    ]
    # Its fix is unsafe: --fix leaves it, --unsafe-fixes applies it.
    assert audit_process("scan", "--fix", cwd=project, env=env).code == 0
    assert (project / "app.py").read_text().startswith("x = todo()\n")
    audit_process("scan", "--fix", "--unsafe-fixes", cwd=project, env=env)
    assert (project / "app.py").read_text() == "x = None\n" + BARE.replace(
        "except:", "except Exception:"
    )


def test_entry_point_that_fails_to_import(tmp_path: Path) -> None:
    env = _installed_plugin(tmp_path / "site", "acme-broken", "bad", "acme_missing:Rule", None)
    (tmp_path / "app.py").write_text(BARE)
    result = audit_process("scan", cwd=tmp_path, env=env)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "audit: error: acme-broken[bad]: failed to load 'acme_missing:Rule': "
        "ModuleNotFoundError: No module named 'acme_missing'\n"
    )


@pytest.fixture
def local_plugin(project):
    """A rule module in the project, named in [tool.audit] plugins."""

    def make(source: str, extra_config: str = "") -> tuple[Path, str]:
        name = f"local_rules_{uuid.uuid4().hex[:8]}"  # fresh module: imports are cached
        config = f"[tool.audit]\nplugins = ['{name}']\n{extra_config}"
        root = project({f"{name}.py": source, "pyproject.toml": config, "app.py": "x = todo()\n"})
        return root, name

    return make


def test_local_plugin_from_config(local_plugin, audit) -> None:
    root, _ = local_plugin(RULE_SOURCE, "[tool.audit.rules.no-todo]\nname = 'later'\n")
    (root / "app.py").write_text("x = later()\ny = todo()\n")
    result = audit("scan")
    assert (
        result.out.splitlines()[0] == "app.py:1:5: high no-todo todo() placeholder left in the code"
    )
    assert result.code == 0  # high is below the default fail-on level


def test_extend_safe_fixes_promotes_an_unsafe_fix(local_plugin, audit) -> None:
    root, _ = local_plugin(RULE_SOURCE, "extend-safe-fixes = ['no-todo']\n")
    assert audit("scan", "--fix").code == 0
    assert (root / "app.py").read_text() == "x = None\n"


def test_local_plugin_that_breaks_the_contract(local_plugin, audit) -> None:
    root, name = local_plugin(RULE_SOURCE.replace('id = "no-todo"', 'id = "No_Todo"'))
    result = audit("scan")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"audit: error: plugin {name}: rule NoTodo: 'id' must be a kebab-case string (got 'No_Todo')\n"
    )
    assert (root / "app.py").read_text() == "x = todo()\n"


def test_local_plugin_that_raises_on_import(local_plugin, audit) -> None:
    _, name = local_plugin("raise RuntimeError('boom\\nsecond line')\n")
    result = audit("scan")
    assert (result.code, result.err) == (
        2,
        f"audit: error: plugin {name}: failed to import: RuntimeError: boom\n",
    )


def test_rule_id_clashing_with_a_builtin(local_plugin, audit) -> None:
    _, name = local_plugin(RULE_SOURCE.replace('id = "no-todo"', 'id = "bare-except"'))
    result = audit("scan")
    assert result.code == 2
    assert result.err == (
        f"audit: error: plugin {name}: rule id 'bare-except' is already defined by auditor[bare-except]\n"
    )


def test_rule_that_crashes_is_contained(local_plugin, audit) -> None:
    crashing = RULE_SOURCE.replace(
        "        if isinstance(node.func",
        "        raise KeyError('oops')\n        if isinstance(node.func",
    )
    root, _ = local_plugin(crashing)
    (root / "app.py").write_text("x = todo()\n" + BARE)
    result = audit("scan", "--fix")
    assert result.code == 2
    assert [line for line in result.out.splitlines() if line.startswith("app.py")] == [
        "app.py:1:1: critical internal-error rule no-todo failed on this file (KeyError: 'oops'); "
        "its findings here are missing",
    ]
    assert "Fixed 1 finding." in result.out
    # bare-except on the same file was still found and fixed.
    assert "except Exception:" in (root / "app.py").read_text()


@pytest.mark.parametrize(
    ("attribute", "problem"),
    [
        ("severity = 'high'", "'severity' must be an auditor.model.Severity"),
        ("message = ''", "'message' must be a non-empty string"),
        ("languages = frozenset({'cobol'})", "unknown language(s) ['cobol'] in 'languages'"),
        ("triggers = 'todo'", "'triggers' must be a tuple of strings or compiled patterns"),
        (
            "OPTIONS = {'n': None}",
            "'OPTIONS' must map names to bool, int, float, str or tuple of str",
        ),
        ("VALID = ['x = 1']", "'VALID' must hold auditor.plugins.Valid examples"),
        ("id = 'parse-error'", "'id' 'parse-error' is reserved"),
    ],
)
def test_contract_checks(attribute: str, problem: str) -> None:
    namespace: dict[str, object] = {}
    exec(textwrap.dedent(RULE_SOURCE), namespace)  # the test's own plugin code
    base = namespace["NoTodo"]
    broken = type("Broken", (base,), {})  # type: ignore[misc]
    key, _, value = attribute.partition(" = ")
    setattr(broken, key, eval(value))
    with pytest.raises(PluginError) as raised:
        check_rule_class(broken, "acme[x]")
    assert raised.value.message == f"acme[x]: rule Broken: {problem}"


def test_audit_rules_calls_a_rule_with_a_fix_fixable_without_a_fixed_example(
    local_plugin, audit
) -> None:
    # One source of truth (issue 16, bug 8): `audit scan` offers the fix, so `audit rules`
    # says so, though no example shows the fixed code.
    source = RULE_SOURCE.replace(', fixed="x = None\\n"', "")
    assert "fixed=" not in source
    local_plugin(source)
    listed = [line for line in audit("rules").out.splitlines() if line.startswith("no-todo")]
    assert listed and listed[0].split()[3] == "unsafe"
    assert audit("rules", "no-todo").out.startswith("no-todo (high; python; unsafe fix)")
    assert "1 more fixable with `audit scan --fix --unsafe-fixes`." in audit("scan").out


LIST_OPTION_RULE = '''
import libcst as cst
from auditor.plugins import Rule, Severity


class Banned(Rule):
    """Flags calls of the banned names."""

    id = "banned-call"
    severity = Severity.LOW
    message = "a banned call"
    OPTIONS = {"names": ["eval", "exec"], "strict": False}  # a list default, as TOML has it

    def visit_Call(self, node: cst.Call) -> None:
        names: tuple[str, ...] = self.strings_option("names")  # typed: no isinstance needed
        if isinstance(node.func, cst.Name) and node.func.value in names:
            self.report(node, f"{node.func.value}() is banned (strict: {self.bool_option('strict')})")
'''


def test_a_list_default_and_typed_option_reads(local_plugin, audit) -> None:
    root, _ = local_plugin(LIST_OPTION_RULE)
    (root / "app.py").write_text("eval('1')\nrun('2')\n")
    out = audit("scan", "--select", "banned-call", "--fail-on", "none").out.splitlines()
    assert out[0] == "app.py:1:1: low banned-call eval() is banned (strict: False)"
    config = (root / "pyproject.toml").read_text()
    (root / "pyproject.toml").write_text(
        config + '[tool.audit.rules.banned-call]\nnames = ["run"]\nstrict = true\n'
    )
    out = audit("scan", "--select", "banned-call", "--fail-on", "none").out.splitlines()
    assert out[0] == "app.py:2:1: low banned-call run() is banned (strict: True)"


def test_audit_test_runs_a_plugins_examples(local_plugin, audit) -> None:
    root, name = local_plugin(RULE_SOURCE)
    ok = audit("test", name)
    assert (ok.code, ok.out) == (0, "2 examples of 1 rule pass.\n")
    assert audit("test", "no-todo").out == "2 examples of 1 rule pass.\n"
    broken = RULE_SOURCE.replace('fixed="x = None', 'fixed="x = 0')
    assert broken != RULE_SOURCE
    (root / "broken_rules.py").write_text(broken.replace('id = "no-todo"', 'id = "no-todo-2"'))
    failed = audit("test", "broken_rules")
    assert failed.code == 1
    assert failed.out.splitlines() == [
        "FAIL no-todo-2[python] invalid 1: fixed code differs:",
        "1 of 2 examples of 1 rule failed.",
    ]
    unknown = audit("test", "no such")
    assert (unknown.code, unknown.err) == (
        2,
        "audit: error: no such: no such rule id or module (see `audit rules`)\n",
    )


TODO_RULE = '''
import re

from auditor.plugins import Invalid, LineRule, Severity, Valid

_TODO = re.compile(r"(#|//)\\s*TODO\\b")


class NoTodoComment(LineRule):
    """Flags TODO comments, in any language, without parsing the file."""

    id = "todo-comment"
    severity = Severity.LOW
    message = "a TODO left in the code"
    triggers = ("TODO",)
    fix_applicability = "unsafe"

    def check_line(self, number: int, line: str) -> None:
        match = _TODO.search(line)
        if match:
            self.report(number, match.start() + 1, len(line) + 1, replacement="",
                        fix_description="drop the TODO")

    VALID = [Valid("x = 1  # done\\n"), Valid("const x = 1; // done\\n", path="a.ts")]
    INVALID = [
        Invalid("x = 1  # TODO: later\\n", fixed="x = 1  \\n", line=1, column=8),
        Invalid("f();\\n// TODO x\\n", fixed="f();\\n\\n", line=2, column=1, path="a.ts"),
    ]
'''


def test_a_line_rule_reads_lines_in_any_language(local_plugin, audit) -> None:
    root, name = local_plugin(TODO_RULE)
    assert audit("test", name).out == "4 examples of 1 rule pass.\n"
    (root / "app.py").write_text("x = todo()\ny = 2  # TODO: later\n")
    (root / "web.ts").write_text("// TODO in TS\nconst a = 1;\n")
    out = audit("scan", "--select", "todo-comment", "--fail-on", "none", "app.py", "web.ts")
    assert out.out.splitlines()[:2] == [
        "app.py:2:8: low todo-comment a TODO left in the code",
        "web.ts:1:1: low todo-comment a TODO left in the code",
    ]
