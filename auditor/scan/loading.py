"""Loading rules: entry points of the group `auditor.rules` and local modules named in
`[tool.audit] plugins`, found, imported and checked; then the rules of one scan, with
their severities and options resolved from the config."""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import TYPE_CHECKING

from auditor.config import Config, OptionValue, RuleSettings
from auditor.errors import ConfigError, PluginError, UsageError
from auditor.model import ERROR_RULES, Severity, one_line
from auditor.scan.rule_core import (
    ENTRY_POINT_GROUP,
    KNOWN_LANGUAGES,
    RULE_ID,
    TREE_SITTER_LANGUAGES,
    BaseRule,
)

if TYPE_CHECKING:  # a Python-only scan never imports tree-sitter
    from importlib.metadata import EntryPoint


# eq=False where nothing compares or hashes the values: each generated method is code
# compiled at import, and a warm `audit scan` is mostly its imports.
@dataclass(frozen=True, slots=True, eq=False)
class Implementation:
    cls: type[BaseRule]
    origin: str  # "distribution[entry]" or "plugin module", for error messages


@dataclass(frozen=True, slots=True, eq=False)
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
    def url(self) -> str | None:
        """Where the rule is documented: the first implementation that says (as the rule
        says it: `doc_url` applies the config's `docs-url`)."""
        return next((cls.url for cls in self.classes if cls.url), None)

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


def project_registry(config: Config) -> dict[str, LoadedRule]:
    """The installed rules, and the project's own plugins when it is trusted
    (auditor.trust: an untrusted project's plugins are refused, not imported)."""
    from auditor.trust import trusted_plugins

    return load_rules(trusted_plugins(config), config.root)


def plugins_refused(config: Config, registry: Mapping[str, LoadedRule]) -> bool:
    """Whether the project names plugins that `registry` does not hold (refused)."""
    return bool(config.plugins) and not any(
        impl.origin.startswith("plugin ") for r in registry.values() for impl in r.implementations
    )


# Where the built-in rules' pages are (rules/_docs.py): docs/rules/<id>.md in auditor's
# repository. `[tool.audit] docs-url` moves them to a fork's or a mirror's.
BUILTIN_DOCS = "https://github.com/auditor-dev/auditor/blob/main"
_BUILTIN_PAGES = BUILTIN_DOCS + "/docs/rules/"


def doc_url(url: str | None, docs_url: str | None) -> str | None:
    """A rule's `url` as it is shown (SARIF's helpUri, the editor's link, `audit rules`):
    a built-in rule's page under the config's `docs-url` when it sets one. The one place
    the setting is applied: rules carry their URL from import time, before any config."""
    if url is not None and docs_url and url.startswith(_BUILTIN_PAGES):
        return f"{docs_url.rstrip('/')}/docs/rules/{url[len(_BUILTIN_PAGES) :]}"
    return url


def rule_urls(registry: Mapping[str, LoadedRule], docs_url: str | None) -> dict[str, str]:
    """Rule id -> where the rule is documented, for the rules that say (see doc_url)."""
    urls = {rule_id: doc_url(loaded.url, docs_url) for rule_id, loaded in registry.items()}
    return {rule_id: url for rule_id, url in urls.items() if url}


def rules_in(spec: str, root: Path | None) -> list[type[BaseRule]]:
    """The rule classes of a module (`pkg.rules`) or one class (`pkg.rules:NoTodo`), as a
    local plugin of that name would load them, checked against the contract."""
    origin = f"plugin {spec}"
    found = _rules_of(_import_local(spec, root), origin)
    for cls in found:
        check_rule_class(cls, origin)
    return found


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
    # Here: a warm scan checks no rule, and does not create these classes.
    from auditor.scan.rule_base import LineRule, TreeSitterRule
    from auditor.scan.rule_examples import Invalid, Valid

    def fail(problem: str) -> PluginError:
        return PluginError(f"{origin}: rule {cls.__qualname__}: {problem}")

    rule_id = getattr(cls, "id", None)
    if not isinstance(rule_id, str) or not re.match(RULE_ID, rule_id):
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
    line_rule = issubclass(cls, LineRule)  # reads lines: any language, no tree
    if "python" in languages and not line_rule and not _python_rule(cls):
        raise fail("a python rule must subclass auditor.plugins.AstRule or auditor.plugins.Rule")
    if (
        set(languages) & TREE_SITTER_LANGUAGES
        and not line_rule
        and not issubclass(cls, TreeSitterRule)
    ):
        raise fail("a javascript or typescript rule must subclass auditor.plugins.TreeSitterRule")
    if not isinstance(cls.triggers, tuple) or not all(
        isinstance(t, str | re.Pattern) for t in cls.triggers
    ):
        raise fail("'triggers' must be a tuple of strings or compiled patterns")
    if isinstance(cls.OPTIONS, Mapping) and any(isinstance(v, list) for v in cls.OPTIONS.values()):
        # TOML lists arrive as tuples: a list default is taken as one, so both compare.
        cls.OPTIONS = MappingProxyType(
            {k: tuple(v) if isinstance(v, list) else v for k, v in cls.OPTIONS.items()}
        )
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


