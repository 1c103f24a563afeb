"""A rule explained from its own class: its metadata, explanation, options and VALID/INVALID
examples, as the text `audit rules ID` prints and as the Markdown of its page in
docs/rules/ (written by `audit rules --format markdown --output-dir docs/rules`), with the
index of those pages. Rendering only: no I/O."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from auditor.cli.group import toml_value

GENERATED = (
    "<!-- Generated from the rule's own class by `audit rules --format markdown --output-dir"
    " docs/rules`: edit the rule, then run that command again. -->"
)
LANGUAGE_NAMES = {"python": "Python", "javascript": "JavaScript", "typescript": "TypeScript"}
# Code fences: the example's file name says its language.
FENCES = {
    ".py": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "jsx",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
}


@dataclass(frozen=True, slots=True)
class Block:
    """One piece of code an example shows: what it is ("Flagged", "Fixed", ...), the file
    it is in, and the options the example sets (on its first block)."""

    label: str
    path: str
    code: str
    options: tuple[tuple[str, object], ...] = ()

    @property
    def named_path(self) -> str | None:
        """The file's path when it says more than the language (`shop/env.py`, not
        `example.py`)."""
        stem = self.path.rsplit("/", 1)[-1].split(".", 1)[0]
        return None if stem == "example" and "/" not in self.path else self.path


def fix_summary(classes: Sequence[Any]) -> str:
    """The fix column: "safe", "unsafe" or "-"; when only some implementations fix, which
    languages they fix in ("safe(python)"). No spaces: the table splits on them."""
    fixing = [cls for cls in classes if cls.fixable()]
    if not fixing:
        return "-"
    kinds = "/".join(dict.fromkeys(cls.fix_applicability for cls in fixing))
    if len(fixing) == len(classes):
        return kinds
    languages = ",".join(sorted(lang for cls in fixing for lang in cls.languages))
    return f"{kinds}({languages})"


def headline(cls: Any) -> str:
    """`bare-except (critical; python; safe fix)`."""
    fix = f"{cls.fix_applicability} fix" if cls.fixable() else "no fix"
    return f"{cls.id} ({cls.severity.label}; {', '.join(sorted(cls.languages))}; {fix})"


def examples(cls: Any) -> Iterator[list[Block]]:
    """Each example of the rule, flagged ones first, as the blocks of code it shows: the
    code, the other files of its project, and for a flagged one the code after the fixes
    (and after the unsafe alternatives, where it offers some)."""
    for example in cls.INVALID:
        blocks = _with_files("Flagged", example.path, example.code, example)
        if example.fixed is not None:
            blocks.append(Block("Fixed", example.path, example.fixed))
        blocks += [Block("Fixed", p, c) for p, c in _files(example, "fixed_files")]
        if example.unsafe_fixed is not None:
            blocks.append(Block("Fixed with --unsafe-fixes", example.path, example.unsafe_fixed))
        unsafe_files = _files(example, "unsafe_fixed_files")
        blocks += [Block("Fixed with --unsafe-fixes", p, c) for p, c in unsafe_files]
        yield blocks
    for example in cls.VALID:
        yield _with_files("Accepted", example.path, example.code, example)


def _with_files(label: str, path: str, code: str, example: Any) -> list[Block]:
    options = tuple(example.options.items())
    return [Block(label, path, code, options)] + [
        Block("Beside it", other, content) for other, content in _files(example, "files")
    ]


def _files(example: Any, name: str) -> list[tuple[str, str]]:
    """A multi-file example's other files (none in an example made before there were)."""
    return list(getattr(example, name, {}).items())


def _code(code: str) -> str:
    return textwrap.dedent(code).strip("\n")


def _setting(options: Sequence[tuple[str, object]]) -> str:
    return ", ".join(f"{name} = {toml_value(value)}" for name, value in options)


# --- text: `audit rules ID` ------------------------------------------------------------


