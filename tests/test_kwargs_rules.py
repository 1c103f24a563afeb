"""unvalidated-kwargs and ignored-kwargs beyond their own examples: configured options,
the command line, fix safety levels, and what the inserted check does when it runs."""

from __future__ import annotations

import pytest

from auditor.testing import fix_all, run_rule
from rules.python.ignored_kwargs import IgnoredKwargs
from rules.python.unvalidated_kwargs import UnvalidatedKwargs

SELECT = ("--select", "unvalidated-kwargs,ignored-kwargs")

APP = """\
class Booking(Base):
    pass


def book(**kwargs):
    return Booking(**kwargs)


def search(**filters):
    return repo.find_where(**filters)


def cancel(booking, **kwargs):
    reason = kwargs.get("reason")
    booking.cancel(reason)
"""


def test_scan_reports_both_rules_with_positions(project, audit) -> None:
    project({"app.py": APP})
    result = audit("scan", *SELECT, "--fail-on", "none")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].startswith(
        "app.py:6:12: critical unvalidated-kwargs mass assignment: `**kwargs` of `book()` "
        "is passed to the model constructor `Booking()`; accept only known keys first"
    )
    assert lines[1] == (
        "app.py:13:21: medium ignored-kwargs `**kwargs` of `cancel()` is only read by literal "
        'keys ("reason"); unknown or misspelt keyword arguments are silently ignored'
    )
    assert lines[2] == "Found 2 findings (1 critical, 1 medium) in 1 file; 1 file scanned."
    assert audit("scan", *SELECT).code == 1  # critical fails the default gate


def test_options_from_config(project, audit) -> None:
    project(
        {
            "app.py": APP,
            "pyproject.toml": """\
[tool.audit.rules.unvalidated-kwargs]
extend-sinks = ["repo.find_where"]
model-bases = ["Document"]
validators = ["BookingIn"]
""",
        }
    )
    out = audit("scan", "--select", "unvalidated-kwargs", "--fail-on", "none").out
    # `Base` is no longer a model base; the configured sink is one.
    assert out.splitlines()[0].startswith(
        "app.py:10:12: critical unvalidated-kwargs mass assignment: `**filters` of "
        "`search()` is passed to `repo.find_where()`"
    )
    assert out.splitlines()[1].startswith("Found 1 finding")


def test_sinks_option_replaces_the_defaults() -> None:
    code = "def f(**kw):\n    a.objects.create(**kw)\n    b.store(**kw)\n"
    assert len(run_rule(UnvalidatedKwargs, code, "x.py")) == 1
    findings = run_rule(UnvalidatedKwargs, code, "x.py", {"sinks": ("b.store",)})
    assert [f.start.line for f in findings] == [3]
    findings = run_rule(UnvalidatedKwargs, code, "x.py", {"extend-sinks": ("b.store",)})
    assert [f.start.line for f in findings] == [2, 3]


def test_models_and_validators_options() -> None:
    code = "def f(**kw):\n    check(kw)\n    return app.models.Room(**kw)\n"
    assert run_rule(UnvalidatedKwargs, code, "x.py") == []
    assert len(run_rule(UnvalidatedKwargs, code, "x.py", {"models": ("Room",)})) == 1
    assert len(run_rule(UnvalidatedKwargs, code, "x.py", {"models": ("app.models.*",)})) == 1
    options = {"models": ("Room",), "validators": ("check",)}
    assert run_rule(UnvalidatedKwargs, code, "x.py", options) == []


def test_bad_option_type_is_a_config_error(project, audit) -> None:
    project(
        {
            "app.py": APP,
            "pyproject.toml": "[tool.audit.rules.unvalidated-kwargs]\nsinks = 'x.create'\n",
        }
    )
    result = audit("scan", *SELECT)
    assert result.code == 2
    assert "'tool.audit.rules.unvalidated-kwargs.sinks' must be a list of strings" in result.err


