"""The Python reads `audit env` lists: raw ones (`os.environ`) and validated ones
(pydantic-settings fields, environs, django-environ, python-decouple), from the same
detection on `ast` the unvalidated-env rule reports from."""

from __future__ import annotations

import ast
import warnings
from collections.abc import Set

from auditor.plugins import EnvRead, Location, Scopes, SourceError
from rules.python._env_ast_names import Names
from rules.python._env_ast_reads import TRIGGERS, EnvAccess, RawReads
from rules.python._env_ast_source import Source
from rules.python._env_ast_uses import inferred_type
from rules.python._env_ast_validated import (
    VALIDATED_TRIGGERS,
    ValidatedAccess,
    ValidatedReads,
)

_RAW = frozenset({"Subscript", "For", "AsyncFor", "comprehension", "Dict", "Call"})
_VALIDATED = frozenset(
    {"FunctionDef", "AsyncFunctionDef", "ClassDef", "With", "AsyncWith", "Assign", "ImportFrom"}
)
_LEAVES = frozenset({"FunctionDef", "AsyncFunctionDef", "ClassDef", "With", "AsyncWith"})


class _Collector(RawReads, ValidatedReads):
    """Raw reads (each with the type the fix infers for it) and validated ones."""

    def __init__(self, path: str, in_settings: bool, names: Names, raw: bool, validated: bool):
        self.path = path
        self.in_settings = in_settings
        self.names = names
        self.raw = raw
        self.validated = validated
        self.reads: list[EnvRead] = []
        self.checked: list[EnvRead] = []
        self.start_validated()

    def visit_Call(self, node: ast.Call) -> None:
        if self.raw:
            self.raw_call(node)
        if self.validated:
            self.validated_call(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        self.raw_dict(node)

    def on_env_read(self, access: EnvAccess) -> None:
        line, column = self.names.source.start(access.node)
        self.reads.append(
            EnvRead(
                name=access.name,
                path=self.path,
                location=Location(line, column + 1),
                kind=access.kind,
                default=access.default,
                in_settings=self.in_settings,
                via=access.via,
                inferred_type=inferred_type(self.names, access),
            )
        )

    def on_validated_read(self, access: ValidatedAccess) -> None:
        line, column = self.names.source.start(access.node)
        self.checked.append(
            EnvRead(
                name=access.name,
                path=self.path,
                location=Location(line, column + 1),
                kind=access.kind,
                default=access.default,
                in_settings=self.in_settings,
                via=access.via,
                validated=True,
                type=access.type,
                settings_module=self.path,
            )
        )


def python_env_reads(path: str, text: str, in_settings: bool) -> tuple[EnvRead, ...]:
    """Every read in one Python file's text, raw and validated, in source order. Raises
    SourceError when the text does not parse."""
    raw = any(trigger in text for trigger in TRIGGERS)
    validated = any(trigger in text for trigger in VALIDATED_TRIGGERS)
    if not (raw or validated):
        return ()
    from auditor.plugins import syntax_error

    error = syntax_error(text)
    if error is not None:
        location, message = error
        raise SourceError(f"cannot parse: {message}", location)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences are not our finding
        tree = ast.parse(text)
    built: list[Scopes] = []

    def scopes() -> Scopes:
        if not built:
            built.append(Scopes(tree))
        return built[0]

    names = Names(Source(text), scopes)
    collector = _Collector(path, in_settings, names, raw, validated)
    visits = (_RAW if raw else frozenset()) | (_VALIDATED | {"Call"} if validated else frozenset())
    _walk(tree, collector, visits, _LEAVES if validated else frozenset())
    reads = [*collector.reads, *collector.checked]
    return tuple(sorted(reads, key=lambda read: read.place))


def _walk(node: ast.AST, collector: _Collector, visits: Set[str], leaves: Set[str]) -> None:
    """Depth-first, fields in order, as the engine walks the rules."""
    name = type(node).__name__
    if name in visits:
        getattr(collector, f"visit_{name}")(node)
    for field in node._fields:
        value = getattr(node, field, None)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, ast.AST):
                    _walk(item, collector, visits, leaves)
        elif isinstance(value, ast.AST):
            _walk(value, collector, visits, leaves)
    if name in leaves:
        getattr(collector, f"leave_{name}")(node)