def explain(cls: Any) -> str:
    """One implementation of a rule, as `audit rules ID` prints it."""
    out = [headline(cls), "", cls.explanation(), ""]
    if cls.OPTIONS:
        out.append("Options (under [tool.audit.rules." + cls.id + "]):")
        out += [f"  {name} = {toml_value(value)}" for name, value in cls.OPTIONS.items()]
        out.append("")
    for blocks in examples(cls):
        for block in blocks:
            where = [w for w in (block.named_path, _setting(block.options)) if w]
            out.append(f"{block.label} ({'; '.join(where)}):" if where else f"{block.label}:")
            out.append(textwrap.indent(_code(block.code), "    "))
        out.append("")
    return "\n".join(out)


# --- Markdown: docs/rules/<id>.md and docs/rules/index.md -------------------------------


def page_name(rule_id: str) -> str:
    return f"{rule_id}.md"


def markdown_page(rule_id: str, classes: Sequence[Any]) -> str:
    """The page of one rule id: every language implementation, Python's first."""
    out = [GENERATED, "", f"# {rule_id}", "", "[All rules](index.md)", ""]
    several = len(classes) > 1
    for cls in classes:
        level = "###" if several else "##"
        if several:
            out += [f"## {_languages(cls.languages)}", ""]
        out += _metadata(cls)
        out += [cls.explanation(), ""]
        if cls.OPTIONS:
            out += [f"{level} Options", "", f"Their defaults, under `[tool.audit.rules.{cls.id}]`:"]
            table = [f"[tool.audit.rules.{cls.id}]"]
            table += [f"{name} = {toml_value(value)}" for name, value in cls.OPTIONS.items()]
            out += ["", *_fenced("\n".join(table), "toml"), ""]
        out += [f"{level} Examples", ""]
        for blocks in examples(cls):
            for block in blocks:
                out += [_markdown_label(block), "", *_fenced(_code(block.code), _fence(block)), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def markdown_index(rules: Sequence[tuple[str, Sequence[Any]]]) -> str:
    """The list of the pages: (rule id, its implementations), in order."""
    out = [
        GENERATED,
        "",
        "# Rules",
        "",
        "A page for each rule: what it finds and why, its fix and how safe it is, its options",
        "and its examples. `audit rules` lists the installed rules, `audit rules ID` explains",
        "one.",
        "",
        "| rule | languages | severity | fix |",
        "|---|---|---|---|",
    ]
    for rule_id, classes in rules:
        severities = "/".join(dict.fromkeys(cls.severity.label for cls in classes))
        languages = ", ".join(sorted({lang for cls in classes for lang in cls.languages}))
        link = f"[`{rule_id}`]({page_name(rule_id)})"
        fix = fix_summary(classes) if any(cls.fixable() for cls in classes) else "none"
        out.append(f"| {link} | {languages} | {severities} | {fix} |")
    return "\n".join(out) + "\n"


def _metadata(cls: Any) -> list[str]:
    if cls.fixable():
        described = getattr(cls, "fix_description", None)
        fix = f"{cls.fix_applicability}: {described}" if described else cls.fix_applicability
    else:
        fix = "none"
    return [
        f"- **Severity:** {cls.severity.label}",
        f"- **Languages:** {', '.join(sorted(cls.languages))}",
        f"- **Message:** {cls.message}",
        f"- **Fix:** {fix}",
        f"- **Implemented by:** `{cls.__module__}.{cls.__qualname__}`",
        "",
    ]


def _languages(languages: frozenset[str]) -> str:
    return ", ".join(LANGUAGE_NAMES.get(lang, lang) for lang in sorted(languages))


def _markdown_label(block: Block) -> str:
    where = [f"`{block.named_path}`"] if block.named_path else []
    if block.options:
        where.append(f"with `{_setting(block.options)}`")
    return f"{block.label} ({', '.join(where)}):" if where else f"{block.label}:"


def _fence(block: Block) -> str:
    dot = block.path.rfind(".")
    return FENCES.get(block.path[dot:], "") if dot >= 0 else ""


def _fenced(code: str, language: str) -> list[str]:
    fence = "```"
    while fence in code:
        fence += "`"
    return [fence + language, code, fence]