def test_fix_is_unsafe_and_applied_only_when_asked(project, audit) -> None:
    root = project({"app.py": APP})
    before = (root / "app.py").read_text()
    audit("scan", *SELECT, "--fix", "--fail-on", "none")
    assert (root / "app.py").read_text() == before
    result = audit("scan", *SELECT, "--fix", "--unsafe-fixes", "--fail-on", "none")
    assert result.code == 0
    fixed = (root / "app.py").read_text()
    assert 'unexpected = set(kwargs) - {"reason"}' in fixed
    compile(fixed, "app.py", "exec")
    again = audit("scan", "--select", "ignored-kwargs", "--fail-on", "none")
    assert again.out.startswith("No findings")


def test_extend_safe_fixes_promotes_the_fix(project, audit) -> None:
    root = project(
        {"app.py": APP, "pyproject.toml": "[tool.audit]\nextend-safe-fixes = ['ignored-kwargs']\n"}
    )
    audit("scan", "--select", "ignored-kwargs", "--fix", "--fail-on", "none")
    assert "raise TypeError" in (root / "app.py").read_text()


def test_suppression_comment(project, audit) -> None:
    code = APP.replace(
        "    return Booking(**kwargs)",
        "    return Booking(**kwargs)  # audit: ignore[unvalidated-kwargs]",
    )
    project({"app.py": code})
    assert "unvalidated-kwargs" not in audit("scan", *SELECT, "--fail-on", "none").out


def test_rules_command_explains_both(audit) -> None:
    out = audit("rules", "unvalidated-kwargs").out
    assert "mass assignment" in out
    assert "unvalidated-kwargs (critical; python; unsafe fix)" in out
    assert "BookingCreate.model_validate(kwargs).model_dump(exclude_unset=True)" in out
    assert "unsafe fix" in audit("rules", "ignored-kwargs").out


def _fixed_function(code: str, name: str) -> object:
    namespace: dict[str, object] = {}
    exec(fix_all(IgnoredKwargs, code, "x.py"), namespace)
    return namespace[name]


def test_the_inserted_check_rejects_exactly_the_unread_keys() -> None:
    code = (
        "def book(room, **kwargs):\n"
        "    '''Doc.'''\n"
        "    return room, kwargs.get('notes'), kwargs.pop('guests', 1)\n"
    )
    book = _fixed_function(code, "book")
    assert callable(book)
    assert book(1, notes="n", guests=2) == (1, "n", 2)
    assert book(1) == (1, None, 1)
    with pytest.raises(TypeError) as caught:
        book(1, romm=2, gests=3)
    assert str(caught.value) == "book() got unexpected keyword arguments: ['gests', 'romm']"
    assert book.__doc__ == "Doc."  # the docstring is still the first statement


def test_the_check_in_a_method_names_the_class() -> None:
    code = "class Service:\n    def book(self, **kw): return kw['room']\n"
    namespace: dict[str, object] = {}
    exec(fix_all(IgnoredKwargs, code, "x.py"), namespace)
    service = namespace["Service"]
    assert isinstance(service, type)
    with pytest.raises(TypeError, match=r"Service\.book\(\) got unexpected .* \['rom'\]"):
        service().book(rom=1)


FAMILY = """\
def solve(x, **options):
    return options.get("tol")


{use}
"""


@pytest.mark.parametrize(
    ("use", "found"),
    [
        ("SOLVERS = {'newton': solve}", "in a dict"),
        ("CHOICES = [solve, print]", "in a collection"),
        ("default = solve", "assigned"),
        ("def pick():\n    return solve", "returned"),
        ("def each():\n    yield solve", "yielded"),
        ("register(*solve)", "passed to a call"),
        ("register(handler=solve)", "passed to a call"),
        ("del solve, other", "in a collection"),
        ("solve(1, tol=2)\nisinstance(solve, object)", None),  # only called, or a type check
    ],
)
def test_a_function_used_as_a_value_gets_no_fix(use: str, found: str | None) -> None:
    [finding] = run_rule(IgnoredKwargs, FAMILY.format(use=use), "app.py")
    if found is None:
        assert "no fix" not in finding.message
        assert finding.fix is not None
    else:
        assert finding.message.endswith(
            f"(no fix: `solve` is used as a value ({found}), not only called: it may be "
            "chosen at run time with keywords meant for another)"
        )
        assert finding.fix is None
