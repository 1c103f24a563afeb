"""unvalidated-env (JS/TS), the fix: per app, one validated settings module holding every
variable read raw, each read rewritten to its field, `.env.example` extended.

The app of a file is the folder of its nearest package.json (a file with none gets no
fix). Its settings module is, in this order: a validated one it has (`createEnv`, a zod
schema, the fix's own check module) at the `typescript-settings-module` location or at
`src/env`, `env`, `src/lib/env`, `lib/env` (`.ts`, `.mts`, `.js`, `.mjs`), or in a file
with reads to move; else a new one at `typescript-settings-module` (relative to the app;
by default `src/env.ts` when the moved reads are under `src/`, else `env.ts`; `.js`
without TypeScript; where the reading files belong to tsconfig projects that do not take
that place in, the same name in the folder of the project that takes it in for the most of
them), or `validated-env` beside it when a file that validates nothing is already there. A
read is moved only from a file that can import the module: its tsconfig project takes
the module in, and it is not CommonJS importing a `.ts` module. An app whose validated module the fix cannot extend (envalid, znv, a value
not exported) gets no fix. See rules/javascript/env_uses.py for what moves and how each
field is typed."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from auditor.plugins import (
    Edit,
    EnvRead,
    Finding,
    Fix,
    Location,
    OptionValue,
    ParsedFile,
    ProjectFiles,
    add_to_env_example,
)
from rules._env_message import TYPESCRIPT_SETTINGS_MODULE, allow_names
from rules.javascript._import_insert import import_edit
from rules.javascript._project import mapped
from rules.javascript._ts_project import LoadJson, file_project, outside_project
from rules.javascript.env_app import App, app_at, load_json, package_folder, specifier
from rules.javascript.env_extend import Existing, existing_module, extend_edits
from rules.javascript.env_module import BINDING, Style, module_text
from rules.javascript.env_uses import FieldKind, Use, fields, file_uses, replacement
from rules.javascript.scope import Scopes, string_value

if TYPE_CHECKING:
    from tree_sitter import Node

_STEMS = (
    "src/env",
    "env",
    "src/lib/env",
    "lib/env",
    "src/config/env",
    "src/config",
    "config",
    "src/lib/config",
    "lib/config",
)
_EXTENSIONS = (".ts", ".mts", ".js", ".mjs")
_SECRET = ("KEY", "SECRET", "TOKEN", "PASSWORD", "PASSWD", "CREDENTIAL", "PRIVATE")
_FLAVOURS = {
    "t3-nextjs": "t3-env createEnv",
    "t3-core": "t3-env createEnv",
    "zod": "a zod schema",
    "plain": "a check that throws",
}


@dataclass(frozen=True, slots=True)
class _Module:
    path: str
    binding: str
    existing: Existing | None


@dataclass(frozen=True, slots=True)
class _AppFix:
    edits: tuple[Edit, ...]
    summary: str
    conflicts: tuple[str, ...]


def project_fix(
    findings: Sequence[Finding], files: ProjectFiles, options: Mapping[str, OptionValue]
) -> Fix | None:
    allow = allow_names(options)
    location = options.get(TYPESCRIPT_SETTINGS_MODULE, "")
    assert isinstance(location, str)
    by_app: dict[str, list[str]] = {}
    for path in dict.fromkeys(f.path for f in findings):
        folder = package_folder(files.read, path)
        if folder is not None:
            by_app.setdefault(folder, []).append(path)
    done = []
    for folder in sorted(by_app):
        app = app_at(files.read, folder)
        fixed = _fix_app(app, by_app[folder], files, allow, location)
        if fixed is not None:
            done.append(fixed)
    if not done:
        return None
    summary = "; ".join(d.summary for d in done)
    conflicts = [c for d in done for c in d.conflicts]
    described = f"{summary}{'; conflicts: ' + '; '.join(conflicts) if conflicts else ''}"
    return Fix(
        tuple(e for d in done for e in d.edits),
        f"{described} (unsafe: a required variable that is unset now stops the app at start)",
        "unsafe",
    )


def _parsed(files: ProjectFiles, path: str) -> ParsedFile | None:
    from auditor.plugins import first_error, parsed_file

    text = files.read(path)
    if text is None:
        return None
    file = parsed_file(path, text)
    return None if first_error(file.root) is not None else file


def _fix_app(
    app: App, paths: Sequence[str], files: ProjectFiles, allow: tuple[str, ...], location: str
) -> _AppFix | None:
    parsed = {p: f for p in paths if (f := _parsed(files, p)) is not None}
    uses = {p: u for p, f in parsed.items() if (u := file_uses(f, allow, app.nextjs))}
    if not uses:
        return None
    # A component's script in TypeScript (`lang="ts"`) makes a TypeScript app too.
    if any(parsed[p].grammar != "javascript" for p in uses):
        app = replace(app, typescript=True, esm=True)
    imported = [m for f in parsed.values() for m in _imported_modules(app, f)]
    module = _module(app, files, [*uses, *imported], location)
    if module is None:
        return None
    load = _json_loader(files)
    if module.existing is None and not location:
        module = replace(module, path=_in_projects(load, app, files, list(uses), module.path))
    uses = {p: u for p, u in uses.items() if _reaches(load, app, parsed[p], module.path)}
    if not uses:
        return None
    declared = module.existing.schema if module.existing is not None else {}
    every = [u for found in uses.values() for u in found]
    new = [f for f in fields(every, app.nextjs) if f.name not in declared]
    asked: dict[str, tuple[FieldKind, str | None]] = {f.name: (f.kind, f.default) for f in new}
    for name, entry in declared.items():
        kind: FieldKind = "optional"
        if entry.kind == "required" or entry.kind == "default":
            kind = entry.kind
        asked[name] = (kind, entry.default)
    edits: list[Edit] = []
    for path, found in uses.items():
        edits += _file_edits(app, parsed[path], found, asked, module)
    if module.existing is None:
        style = Style(app.typescript, _esm_module(app, module.path))
        text = module_text(app.flavour, new, style)
        edits.append(Edit(0, 0, text, path=module.path, create=True))
    else:
        edits += [_at(e, module.path) for e in extend_edits(module.existing, new)]
    edits += _example(app, files, every)
    what = _FLAVOURS[app.flavour] if module.existing is None else "its validation"
    verb = "written" if module.existing is None else "extended"
    summary = (
        f"{len(asked) if module.existing is None else len(new)} variable(s) declared in "
        f"{module.path} ({what}, {verb}) and {len(every)} read(s) in {len(uses)} file(s) "
        f"read from `{module.binding}`"
    )
    return _AppFix(tuple(edits), summary, tuple(f.conflict for f in new if f.conflict))


def _json_loader(files: ProjectFiles) -> LoadJson:
    return lambda path: load_json(files.read, path)


def _in_projects(
    load: LoadJson, app: App, files: ProjectFiles, paths: Sequence[str], default: str
) -> str:
    """Where a new module goes: the default place, else the same name in the folder of a
    reading file's tsconfig project, whichever the most reading files' projects take in
    (thelounge: server/env.ts, which server/ and test/ compile, not env.ts, which neither
    does)."""
    projects = [p for path in paths if (p := file_project(load, path)) is not None]
    name = posixpath.basename(default)
    candidates = [default] + [
        posixpath.join(posixpath.dirname(p.config), name)
        for p in projects
        if posixpath.dirname(p.config).startswith(app.root)
    ]
    free = [c for c in dict.fromkeys(candidates) if c == default or files.read(c) is None]
    return max(free, key=lambda c: sum(p.takes_in(c) for p in projects))


def _reaches(load: LoadJson, app: App, file: ParsedFile, module: str) -> bool:
    """Whether `file` can import the settings module: its TypeScript project takes the
    module in, and it is not CommonJS run as it is, which cannot require a .ts module."""
    if outside_project(load, file.path, module) is not None:
        return False
    return module.endswith((".js", ".mjs", ".cjs")) or _esm_file(app, file)


def _at(edit: Edit, path: str) -> Edit:
    return Edit(edit.start, edit.end, edit.text, path=path)


def _esm_module(app: App, path: str) -> bool:
    if path.endswith((".mjs", ".mts")):
        return True
    return not path.endswith((".cjs", ".cts")) and app.esm


def _module(app: App, files: ProjectFiles, paths: Sequence[str], location: str) -> _Module | None:
    """The settings module: one the app has, else where a new one goes; None when the app
    has one the fix cannot extend, or no free place for a new one."""
    configured = posixpath.splitext(location)[0] if location else None
    stems = (configured,) if configured else _STEMS
    candidates = [app.path(s + e) for s in stems for e in _EXTENSIONS]
    if location and posixpath.splitext(location)[1] not in _EXTENSIONS:
        candidates.insert(0, app.path(location))
    for path in dict.fromkeys([*candidates, *paths]):
        file = _parsed(files, path) if files.read(path) is not None else None
        if file is None:
            continue
        found = existing_module(file)
        if found == "other":
            return None
        if found is not None:
            return _Module(path, found.binding, found)
    if location:
        target = app.path(location)
    else:
        src = any(p.startswith(app.path("src/")) for p in paths)
        target = app.path(("src/env" if src else "env") + (".ts" if app.typescript else ".js"))
    if files.read(target) is not None:
        stem, ext = posixpath.splitext(target)
        target = posixpath.join(posixpath.dirname(stem), "validated-env" + ext)
        if files.read(target) is not None:
            return None
    return _Module(target, BINDING, None)


def _file_edits(
    app: App,
    file: ParsedFile,
    uses: Sequence[Use],
    asked: Mapping[str, tuple[FieldKind, str | None]],
    module: _Module,
) -> list[Edit]:
    path = file.path
    local, statement = _import(app, file, module)
    edits = []
    for use in uses:
        start, end = replacement(use, *asked[use.name])
        edits.append(Edit(start, end, f"{local}.{use.name}", path=path))
    if statement is not None:
        edits.append(_at(import_edit(file, statement), path))
    return edits


def _import(app: App, file: ParsedFile, module: _Module) -> tuple[str, str | None]:
    """The name the file reads the settings object by, and the statement importing it
    (None: the file is the module, or imports it already)."""
    if file.path == module.path:
        return module.binding, None
    source = specifier(app, file.path, module.path)
    imported = _imported(app, file, module)
    if imported is not None:
        return imported, None
    scopes = Scopes(file)
    local, n = module.binding, 1
    while scopes.bindings(local):
        n += 1
        local = f"app{module.binding[:1].upper()}{module.binding[1:]}{n if n > 2 else ''}"
    quote = (
        "'"
        if file.text.count("from '") + file.text.count("require('")
        > file.text.count('from "') + file.text.count('require("')
        else '"'
    )
    end = ";" if ";\n" in file.text or not file.text.strip() else ""
    named = module.binding if local == module.binding else f"{module.binding} as {local}"
    if _esm_file(app, file):
        return local, f"import {{ {named} }} from {quote}{source}{quote}{end}"
    named = named.replace(" as ", ": ")
    return local, f"const {{ {named} }} = require({quote}{source}{quote}){end}"


def _esm_file(app: App, file: ParsedFile) -> bool:
    if file.path.endswith((".cjs", ".cts")):
        return False
    if any(c.type in {"import_statement", "export_statement"} for c in file.root.named_children):
        return True
    if file.path.endswith((".mjs", ".mts", ".ts", ".tsx", ".jsx")):
        return True
    return app.esm and not any(cjs in file.text for cjs in ("require(", "module.exports"))


def _targets(app: App, file: ParsedFile, source: str) -> list[str]:
    """The root-relative stems an import's source may name (relative or an alias)."""
    if source.startswith("."):
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(file.path), source))
        return [joined]
    return mapped(source, app.paths) if app.paths is not None else []


