"""The language server's incremental scan of a Python document: the same findings as a
scan of the whole text after every change, found on the changed statements alone when
the change is inside a function body."""

from __future__ import annotations

import random

import libcst as cst
import pytest

from auditor.model import Finding
from auditor.scan import python
from auditor.scan.loading import ActiveRule, load_rules, merge_options
from auditor.scan.python_document import Document, _Version
from auditor.scan.python_splice import Splice, first_block, splice, statement_starts

PATH = "app/views.py"

MODULE = '''\
"""Views."""
import os
from os import environ


def first(request):
    try:
        return compute(request)
    except:
        print("failed", request)
    # a comment at the body's indentation

# a comment between functions


@decorated(timeout=3)
def second(value, *, retries=2, **options):
    """Second."""
    for attempt in range(retries):
        print(attempt)  # a trailing comment
    return Model.objects.create(**options)


class Handler(Base):
    limit = int(os.environ["LIMIT"])

    def handle(self, **kwargs):
        name = kwargs["name"]
        return name

    def other(self):
        try:
            pass
        except:
            raise

def third():
	value = environ.get("TOKEN")
	return value


def fourth(x):
    if x:
        return os.getenv("HOME")
    print(x)
# trailing comment at the end
'''


def _rules() -> list[ActiveRule]:
    loaded = load_rules()
    return [
        ActiveRule(cls, cls.severity, merge_options(cls, {}, "test"), False)
        for rule in loaded.values()
        for cls in rule.classes
        if "python" in cls.languages
    ]


RULES = _rules()


def _sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.sort_key(), repr(f)))


def _last(text: str) -> _Version:
    module = cst.parse_module(text)
    starts = statement_starts(module, text)
    assert starts is not None
    return _Version(text, module, starts, first_block(module), {}, {}, frozenset())


def _edit(text: str, rng: random.Random) -> str:
    lines = text.splitlines(True)
    at = rng.randrange(len(lines))
    line = lines[at]
    kind = rng.randrange(6)
    if kind == 0:
        column = rng.randrange(len(line))
        lines[at] = line[:column] + rng.choice("x_ (:#'\"") + line[column:]
    elif kind == 1 and len(line) > 1:
        column = rng.randrange(len(line) - 1)
        lines[at] = line[:column] + line[column + 1 :]
    elif kind == 2:
        lines.insert(at, rng.choice(["\n", "    # typed\n", "# typed\n", "        # deep\n"]))
    elif kind == 3:
        del lines[at]
    elif kind == 4:
        lines.insert(at, line)
    else:
        indent = line[: len(line) - len(line.lstrip())]
        lines.insert(at, indent + rng.choice(["print(x)\n", "_logger = 1\n", "pass\n"]))
    return "".join(lines)


def _valid_edits(count: int, seed: int) -> list[str]:
    """Texts CPython compiles, each one random edit away from the one before."""
    rng = random.Random(seed)
    texts, text = [], MODULE
    while len(texts) < count:
        candidate = _edit(text, rng)
        try:
            compile(candidate, PATH, "exec", dont_inherit=True)
        except SyntaxError:
            continue
        texts.append(candidate)
        text = candidate
    return texts


def test_a_splice_is_the_tree_a_full_parse_gives() -> None:
    spliced = 0
    previous = MODULE
    for text in _valid_edits(200, seed=1):
        result = splice(_last(previous), text)
        full = cst.parse_module(text)
        if result is not None:
            spliced += 1
            assert result.module.deep_equals(full), text
            assert result.starts == statement_starts(full, text)
        previous = text
    assert spliced > 100  # most edits are inside a statement after the first block


def test_incremental_findings_are_those_of_a_full_scan() -> None:
    document = Document()
    document.run(PATH, MODULE, RULES, True, None)
    for text in _valid_edits(100, seed=2):
        assert _sorted(document.run(PATH, text, RULES, True, None)) == _sorted(
            python.run(PATH, text, RULES, True, None)
        ), text
    assert document.spliced > 50


def test_typing_in_a_body_rescans_that_statement_only() -> None:
    document = Document()
    before = _sorted(document.run(PATH, MODULE, RULES, True, None))
    # Two lines typed in `first`: the findings below it move, fixes included.
    text = MODULE.replace("\n    try:\n", "\n    request.x = 1\n    request.y = 2\n    try:\n")
    after = _sorted(document.run(PATH, text, RULES, True, None))
    assert after == _sorted(python.run(PATH, text, RULES, True, None))
    assert (document.spliced, document.outlined) == (1, 1)
    assert [f.start.line for f in after] == [
        f.start.line + (2 if f.start.line > 7 else 0) for f in before
    ]


