"""A finding's own fix and its alternatives: which one `--fix` applies at each level, what
`--diff`, JSON, SARIF, the cache and the language server show; bare-except's narrowing
as the example, and ruff's verdict on the code its fixes write."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_lsp import apply, server  # noqa: F401  (the fixture)

from auditor.model import Edit, Finding, Fix, Location, Severity
from auditor.scan.cache import finding_from_raw, finding_raw
from auditor.scan.fixer import Level, apply_edits
from auditor.scan.rule_examples import Invalid
from auditor.testing import check_example
from rules.python.bare_except import BareExcept

SOURCE = "import json\n\n\ndef load(text):\n    try:\n        return json.loads(text)\n    except:\n        return None\n"
SAFE = SOURCE.replace("except:", "except Exception:")
NARROWED = (
    "import json\nimport logging as _logging\n\n_logger = _logging.getLogger(__name__)\n\n\n"
    "def load(text):\n    try:\n        return json.loads(text)\n    except json.JSONDecodeError:\n"
    '        _logger.exception("ignored error in load")\n        return None\n'
)
SAFE_TITLE = "replace `except:` with `except Exception:`"
NARROW_TITLE = (
    "name what the `try` body raises: `except json.JSONDecodeError:` and log the ignored "
    "error with `_logger.exception` (unsafe: any other exception now propagates)"
)


def _fix(applicability: str, text: str = "x") -> Fix:
    return Fix((Edit(0, 0, text),), text, "safe" if applicability == "safe" else "unsafe")


def _finding(fix: Fix | None, *alternatives: Fix) -> Finding:
    at = Location(1, 1)
    return Finding("r", Severity.LOW, "a.py", at, at, "m", fix, alternatives=alternatives)


# --- which fix a level applies ----------------------------------------------------------------


def test_the_most_capable_allowed_fix_wins() -> None:
    safe, unsafe = _fix("safe", "s"), _fix("unsafe", "u")
    both = _finding(safe, unsafe)
    assert both.fixes == (safe, unsafe)
    assert (both.fix_for(False), both.fix_for(True)) == (safe, unsafe)
    assert both.fix_for(True, alternatives=False) == safe
    assert Level(unsafe=True).pick(both) == _finding(unsafe)  # instead of, not besides
    assert Level(unsafe=False).pick(both) == _finding(safe)
    only_unsafe = _finding(unsafe)
    assert (only_unsafe.fix_for(False), only_unsafe.fix_for(True)) == (None, unsafe)
    assert Level(unsafe=False).pick(only_unsafe) is None
    with pytest.raises(ValueError, match="without a fix"):
        _finding(None, unsafe)


def test_the_cache_round_trips_alternatives() -> None:
    finding = _finding(_fix("safe", "s"), _fix("unsafe", "u"), _fix("unsafe", "v"))
    raw = json.loads(json.dumps(finding_raw(finding)))
    assert finding_from_raw("a.py", raw) == finding
    with pytest.raises(ValueError):
        finding_from_raw("a.py", raw[:10])  # an entry written before alternatives: a miss


# --- the harness ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "wrong",
    [
        Invalid(SOURCE, fixed=SAFE),  # the alternative's code is not stated
        Invalid(SOURCE, fixed=SAFE, unsafe_fixed=SAFE),  # ...or not what it writes
        Invalid(SOURCE, fixed=NARROWED, unsafe_fixed=NARROWED),  # `fixed` is the own fix
        Invalid(
            "try:\n    run()\nexcept:\n    pass\n",
            fixed="try:\n    run()\nexcept Exception:\n    pass\n",
            unsafe_fixed="x",
        ),  # no alternative offered there
    ],
)
def test_the_harness_holds_examples_to_their_alternatives(wrong: Invalid) -> None:
    with pytest.raises(AssertionError):
        check_example(BareExcept, wrong)


def test_the_harness_accepts_both_codes() -> None:
    check_example(BareExcept, Invalid(SOURCE, fixed=SAFE, unsafe_fixed=NARROWED))


# --- ruff on what the fixes write -------------------------------------------------------------


def _ruff() -> str:
    found = Path(sys.executable).with_name("ruff")
    return str(found) if found.exists() else shutil.which("ruff") or "ruff"


def test_the_fixed_examples_pass_ruffs_import_and_logging_rules(tmp_path: Path) -> None:
    """What either fix writes trades no finding for another: imports sorted as isort
    sorts them (I001), logging calls as ruff's LOG and G rules want them."""
    codes = {}
    for n, example in enumerate(BareExcept.INVALID):
        for kind, code in (("fixed", example.expected), ("unsafe", example.expected_unsafe)):
            if code is not None:
                codes[f"{kind}_{n}.py"] = code
    assert sum(name.startswith("unsafe") for name in codes) >= 10
    for name, code in codes.items():
        (tmp_path / name).write_text(code)
    done = subprocess.run(
        [_ruff(), "check", "--isolated", "--select", "I,LOG,G", "--output-format", "concise", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# --- the command line -------------------------------------------------------------------------


def test_fix_writes_the_safe_fix_and_unsafe_fixes_the_alternative(project, audit) -> None:
    root = project({"app.py": SOURCE})
    assert audit("scan", "--fix").code == 0
    assert (root / "app.py").read_text() == SAFE
    root = project({"app.py": SOURCE})
    result = audit("scan", "--fix", "--unsafe-fixes")
    assert result.code == 0, result.out
    assert (root / "app.py").read_text() == NARROWED
    assert audit("scan", "--fix", "--unsafe-fixes").code == 0  # nothing left


def test_diff_shows_the_fix_of_the_level(project, audit) -> None:
    root = project({"app.py": SOURCE})
    safe = audit("scan", "--diff")
    assert "-    except:\n+    except Exception:\n" in safe.out
    unsafe = audit("scan", "--diff", "--unsafe-fixes")
    assert "+    except json.JSONDecodeError:\n" in unsafe.out
    assert "+import logging as _logging\n" in unsafe.out
    assert "Exception:" not in unsafe.out
    assert (root / "app.py").read_text() == SOURCE


def test_json_lists_the_fix_and_its_alternative(project, audit) -> None:
    project({"app.py": SOURCE})
    document = json.loads(audit("scan", "--format", "json").out)
    (finding,) = document["findings"]
    assert (finding["fix"]["description"], finding["fix"]["applicability"]) == (SAFE_TITLE, "safe")
    (alternative,) = finding["alternatives"]
    assert (alternative["description"], alternative["applicability"]) == (NARROW_TITLE, "unsafe")
    edits = [Edit(e["start"], e["end"], e["text"]) for e in alternative["edits"]]
    assert apply_edits(SOURCE, edits) == NARROWED
    assert document["summary"]["fixable"] == {"safe": 1, "unsafe": 0}
    again = json.loads(audit("scan", "--format", "json").out)  # from the cache
    assert again["findings"] == document["findings"]


def test_sarif_gives_both_fixes_saying_which_is_unsafe(project, audit) -> None:
    project({"app.py": SOURCE})
    (result,) = json.loads(audit("scan", "--format", "sarif").out)["runs"][0]["results"]
    safe, unsafe = result["fixes"]
    assert safe["description"]["text"] == f"{SAFE_TITLE} (safe fix)"
    assert unsafe["description"]["text"] == f"{NARROW_TITLE} (unsafe fix, needs --unsafe-fixes)"
    assert [f["properties"]["applicability"] for f in result["fixes"]] == ["safe", "unsafe"]
    (change,) = unsafe["artifactChanges"]
    edits = [
        Edit(
            r["deletedRegion"]["charOffset"],
            r["deletedRegion"]["charOffset"] + r["deletedRegion"]["charLength"],
            r["insertedContent"]["text"],
        )
        for r in change["replacements"]
    ]
    assert apply_edits(SOURCE, edits) == NARROWED


# --- the language server ----------------------------------------------------------------------


def test_a_quick_fix_for_each_fix_the_unsafe_one_labelled(server) -> None:  # noqa: F811
    client = server({})
    client.open("app.py", SOURCE)
    [found] = client.diagnostics("app.py")
    safe, narrow, suppress = client.actions("app.py", (6, 4), (6, 4), ["quickfix"])
    assert (safe["title"], safe["isPreferred"]) == (f"Fix: {SAFE_TITLE}", True)
    assert (narrow["title"], narrow.get("isPreferred", False)) == (
        f"Fix: {NARROW_TITLE}",  # the description says (unsafe: ...) itself
        False,
    )
    assert safe["diagnostics"] == narrow["diagnostics"] == [found]
    assert apply(SOURCE, safe["edit"]) == SAFE
    assert apply(SOURCE, narrow["edit"]) == NARROWED
    assert suppress["title"] == "Suppress with `# audit: ignore[bare-except]`"
    [fix_all] = client.actions("app.py", (0, 0), (0, 0), ["source.fixAll.audit"])
    assert apply(SOURCE, fix_all["edit"]) == SAFE  # audit.unsafeFixes is off
    assert client.close() == 0


def test_fix_all_with_unsafe_fixes_applies_the_alternative(server) -> None:  # noqa: F811
    client = server({}, unsafeFixes=True)
    client.open("app.py", SOURCE)
    client.diagnostics("app.py")
    [fix_all] = client.actions("app.py", (0, 0), (0, 0), ["source.fixAll.audit"])
    assert apply(SOURCE, fix_all["edit"]) == NARROWED
    assert client.close() == 0


# --- the table --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("int(x)", ("ValueError", "TypeError")),
        ("json.loads(s)", ("json.JSONDecodeError",)),
        ("json.loads(s)\nint(s)", ("ValueError", "TypeError")),  # a subclass of ValueError
        ("os.environ['HOME']", ("KeyError",)),
        ("os.environ.get('HOME')\nos.path.join(a, b)", ()),
        ("sys.argv[1]", ("IndexError",)),
        ("d[k]", ("LookupError",)),
        ("d['k']\nitems[-1]", ("KeyError", "IndexError")),
        ("items[1:]", ()),
        ("a / b", ("ZeroDivisionError",)),
        ("'%s' % a", ()),
        ("text = 'a,b'\ntext.split(',')[2]", ("IndexError",)),
        ("os.remove(p)\nshutil.rmtree(p)", ("OSError",)),
        ("Path(p).read_text()", ("OSError", "UnicodeDecodeError")),
        ("requests.get(u).raise_for_status()", ("requests.RequestException",)),
        ("getattr(o, 'x')\ngetattr(o, 'y', None)", ("AttributeError",)),
        ("next(it)", ("StopIteration",)),
        ("raise ValueError('x')", ("ValueError",)),
        ("import yaml", ("ImportError",)),
        ("x.y.z = 1\nobj.attr", ()),  # attribute access is not counted
        ("run()", None),  # the project's own code
        ("obj.method()", None),  # an object of unknown kind
        ("with lock:\n    pass", None),
        ("yield 1", None),
        ("raise", None),
    ],
)
def test_what_a_body_raises(body: str, expected: tuple[str, ...] | None) -> None:
    import textwrap

    import libcst as cst
    from libcst.metadata import MetadataWrapper, ScopeProvider

    from rules.python._raises_walk import Raises, bindings, import_or_builtin

    code = "import json, os, shutil, sys, requests\nfrom pathlib import Path\n\n\ndef f():\n"
    code += textwrap.indent(f"try:\n{textwrap.indent(body, '    ')}\nexcept:\n    pass\n", "    ")
    wrapper = MetadataWrapper(cst.parse_module(code))
    scopes = wrapper.resolve(ScopeProvider)
    module = wrapper.module
    (try_,) = [n for n in scopes if isinstance(n, cst.Try)]

    def qualified(node: cst.CSTNode) -> str | None:
        scope = scopes.get(node)
        return None if scope is None else import_or_builtin(scope.get_qualified_names_for(node))

    walk = Raises(qualified, scopes.get, bindings(module))
    assert walk.of_body(try_.body.body) == expected