def _python_rule(cls: type[BaseRule]) -> bool:
    """An `ast` rule, or a LibCST one: a class that subclasses LibCST's rule has imported
    it, so asking costs no import of LibCST."""
    from auditor.scan.ast_rule import AstRule

    if issubclass(cls, AstRule):
        return True
    module = sys.modules.get("auditor.scan.cst_rule")
    return module is not None and issubclass(cls, module.Rule)


def _is_option_value(value: object) -> bool:
    if isinstance(value, tuple):
        return all(isinstance(v, str) for v in value)
    return isinstance(value, bool | int | float | str)


# --- the rules of one scan ---------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
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
    extend_select: Sequence[str] = (),
) -> tuple[ActiveRule, ...]:
    """The enabled rules, sorted by id, one per implementation (per language family).
    `select`/`ignore`/`extend_select` come from the command line: `select` replaces the
    configured selection, `extend_select` adds to it (or to every rule: a rule the config
    disables), `ignore` adds to the configured ignores, which apply after both. Where the
    project's plugins were refused, an unknown id is taken for one of theirs and left out."""
    where = config.display_file
    if plugins_refused(config, registry):
        registry = _with_unknown_ids(config, registry, [*(select or ()), *extend_select, *ignore])

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
    given_ids = (
        ("--select", select or ()),
        ("--extend-select", extend_select),
        ("--ignore", ignore),
    )
    for option, given in given_ids:
        for rule_id in given:
            if rule_id not in registry:
                import difflib  # here: only an unknown rule id needs it

                close = difflib.get_close_matches(rule_id, list(registry), n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                raise UsageError(f"{option}: unknown rule id {rule_id!r} ({hint}see `audit rules`)")

    if select is not None:
        chosen = set(select)
    elif config.select is not None:
        chosen = set(config.select)
    else:
        chosen = {i for i in registry if config.rules.get(i, RuleSettings()).enabled is not False}
    chosen |= set(extend_select)
    chosen -= {*config.ignore, *ignore}

    active = []
    for rule_id in sorted(chosen):
        loaded = registry[rule_id]
        if not loaded.implementations:  # a refused plugin's
            continue
        settings = config.rules.get(rule_id, RuleSettings())
        for cls in loaded.classes:
            active.append(
                ActiveRule(
                    cls=cls,
                    severity=settings.severity or cls.severity,
                    options=configured_options(config, loaded, cls),
                    fixes_are_safe=rule_id in config.extend_safe_fixes,
                )
            )
    return tuple(active)


def _with_unknown_ids(
    config: Config, registry: Mapping[str, LoadedRule], given: Sequence[str]
) -> Mapping[str, LoadedRule]:
    ids = {*(config.select or ()), *config.ignore, *config.extend_safe_fixes, *config.rules}
    ids |= {rule_id for _, rule_ids in config.per_file_ignores for rule_id in rule_ids}
    missing = {rule_id: LoadedRule(()) for rule_id in {*ids, *given} if rule_id not in registry}
    return {**registry, **missing}


def configured_options(
    config: Config, loaded: LoadedRule, cls: type[BaseRule]
) -> Mapping[str, OptionValue]:
    """The options `[tool.audit.rules.<id>]` gives one implementation of a rule: its own
    defaults, overridden by the table's keys it declares (the others belong to its siblings
    of other languages; a key none declares is an error)."""
    settings = config.rules.get(loaded.id, RuleSettings())
    _check_option_names(loaded, settings.options, config.display_file, config.file)
    own = {k: v for k, v in settings.options.items() if k in cls.OPTIONS}
    return merge_options(cls, own, config.display_file, config.file)


def _at(where: str, file: Path | None, key: str) -> str:
    """`where` with the key's line and column in `file`, when it can be found there."""
    from auditor.config_positions import key_position  # only an error reads the file again

    position = key_position(file, key) if file is not None else None
    return f"{where}:{position[0]}:{position[1]}" if position else where


def _check_option_names(
    loaded: LoadedRule, given: Mapping[str, OptionValue], where: str, file: Path | None = None
) -> None:
    known = loaded.options
    for name in given:
        if name not in known:
            options = ", ".join(sorted(known)) or "none"
            key = f"tool.audit.rules.{loaded.id}.{name}"
            raise ConfigError(
                f"{_at(where, file, key)}: unknown option '{key}' "
                f"(options of {loaded.id}: {options})"
            )


def merge_options(
    cls: type[BaseRule],
    given: Mapping[str, OptionValue],
    where: str,
    file: Path | None = None,
) -> Mapping[str, OptionValue]:
    merged = dict(cls.OPTIONS)
    for name, value in given.items():
        key = f"tool.audit.rules.{cls.id}.{name}"
        if name not in cls.OPTIONS:
            options = ", ".join(sorted(cls.OPTIONS)) or "none"
            raise ConfigError(
                f"{_at(where, file, key)}: unknown option '{key}' (options of {cls.id}: {options})"
            )
        default = cls.OPTIONS[name]
        if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)  # TOML writes 2 for 2.0
        if _option_type(default) != _option_type(value):
            raise ConfigError(
                f"{_at(where, file, key)}: '{key}' must be {_option_type(default)} (got {value!r})"
            )
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