def test_a_name_typed_elsewhere_changes_the_logger_fix_as_a_full_scan_would() -> None:
    # console-logging's fix binds `_logger` unless some scope uses that name: typing it in
    # another function changes every print's fix, those of unchanged statements too.
    document = Document()
    first = document.run(PATH, MODULE, RULES, True, None)
    assert any("_logger = " in e.text for f in first if f.fix for e in f.fix.edits)
    text = MODULE.replace("def third():\n\t", "def third():\n\t_logger = 0\n\t")
    found = document.run(PATH, text, RULES, True, None)
    assert _sorted(found) == _sorted(python.run(PATH, text, RULES, True, None))
    fixes = [e.text for f in found if f.rule_id == "console-logging" and f.fix for e in f.fix.edits]
    assert any("_logger2 = " in t for t in fixes) and not any("_logger = " in t for t in fixes)


def test_a_syntax_error_keeps_the_last_tree_for_the_next_change() -> None:
    document = Document()
    document.run(PATH, MODULE, RULES, True, None)
    broken = MODULE.replace("return name\n", "return name +\n")
    [error] = document.run(PATH, broken, RULES, True, None)
    assert (error.rule_id, error.start.line) == ("parse-error", 29)
    fixed = MODULE.replace("return name\n", "return name + 2\n")
    assert _sorted(document.run(PATH, fixed, RULES, True, None)) == _sorted(
        python.run(PATH, fixed, RULES, True, None)
    )
    assert document.spliced == 1


@pytest.mark.parametrize(
    ("change", "spliced"),
    [
        # An import changes the outline: the tree is spliced, the rules run on all of it.
        (("import os\n", "import os, sys\n"), 1),
        # The first statement and the footer have no unchanged neighbour on one side.
        (('"""Views."""\n', '"""Views!"""\n'), 0),
        (("# trailing comment at the end\n", "# trailing comment\n"), 0),
        # Another indentation before the first indented block: LibCST's default changes.
        (("import os\n", "if os:\n  import sys\n"), 0),
    ],
)
def test_changes_off_the_outline_are_scanned_whole(change: tuple[str, str], spliced: int) -> None:
    document = Document()
    document.run(PATH, MODULE, RULES, True, None)
    text = MODULE.replace(*change, 1)
    assert _sorted(document.run(PATH, text, RULES, True, None)) == _sorted(
        python.run(PATH, text, RULES, True, None)
    )
    assert (document.spliced, document.outlined) == (spliced, 0)


def test_a_splice_keeps_the_unchanged_neighbours() -> None:
    last = _last(MODULE)
    text = MODULE.replace("print(attempt)", "print(attempt, 1)")
    result = splice(last, text)
    assert isinstance(result, Splice)
    index = next(
        i
        for i, s in enumerate(last.module.body)
        if getattr(s, "name", None) and s.name.value == "second"
    )  # type: ignore[attr-defined]
    assert (result.first, result.end, result.old_end) == (index, index + 1, index + 1)
    assert result.module.body[index - 1] is last.module.body[index - 1]
    assert result.module.body[index + 1] is last.module.body[index + 1]
    assert (result.chars, result.lines) == (3, 0)


def test_typing_in_a_method_parses_that_method() -> None:
    last = _last(MODULE)
    text = MODULE.replace(
        '        name = kwargs["name"]\n', '        name = kwargs["name"]\n        x = 1\n'
    )
    result = splice(last, text, {})
    assert isinstance(result, Splice)
    index = next(i for i, s in enumerate(last.module.body) if isinstance(s, cst.ClassDef))
    assert (result.first, result.end, result.lines) == (index, index + 1, 1)
    old_class = last.module.body[index]
    new_class = result.module.body[index]
    assert isinstance(old_class, cst.ClassDef) and isinstance(new_class, cst.ClassDef)
    limit, handle, other = new_class.body.body
    assert limit is old_class.body.body[0] and other is old_class.body.body[2]
    assert handle is not old_class.body.body[1]
    assert result.module.deep_equals(cst.parse_module(text))
    document = Document()
    document.run(PATH, MODULE, RULES, True, None)
    assert _sorted(document.run(PATH, text, RULES, True, None)) == _sorted(
        python.run(PATH, text, RULES, True, None)
    )


def test_a_method_is_parsed_alone_after_a_change_above_its_class() -> None:
    # The members' offsets are kept between versions: a change above the class moves
    # them with it (they were once left behind, and every method edit parsed the class).
    def handler(document: Document) -> cst.ClassDef:
        assert document._last is not None
        [found] = [s for s in document._last.module.body if isinstance(s, cst.ClassDef)]
        return found

    document = Document()
    document.run(PATH, MODULE, RULES, True, None)
    in_class = MODULE.replace("return name\n", "return name  # 1\n")
    above = in_class.replace("return compute(request)", "return compute(request, 2)")
    texts = [in_class, above, above.replace("return name  # 1\n", "return name  # 12\n")]
    for text in texts[:2]:
        document.run(PATH, text, RULES, True, None)
    kept = handler(document).body.body[0]
    found = document.run(PATH, texts[2], RULES, True, None)
    assert handler(document).body.body[0] is kept  # the neighbour of the typed method
    assert handler(document).deep_equals(
        next(s for s in cst.parse_module(texts[2]).body if isinstance(s, cst.ClassDef))
    )
    assert _sorted(found) == _sorted(python.run(PATH, texts[2], RULES, True, None))
