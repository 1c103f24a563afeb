"""The Python reads `audit env` lists: raw ones (`os.environ`) and validated ones
(pydantic-settings fields, environs, django-environ, python-decouple), from the same
detection the unvalidated-env rule reports from."""

from __future__ import annotations

from collections.abc import Collection
from typing import ClassVar

import libcst as cst
from libcst.metadata import PositionProvider, ProviderT

from auditor.plugins import EnvRead, Location, SourceError
from rules.python._env_reads import TRIGGERS, EnvAccess
from rules.python._env_uses import UseCollector
from rules.python._env_validated import (
    VALIDATED_TRIGGERS,
    ValidatedAccess,
    ValidatedReadVisitor,
)


class _RawCollector(UseCollector):
    """Raw reads, each with the type the fix infers for it (`UseCollector`: one owner)."""

    def __init__(self, path: str, in_settings: bool) -> None:
        super().__init__()
        self.path = path
        self.in_settings = in_settings
        self.reads: list[EnvRead] = []

    def on_env_read(self, access: EnvAccess) -> None:
        movable = len(self.uses)
        super().on_env_read(access)
        use = self.uses[-1] if len(self.uses) > movable else None
        start = self.get_metadata(PositionProvider, access.node).start
        self.reads.append(
            EnvRead(
                name=access.name,
                path=self.path,
                location=Location(start.line, start.column + 1),
                kind=access.kind,
                default=access.default,
                in_settings=self.in_settings,
                via=access.via,
                inferred_type=None if use is None else use.want.annotation(),
            )
        )


class _ValidatedCollector(ValidatedReadVisitor):
    METADATA_DEPENDENCIES: ClassVar[Collection[ProviderT]] = (
        *ValidatedReadVisitor.METADATA_DEPENDENCIES,
        PositionProvider,
    )

    def __init__(self, path: str, in_settings: bool) -> None:
        super().__init__()
        self.path = path
        self.in_settings = in_settings
        self.reads: list[EnvRead] = []

    def on_validated_read(self, access: ValidatedAccess) -> None:
        self.reads.append(validated_read(self, self.path, self.in_settings, access))


def validated_read(
    visitor: cst.MetadataDependent, path: str, in_settings: bool, access: ValidatedAccess
) -> EnvRead:
    """The inventory's view of a validated read (`visitor` gives its position)."""
    start = visitor.get_metadata(PositionProvider, access.node).start
    return EnvRead(
        name=access.name,
        path=path,
        location=Location(start.line, start.column + 1),
        kind=access.kind,
        default=access.default,
        in_settings=in_settings,
        via=access.via,
        validated=True,
        type=access.type,
        settings_module=path,
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
    try:
        module = cst.parse_module(text)
    except Exception as exc:  # LibCST rejects what CPython accepts (new syntax)
        first = str(exc).strip().splitlines()
        raise SourceError(f"LibCST cannot parse: {first[0] if first else exc}") from None
    raws = _RawCollector(path, in_settings)
    checked = _ValidatedCollector(path, in_settings)
    visitors: list[cst.BatchableCSTVisitor] = [raws] if raw else []
    if validated:
        visitors.append(checked)
    cst.MetadataWrapper(module, unsafe_skip_copy=True).visit_batched(visitors)
    reads = [*raws.reads, *checked.reads]
    return tuple(sorted(reads, key=lambda read: read.place))