def _imported_modules(app: App, file: ParsedFile) -> list[str]:
    """The project files `file` imports (each extension tried): where an existing
    settings module may be found."""
    found = []
    for statement in file.root.named_children:
        source = statement.child_by_field_name("source")
        if statement.type != "import_statement" or source is None:
            continue
        for target in _targets(app, file, string_value(source) or ""):
            stem = posixpath.splitext(target)[0] if target.endswith(_EXTENSIONS) else target
            found += [stem + ext for ext in _EXTENSIONS]
    return found


def _imported(app: App, file: ParsedFile, module: _Module) -> str | None:
    """The local name of the settings object when the file imports it already."""
    stem = posixpath.splitext(module.path)[0]
    for statement in file.root.named_children:
        source = statement.child_by_field_name("source")
        if statement.type != "import_statement" or source is None:
            continue
        targets = _targets(app, file, string_value(source) or "")
        if stem not in {posixpath.splitext(t)[0] for t in targets}:
            continue
        for node in _walk(statement):
            if node.type == "import_specifier":
                name = node.child_by_field_name("name")
                alias = node.child_by_field_name("alias")
                if name is not None and file.code(name) == module.binding:
                    return file.code(alias or name)
    return None


def _walk(node: Node) -> list[Node]:
    found: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(current.named_children)
    return found


def _example(app: App, files: ProjectFiles, uses: Sequence[Use]) -> list[Edit]:
    """`.env.example` of the app, with the variables moved that it does not hold yet."""
    path = app.path(".env.example")
    existing = files.read(path)
    reads = [
        EnvRead(
            u.name,
            u.path,
            Location(u.line, 1),
            "default" if u.default is not None else u.kind,
            None if _secret(u.name) else u.default,
            False,
            "process.env",
        )
        for u in uses
    ]
    text = add_to_env_example(existing or "", reads)
    if existing is None:
        return [Edit(0, 0, text, path=path, create=True)]
    return [] if text == existing else [Edit(0, len(existing), text, path=path)]


def _secret(name: str) -> bool:
    return any(part in name.upper() for part in _SECRET)
