"""The JavaScript and TypeScript reads `audit env` lists: raw ones and those a validator
(zod, t3-env, envalid, znv) is handed, from the same detection the unvalidated-env rule
reports from."""

from __future__ import annotations

from auditor.plugins import EnvRead, LineIndex, Location, ParsedFile, SourceError
from rules.javascript.env_reads import TRIGGERS, JsEnvAccess, env_accesses
from rules.javascript.env_validators import Entry, Validation, validation_of, validations
from rules.javascript.scope import Scopes


def file_reads(file: ParsedFile, in_settings: bool, index: LineIndex) -> list[EnvRead]:
    """Every read of one parsed file, raw and validated, in source order."""
    scopes = Scopes(file)
    found = validations(file, scopes)
    path = file.path
    reads: list[EnvRead] = []
    for access in env_accesses(file, scopes):
        validated = validation_of(access.node, found)
        where = index.location(file.offset(access.node.start_byte))
        if validated is None:
            reads.append(
                EnvRead(
                    access.name, path, where, access.kind, access.default, in_settings, access.via
                )
            )
        else:
            reads.append(_validated(access, *validated, path, in_settings, where))
    for validation in found:
        for key, entry in validation.declared:
            where = index.location(file.offset(entry.node.start_byte))
            reads.append(
                EnvRead(
                    key,
                    path,
                    where,
                    entry.kind,
                    entry.default,
                    in_settings,
                    validation.via,
                    validated=True,
                    type=entry.type,
                    settings_module=path,
                )
            )
    return sorted(reads, key=lambda read: read.place)


def _validated(
    access: JsEnvAccess,
    validation: Validation,
    entry: Entry | None,
    path: str,
    in_settings: bool,
    where: Location,
) -> EnvRead:
    kind, default = access.kind, access.default
    if entry is not None and not (entry.kind == "required" and access.kind == "default"):
        kind, default = entry.kind, entry.default
    return EnvRead(
        access.name,
        path,
        where,
        kind,
        default,
        in_settings,
        validation.via,
        validated=True,
        type=entry.type if entry is not None else None,
        settings_module=path,
    )


def js_env_reads(path: str, text: str, in_settings: bool) -> tuple[EnvRead, ...]:
    """Every read in one JS/TS file's text, for `audit env`. Raises SourceError when the
    text does not parse."""
    if not any(trigger in text for trigger in (*TRIGGERS, "createEnv")):
        return ()
    from auditor.plugins import describe_error, first_error, parsed_file

    file = parsed_file(path, text)
    error = first_error(file.root)
    index = LineIndex(text)
    if error is not None:
        at = index.location(file.offset(error.start_byte))
        raise SourceError(describe_error(file, error), at)
    return tuple(file_reads(file, in_settings, index))
