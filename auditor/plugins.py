"""The rule plugin API and loading rules from entry points and local modules.

A rule is a class: metadata (id, severity, message, languages, triggers, options), a
visitor that calls `self.report(...)`, and its own VALID/INVALID examples. Built-in rules
and third-party rules are registered the same way, in the entry-point group
`auditor.rules`; a project can also name local modules in `[tool.audit] plugins`.
"""

from __future__ import annotations

import bisect
import importlib
import re
import sys
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import TYPE_CHECKING, ClassVar

from auditor.config import Config, OptionValue, RuleSettings
from auditor.errors import ConfigError, PluginError, UsageError
from auditor.model import ERROR_RULES, Applicability, Edit, Severity, one_line

if TYPE_CHECKING:  # a Python-only scan never imports tree-sitter
    from importlib.metadata import EntryPoint

    from tree_sitter import Node

    from auditor.scan.cst_rule import Replacement as Replacement
    from auditor.scan.cst_rule import Report as Report
    from auditor.scan.cst_rule import Rule as Rule

_CST_RULE_NAMES = frozenset({"Rule", "Report", "Replacement"})


def __getattr__(name: str) -> object:
    """`Rule`, `Report` and `Replacement` live in auditor.scan.cst_rule, imported (with LibCST)
    when first asked for: `from auditor.plugins import Rule` keeps working."""
    if name in _CST_RULE_NAMES:
        from auditor.scan import cst_rule

        return getattr(cst_rule, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


ENTRY_POINT_GROUP = "auditor.rules"
KNOWN_LANGUAGES = frozenset({"python", "javascript", "typescript"})
TREE_SITTER_LANGUAGES = frozenset({"javascript", "typescript"})
RULE_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")

# --- examples --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Valid:
    """Code on which the rule must report nothing."""

    code: str
    path: str = "example.py"
    options: Mapping[str, OptionValue] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return example_source(self.code)


@dataclass(frozen=True, slots=True)
class Invalid:
    """Code on which the rule reports exactly `count` findings, the first at `line`:`column`
    (1-based, when given). `fixed` is the code after every fix of the rule, safe or unsafe,
    has been applied; None means the rule offers no fix here."""

    code: str
    fixed: str | None = None
    line: int | None = None
    column: int | None = None
    count: int = 1
    path: str = "example.py"
    options: Mapping[str, OptionValue] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return example_source(self.code)

    @property
    def expected(self) -> str | None:
        return None if self.fixed is None else example_source(self.fixed)


def example_source(code: str) -> str:
    """Examples may be written as indented triple-quoted strings."""
    code = textwrap.dedent(code)
    return code[1:] if code.startswith("\n") else code


# --- rule bases ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleContext:
    path: str  # posix, relative to the project root
    options: Mapping[str, OptionValue]


class BaseRule:
    """Metadata every rule has, whatever it parses with."""

    id: ClassVar[str]
    severity: ClassVar[Severity]
    message: ClassVar[str]
    languages: ClassVar[frozenset[str]] = frozenset({"python"})
    # A file that contains none of these substrings is never parsed for this rule.
    # Empty means every file of the rule's languages.
    triggers: ClassVar[tuple[str | re.Pattern[str], ...]] = ()
    OPTIONS: ClassVar[Mapping[str, OptionValue]] = MappingProxyType({})
    fix_applicability: ClassVar[Applicability] = "safe"
    fix_description: ClassVar[str | None] = None
    VALID: ClassVar[Sequence[Valid]] = ()
    INVALID: ClassVar[Sequence[Invalid]] = ()

    def __init__(self, context: RuleContext) -> None:
        self.context = context
        self.options = context.options

    @classmethod
    def explanation(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or cls.message)

    @classmethod
    def fixable(cls) -> bool:
        return any(example.fixed is not None for example in cls.INVALID)


# --- JavaScript and TypeScript -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """One JS/TS file as its rules see it: the text, its UTF-8 bytes and the tree-sitter
    tree. Tree-sitter counts UTF-8 bytes; findings and edits count characters, so every
    position a rule hands back goes through `offset`."""

    path: str
    text: str
    data: bytes
    grammar: str  # "javascript", "typescript" or "tsx"
    root: Node
    # For each non-ASCII character: the byte offset just after it and how many bytes more
    # than characters the text has up to there. Empty for ASCII text: bytes are characters.
    byte_ends: tuple[int, ...] = ()
    surplus: tuple[int, ...] = ()

    def offset(self, byte: int) -> int:
        """The character offset of a byte offset."""
        i = bisect.bisect_right(self.byte_ends, byte) - 1
        return byte if i < 0 else byte - self.surplus[i]

    def span(self, node: Node) -> tuple[int, int]:
        return self.offset(node.start_byte), self.offset(node.end_byte)

    def code(self, node: Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8")


@dataclass(frozen=True, slots=True)
class TreeSitterReport:
    """What a JS/TS rule reported, in character offsets."""

    start: int
    end: int
    message: str
    edits: tuple[Edit, ...]
    fix_description: str | None
    applicability: Applicability
    scope: str = ""  # enclosing function and class names, outermost first: "Cart.total"


_SCOPE_NODES = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "function_expression",
        "generator_function",
        "class_declaration",
        "abstract_class_declaration",
        "class",
        "method_definition",
    }
)
_ANONYMOUS_SCOPES = frozenset({"arrow_function", "function_expression", "function", "class"})


class TreeSitterRule(BaseRule):
    """A JavaScript/TypeScript rule over the tree-sitter tree. Define `visit_<node type>`
    methods (`visit_call_expression`, `visit_catch_clause`, ...): the backend finds the
    nodes of those types with one query per file and calls the methods in document order,
    after `self.file` is set. Fixes are `Edit`s; `replace`, `insert_before` and
    `insert_after` build them from nodes."""

    languages: ClassVar[frozenset[str]] = TREE_SITTER_LANGUAGES

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.reports: list[TreeSitterReport] = []
        self._file: ParsedFile | None = None

    @property
    def file(self) -> ParsedFile:
        assert self._file is not None, "the backend sets the file before visiting"
        return self._file

    def begin(self, file: ParsedFile) -> None:
        """Called once before the visit; override to prepare per-file state."""
        self._file = file

    @classmethod
    def visited_types(cls) -> frozenset[str]:
        return frozenset(
            name.removeprefix("visit_")
            for name in dir(cls)
            if name.startswith("visit_") and callable(getattr(cls, name))
        )

    def visitor(self, node_type: str) -> Callable[[Node], None]:
        method: Callable[[Node], None] = getattr(self, f"visit_{node_type}")
        return method

    def code(self, node: Node) -> str:
        return self.file.code(node)

    def replace(self, node: Node, text: str) -> Edit:
        start, end = self.file.span(node)
        return Edit(start, end, text)

    def insert_before(self, node: Node, text: str) -> Edit:
        start = self.file.offset(node.start_byte)
        return Edit(start, start, text)

    def insert_after(self, node: Node, text: str) -> Edit:
        end = self.file.offset(node.end_byte)
        return Edit(end, end, text)

    def report(
        self,
        node: Node,
        message: str | None = None,
        *,
        end: Node | None = None,
        edits: Sequence[Edit] = (),
        fix_description: str | None = None,
        applicability: Applicability | None = None,
    ) -> None:
        """Report `node` (its range ends with `end`, when given); `edits` fix it."""
        self.reports.append(
            TreeSitterReport(
                start=self.file.offset(node.start_byte),
                end=self.file.offset((end or node).end_byte),
                message=message or self.message,
                edits=tuple(sorted(edits)),
                fix_description=fix_description or self.fix_description,
                applicability=applicability or self.fix_applicability,
                scope=self.scope_of(node),
            )
        )

    def scope_of(self, node: Node) -> str:
        """The names of the functions, methods and classes around `node`, as Python's
        fingerprints use them; a function or class bound by `const f = () => ...` is
        named by its variable."""
        names = []
        child, parent = node, node.parent
        while parent is not None:
            if parent.type in _SCOPE_NODES:
                name = parent.child_by_field_name("name")
                if name is not None:
                    names.append(self.code(name))
            elif parent.type == "variable_declarator" and child.type in _ANONYMOUS_SCOPES:
                name = parent.child_by_field_name("name")
                if name is not None and name.type == "identifier":
                    names.append(self.code(name))
            child, parent = parent, parent.parent
        return ".".join(reversed(names))


# --- loading ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Implementation:
    cls: type[BaseRule]
    origin: str  # "distribution[entry]" or "plugin module", for error messages


@dataclass(frozen=True, slots=True)
class LoadedRule:
    """Every implementation of one rule id, Python's first: one per language family
    (Python's `print` and JavaScript's `console.log` are both console-logging), their
    languages disjoint."""

    implementations: tuple[Implementation, ...]

    @property
    def id(self) -> str:
        return self.implementations[0].cls.id

    @property
    def classes(self) -> tuple[type[BaseRule], ...]:
        return tuple(impl.cls for impl in self.implementations)

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(lang for cls in self.classes for lang in cls.languages)

    @property
    def origin(self) -> str:
        return ",".join(dict.fromkeys(impl.origin for impl in self.implementations))

    @property
    def options(self) -> Mapping[str, OptionValue]:
        """The options a `[tool.audit.rules.<id>]` table may set: those of any
        implementation (each receives only its own)."""
        merged: dict[str, OptionValue] = {}
        for cls in self.classes:
            for name, value in cls.OPTIONS.items():
                merged.setdefault(name, value)
        return MappingProxyType(merged)


def load_rules(plugins: Sequence[str] = (), root: Path | None = None) -> dict[str, LoadedRule]:
    """Every rule from the entry-point group, then from the local plugin modules."""
    loaded: dict[str, LoadedRule] = {}
    from importlib.metadata import entry_points

    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: (e.value, e.name)):
        dist = ep.dist.name if ep.dist is not None else "unknown"
        origin = f"{dist}[{ep.name}]"
        for cls in _rules_of(_load_entry_point(ep, origin), origin):
            _register(loaded, cls, origin)
    for name in plugins:
        origin = f"plugin {name}"
        for cls in _rules_of(_import_local(name, root), origin):
            _register(loaded, cls, origin)
    return loaded


def _load_entry_point(ep: EntryPoint, origin: str) -> object:
    try:
        return ep.load()
    except Exception as exc:  # a plugin's import can fail in any way; contain it
        raise PluginError(f"{origin}: failed to load {ep.value!r}: {one_line(exc)}") from None


def _import_local(spec: str, root: Path | None) -> object:
    module_name, _, attr = spec.partition(":")
    added = root is not None and str(root) not in sys.path
    if added:
        sys.path.insert(0, str(root))
    try:
        module = importlib.import_module(module_name)
        return getattr(module, attr) if attr else module
    except Exception as exc:
        raise PluginError(f"plugin {spec}: failed to import: {one_line(exc)}") from None
    finally:
        if added:
            sys.path.remove(str(root))


def _rules_of(obj: object, origin: str) -> list[type[BaseRule]]:
    if isinstance(obj, ModuleType):
        found = [
            value
            for value in vars(obj).values()
            if isinstance(value, type)
            and issubclass(value, BaseRule)
            and value.__module__ == obj.__name__
            and "id" in vars(value)
        ]
        if not found:
            raise PluginError(f"{origin}: module {obj.__name__} defines no rule class")
        return found
    if isinstance(obj, type) and issubclass(obj, BaseRule):
        return [obj]
    raise PluginError(f"{origin}: {obj!r} is not a rule class (subclass auditor.plugins.Rule)")


def _register(loaded: dict[str, LoadedRule], cls: type[BaseRule], origin: str) -> None:
    check_rule_class(cls, origin)
    previous = loaded.get(cls.id)
    if previous is None:
        loaded[cls.id] = LoadedRule((Implementation(cls, origin),))
        return
    if cls in previous.classes:
        return
    for impl in previous.implementations:
        if set(impl.cls.languages) & set(cls.languages):
            raise PluginError(f"{origin}: rule id {cls.id!r} is already defined by {impl.origin}")
        for name, value in cls.OPTIONS.items():
            other = impl.cls.OPTIONS.get(name)
            if other is not None and _option_type(other) != _option_type(value):
                raise PluginError(
                    f"{origin}: rule {cls.id!r}: option {name!r} is {_option_type(value)} "
                    f"here but {_option_type(other)} in {impl.origin}"
                )
    implementations = sorted(
        (*previous.implementations, Implementation(cls, origin)), key=_family_order
    )
    loaded[cls.id] = LoadedRule(tuple(implementations))


def _family_order(impl: Implementation) -> tuple[bool, list[str]]:
    """Python first, then the others by language: listings do not depend on load order."""
    return "python" not in impl.cls.languages, sorted(impl.cls.languages)


def check_rule_class(cls: type[BaseRule], origin: str) -> None:
    """The contract a rule class must meet, checked once at load time so that a broken
    plugin is named up front instead of failing inside a scan."""

    def fail(problem: str) -> PluginError:
        return PluginError(f"{origin}: rule {cls.__qualname__}: {problem}")

    rule_id = getattr(cls, "id", None)
    if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
        raise fail(f"'id' must be a kebab-case string (got {rule_id!r})")
    if rule_id in ERROR_RULES:
        raise fail(f"'id' {rule_id!r} is reserved")
    if not isinstance(getattr(cls, "severity", None), Severity):
        raise fail("'severity' must be an auditor.model.Severity")
    message = getattr(cls, "message", None)
    if not isinstance(message, str) or not message.strip():
        raise fail("'message' must be a non-empty string")
    languages = cls.languages
    if not isinstance(languages, frozenset | set | tuple) or not languages:
        raise fail("'languages' must be a non-empty set of language names")
    if unknown := set(languages) - KNOWN_LANGUAGES:
        raise fail(f"unknown language(s) {sorted(unknown)} in 'languages'")
    if "python" in languages and not issubclass(cls, _cst_rule()):
        raise fail("a python rule must subclass auditor.plugins.Rule")
    if set(languages) & TREE_SITTER_LANGUAGES and not issubclass(cls, TreeSitterRule):
        raise fail("a javascript or typescript rule must subclass auditor.plugins.TreeSitterRule")
    if not isinstance(cls.triggers, tuple) or not all(
        isinstance(t, str | re.Pattern) for t in cls.triggers
    ):
        raise fail("'triggers' must be a tuple of strings or compiled patterns")
    if not isinstance(cls.OPTIONS, Mapping) or not all(
        isinstance(k, str) and _is_option_value(v) for k, v in cls.OPTIONS.items()
    ):
        raise fail("'OPTIONS' must map names to bool, int, float, str or tuple of str")
    if cls.fix_applicability not in ("safe", "unsafe"):
        raise fail("'fix_applicability' must be 'safe' or 'unsafe'")
    if not all(isinstance(e, Valid) for e in cls.VALID):
        raise fail("'VALID' must hold auditor.plugins.Valid examples")
    if not all(isinstance(e, Invalid) for e in cls.INVALID):
        raise fail("'INVALID' must hold auditor.plugins.Invalid examples")


def _cst_rule() -> type[BaseRule]:
    from auditor.scan.cst_rule import Rule

    return Rule


def _is_option_value(value: object) -> bool:
    if isinstance(value, tuple):
        return all(isinstance(v, str) for v in value)
    return isinstance(value, bool | int | float | str)


# --- the rules of one scan ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActiveRule:
    """A rule as this scan runs it: configured severity, merged options, fix safety."""

    cls: type[BaseRule]
    severity: Severity
    options: Mapping[str, OptionValue]
    fixes_are_safe: bool  # promoted by extend-safe-fixes

    @property
    def id(self) -> str:
        return self.cls.id


def resolve_rules(
    config: Config,
    registry: Mapping[str, LoadedRule],
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
) -> tuple[ActiveRule, ...]:
    """The enabled rules, sorted by id, one per implementation (per language family).
    `select`/`ignore` come from the command line: `select` replaces the configured
    selection, `ignore` adds to the configured one."""
    where = config.display_file

    def known(ids: Sequence[str], key: str) -> None:
        for rule_id in ids:
            if rule_id not in registry:
                raise ConfigError(f"{where}: unknown rule id {rule_id!r} in '{key}'")

    known(config.select or (), "tool.audit.select")
    known(config.ignore, "tool.audit.ignore")
    known(config.extend_safe_fixes, "tool.audit.extend-safe-fixes")
    for pattern, ids in config.per_file_ignores:
        known(ids, f"tool.audit.per-file-ignores.{pattern}")
    known(list(config.rules), "tool.audit.rules")
    for option, given in (("--select", select or ()), ("--ignore", ignore)):
        for rule_id in given:
            if rule_id not in registry:
                raise UsageError(f"{option}: unknown rule id {rule_id!r} (see `audit rules`)")

    if select is not None:
        chosen = set(select)
    elif config.select is not None:
        chosen = set(config.select)
    else:
        chosen = {i for i in registry if config.rules.get(i, RuleSettings()).enabled is not False}
    chosen -= {*config.ignore, *ignore}

    active = []
    for rule_id in sorted(chosen):
        loaded = registry[rule_id]
        settings = config.rules.get(rule_id, RuleSettings())
        _check_option_names(loaded, settings.options, where)
        for cls in loaded.classes:
            own = {k: v for k, v in settings.options.items() if k in cls.OPTIONS}
            active.append(
                ActiveRule(
                    cls=cls,
                    severity=settings.severity or cls.severity,
                    options=merge_options(cls, own, where),
                    fixes_are_safe=rule_id in config.extend_safe_fixes,
                )
            )
    return tuple(active)


def _check_option_names(loaded: LoadedRule, given: Mapping[str, OptionValue], where: str) -> None:
    known = loaded.options
    for name in given:
        if name not in known:
            options = ", ".join(sorted(known)) or "none"
            raise ConfigError(
                f"{where}: unknown option 'tool.audit.rules.{loaded.id}.{name}' "
                f"(options of {loaded.id}: {options})"
            )


def merge_options(
    cls: type[BaseRule], given: Mapping[str, OptionValue], where: str
) -> Mapping[str, OptionValue]:
    merged = dict(cls.OPTIONS)
    for name, value in given.items():
        key = f"tool.audit.rules.{cls.id}.{name}"
        if name not in cls.OPTIONS:
            options = ", ".join(sorted(cls.OPTIONS)) or "none"
            raise ConfigError(f"{where}: unknown option '{key}' (options of {cls.id}: {options})")
        default = cls.OPTIONS[name]
        if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)  # TOML writes 2 for 2.0
        if _option_type(default) != _option_type(value):
            raise ConfigError(f"{where}: '{key}' must be {_option_type(default)} (got {value!r})")
        merged[name] = value
    return MappingProxyType(merged)


def _option_type(value: object) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list of strings"
