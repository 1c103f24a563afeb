"""Properties of every fix over generated Python modules: the fixed module compiles, a second
pass changes nothing, nothing fixable is left, and no fix is refused or crashes."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.config import Config
from auditor.scan.engine import Engine
from auditor.scan.fixer import fix_text, fixable
from auditor.scan.loading import load_rules, resolve_rules
from auditor.scan.python_check import check_fix

RULES = [
    r for r in resolve_rules(Config(root=Path(".")), load_rules()) if "python" in r.cls.languages
]
ENGINE = Engine(RULES)

NAMES = st.sampled_from(["a", "b", "data", "item", "logger", "log", "value", "os", "path", "kw"])
STRINGS = st.sampled_from(['"x"', "'done'", '"100% sure"', 'f"n={a}"', '"a %s b"', "'é'"])
ARGS = st.lists(st.one_of(NAMES, STRINGS), min_size=0, max_size=3)


@st.composite
def print_call(draw: st.DrawFn) -> str:
    args = draw(ARGS)
    extra = draw(
        st.sampled_from(
            ["", "sep=''", "sep='-'", "end=''", "file=sys.stderr", "file=handle", "flush=True"]
        )
    )
    star = draw(st.sampled_from(["", "", "", "*items"]))
    parts = [*args, *([star] if star else []), *([extra] if extra else [])]
    return f"print({', '.join(parts)})"


SIMPLE = st.one_of(
    print_call(),
    st.builds(lambda n, s: f"{n} = {s}", NAMES, STRINGS),
    st.builds(lambda n: f"value = os.environ[{n!r}]", st.sampled_from(["HOME", "TOKEN"])),
    st.builds(lambda n: f"value = os.getenv({n!r}, 'x')", st.sampled_from(["DEBUG", "PORT"])),
    st.just("pass"),
    st.just("# a comment"),
)


def indent(lines: list[str], by: str = "    ") -> list[str]:
    return [by + line if line else line for line in lines]


@st.composite
def block(draw: st.DrawFn, depth: int, in_function: bool) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(
            st.sampled_from(
                ["simple", "simple", "try", "if", "def", "class"] if depth < 3 else ["simple"]
            )
        )
        if kind == "simple":
            lines.append(draw(SIMPLE))
        elif kind == "try":
            handler = draw(
                st.sampled_from(
                    [
                        "pass",
                        "raise",
                        "print('failed')",
                        "return None" if in_function else "pass",
                        "value = 1\nraise",
                    ]
                )
            )
            typed = draw(st.sampled_from(["except:", "except:", "except ValueError:", "except :"]))
            lines += [
                "try:",
                *indent(draw(block(depth + 1, in_function))),
                typed,
                *indent(handler.split("\n")),
            ]
            if draw(st.booleans()):
                lines += ["finally:", "    pass"]
        elif kind == "if":
            test = draw(st.sampled_from(["a", "__name__ == '__main__'", "value"]))
            lines += [f"if {test}:", *indent(draw(block(depth + 1, in_function)))]
        elif kind == "def":
            name = draw(st.sampled_from(["load", "save", "_private", "__init__", "update"]))
            reads = draw(st.sampled_from(["", "kw.get('a')", "kw['b']", "kw.pop('c', None)"]))
            body = draw(block(depth + 1, True))
            if reads:
                body = [f"x = {reads}", *body]
            params = draw(st.sampled_from(["(a, **kw)", "(self, **kw)", "(a)", "(*args, **kw)"]))
            lines += [f"def {name}{params}:", *indent(body)]
        else:
            lines += ["class Thing:", *indent(draw(block(depth + 1, False)))]
    return lines


@st.composite
def module(draw: st.DrawFn) -> str:
    head = draw(st.sampled_from(['"""Docstring."""', "from __future__ import annotations", ""]))
    imports = draw(
        st.lists(
            st.sampled_from(["import os", "import sys", "import logging", "from os import path"]),
            unique=True,
        )
    )
    binding = draw(st.sampled_from(["", "logger = logging.getLogger(__name__)", "logger = 1"]))
    if binding.startswith("logger = logging") and "import logging" not in imports:
        imports.append("import logging")
    body = draw(block(0, False))
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    lines = [line for line in [head, *imports, binding] if line] + [
        "",
        "handle = items = None",
        *body,
    ]
    text = newline.join(lines)
    return text + (newline if draw(st.booleans()) else "")


def scan(text: str) -> list:  # type: ignore[type-arg]
    # As `audit scan --fix`: the fixes the ast rules offer are computed (`fixes=True`).
    return ENGINE.scan_text("pkg/mod.py", "python", text, fixes=True)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(module())
def test_fixes_compile_settle_and_leave_nothing_fixable(source: str) -> None:
    try:
        compile(source, "mod.py", "exec")
    except SyntaxError:
        return  # a generated combination Python rejects (return outside a function): not our case
    findings = scan(source)
    assert not [f for f in findings if f.is_error], findings
    outcome = fix_text(
        source,
        findings,
        scan,
        lambda before, after, edits: check_fix(before, after, edits),
        unsafe=True,
    )
    errors = [f.message for f in outcome.findings if f.is_error]
    assert errors == [], f"{errors}\n--- source\n{source}"
    compile(outcome.text, "mod.py", "exec")
    assert not [f for f in outcome.findings if fixable(f, True)]
    again = fix_text(
        outcome.text, scan(outcome.text), scan, lambda b, a, e: check_fix(b, a, e), unsafe=True
    )
    assert again.text == outcome.text
    # Untouched newlines keep their style.
    if "\r\n" in source:
        assert "\r\n" in outcome.text
