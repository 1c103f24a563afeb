"""The unvalidated-env fix for Python (`Rule.project_fix`): per app, every movable raw
read becomes a field of one settings module, and the read becomes that field.

The module: the app's settings class when it has one (`_env_existing`), else a new one
at the `python-settings-module` path (`_env_apps.default_module`): a pydantic-settings
class when the app depends on pydantic-settings, else the standard-library dataclass.
Each variable gets one field, typed as its reads use it (`_env_uses`, `_env_fields`);
reads that disagree make a required str, named in the fix's description. `.env.example`
beside the app's marker gets every variable the module declares that it lacks."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import libcst as cst

from auditor.plugins import (
    Edit,
    EnvRead,
    Finding,
    Fix,
    OptionValue,
    ProjectFiles,
    add_to_env_example,
)
from rules._env_message import PYTHON_SETTINGS_MODULE
from rules.python._env_apps import App, app_of, default_module, module_name, stranded_script
from rules.python._env_ast_uses import FIX_DESCRIPTION
from rules.python._env_existing import Existing, existing_settings
from rules.python._env_fields import (
    Field,
    Style,
    access_code,
    attribute_name,
    default_clash,
    is_secret,
    merged_want,
)
from rules.python._env_inventory import python_env_reads
from rules.python._env_module import (
    INSTANCE,
    field_line,
    needed_imports,
    new_module,
    ordered,
)
from rules.python._env_rewrite import Import, extended_class, rewritten, text_edits
from rules.python._env_uses import Use, Want, collect_uses

DESCRIPTION = FIX_DESCRIPTION


@dataclass
class _Target:
    """The settings module of one app, as the fix shapes it."""

    app: App
    path: str
    style: Style
    existing: Existing | None
    fields: dict[str, Field] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def instance(self) -> str:
        return self.existing.instance if self.existing and self.existing.instance else INSTANCE


def project_fix(
    findings: Sequence[Finding], files: ProjectFiles, options: Mapping[str, OptionValue]
) -> Fix | None:
    option = options.get(PYTHON_SETTINGS_MODULE, "")
    assert isinstance(option, str)
    places: dict[str, set[tuple[int, int]]] = {}
    for finding in findings:
        if finding.path.endswith(".py"):
            places.setdefault(finding.path, set()).add((finding.start.line, finding.start.column))
    apps: dict[str, tuple[App, list[str]]] = {}
    for path in sorted(places):
        app = app_of(path, files)
        apps.setdefault(app.root, (app, []))[1].append(path)
    edits: list[Edit] = []
    notes: list[str] = []
    for app, paths in apps.values():
        found, said = _fix_app(app, paths, places, files, option)
        edits += found
        notes += said
    if not edits:
        return None
    description = DESCRIPTION + "".join(f"; {note}" for note in notes)
    return Fix(tuple(edits), description, "unsafe")


def _fix_app(
    app: App,
    paths: Sequence[str],
    places: Mapping[str, set[tuple[int, int]]],
    files: ProjectFiles,
    option: str,
) -> tuple[list[Edit], list[str]]:
    modules: dict[str, tuple[str, cst.MetadataWrapper, list[Use]]] = {}
    notes: list[str] = []
    for path in paths:
        text = files.read(path)
        if text is None:
            continue
        if stranded_script(app, path, text, files):
            notes.append(
                f"{path} stays: a script outside the app's packages cannot import the settings module"
            )
            continue
        try:
            wrapper = cst.MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
        except cst.ParserSyntaxError:
            continue
        uses = [u for u in collect_uses(wrapper) if (u.line, u.column) in places[path]]
        if uses:
            modules[path] = (text, wrapper, uses)
    if not modules:
        return [], notes
    target = _target(app, list(modules), files, option)
    if target is None:
        return [], [f"{app.path(option)} exists and declares no settings class: nothing moved"]
    target.notes += notes
    by_name: dict[str, list[tuple[str, Use]]] = {}
    for path, (_text, _wrapper, uses) in modules.items():
        for use in uses:
            if path != target.path or (
                target.existing and use.line > target.existing.instance_line
            ):
                by_name.setdefault(use.name, []).append((path, use))
    for name in sorted(by_name):
        _declare(target, name, by_name[name])
    texts: dict[str, str] = {}
    for path, (_text, wrapper, uses) in modules.items():
        moved = [c for u in uses if (c := _code(target, path, u)) is not None]
        if moved:
            texts[path] = _rewrite_reads(target, path, wrapper.module, moved)
    module_text = _settings_text(target, texts.get(target.path, files.read(target.path)))
    if module_text is not None:
        texts[target.path] = module_text
    edits: list[Edit] = []
    for path, after in sorted(texts.items()):
        before = files.read(path)
        if before is None:
            edits.append(Edit(0, 0, after, path=path, create=True))
        else:
            edits += text_edits(path, before, after)
    if edits:
        edits += _env_example(
            target, texts.get(target.path) or files.read(target.path) or "", files
        )
    return edits, target.notes


def _target(app: App, readers: list[str], files: ProjectFiles, option: str) -> _Target | None:
    existing = existing_settings(app, files)
    if existing is not None:
        return _Target(app, existing.path, existing.style, existing)
    path = app.path(option or default_module(app, readers, files))
    if option and files.read(path) is not None:
        return None
    return _Target(app, path, "pydantic" if app.pydantic_settings else "stdlib", None)


def _declare(target: _Target, name: str, uses: Sequence[tuple[str, Use]]) -> None:
    """The field of the variable `name`: the class's own, or a new one."""
    existing = target.existing
    if existing is not None and name in existing.fields:
        declared = existing.fields[name]
        want = uses[0][1].want
        target.fields[name] = Field(name, declared.attr, want, False, existing=declared)
        return
    want, conflict = merged_want(name, uses)
    if conflict is not None:
        target.notes.append(conflict.describe())
    taken = set(existing.attributes) if existing else set()
    taken |= {f.attr for f in target.fields.values()}
    upper = existing is not None and _upper_fields(existing)
    attr, alias = attribute_name(name, taken, upper)
    if existing is not None and existing.style == "pydantic" and not alias:
        alias = attr.lower() != name.lower() and not upper
    secret = is_secret(name) and want.type == "str"
    pydantic = target.style == "pydantic"
    target.fields[name] = Field(
        name, attr, want, secret and pydantic, alias and pydantic, hidden=secret and not pydantic
    )


def _upper_fields(existing: Existing) -> bool:
    attrs = [declared.attr for declared in existing.fields.values()]
    return bool(attrs) and all(a.isupper() for a in attrs)


def _code(target: _Target, path: str, use: Use) -> tuple[cst.BaseExpression, str] | None:
    """The expression a read's field replaces and what it becomes, through the instance
    (`{}` marks where its name goes): the conversion around the read too when the field
    has the converted type, else the read alone."""
    field_ = target.fields.get(use.name)
    if field_ is None:
        return None
    if field_.existing is not None:
        clash = default_clash(field_.existing, use)
        if clash is not None:
            target.notes.append(f"{use.name} at {path}:{use.line} stays: {clash}")
            return None
    if use.node is not use.read and (field_.existing is not None or field_.want == use.want):
        code = access_code(field_, use.want, "{}", True)
        if code is not None:
            return use.node, code
    as_text = use.text or Want(use.want.kind, "str", None)
    code = access_code(field_, as_text, "{}", False)
    if code is None:
        shown = field_.existing.annotation if field_.existing else field_.want.type
        target.notes.append(f"{use.name} at {path}:{use.line} stays: its field is a {shown}")
        return None
    # A conditional where an operand goes needs parentheses (`(x if ... else "d").strip()`).
    return use.read, code if use.alone or " if " not in code else f"({code})"


def _rewrite_reads(
    target: _Target, path: str, module: cst.Module, moved: Sequence[tuple[cst.CSTNode, str]]
) -> str:
    imports: list[Import] = []
    name = target.instance
    if path != target.path:
        own = target.instance
        name = own if not _mentions(module, own) else _free_name(module, f"env_{own}")
        relative = target.app.relative(target.path)
        imports.append((module_name(target.app, relative), own, None if name == own else name))
    replacements = {node: code.replace("{}", name) for node, code in moved}
    return rewritten(module, replacements, imports)


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _mentions(module: cst.Module, name: str) -> bool:
    return name in _WORD.findall(module.code)


def _free_name(module: cst.Module, base: str) -> str:
    words = set(_WORD.findall(module.code))
    name, number = base, 2
    while name in words:
        name, number = f"{base}_{number}", number + 1
    return name


def _settings_text(target: _Target, before: str | None) -> str | None:
    """The settings module after the fix; None when it does not change."""
    new = [f for f in target.fields.values() if f.existing is None]
    # The dataclass module postpones its annotations: `str | None` on any Python 3.
    unions = target.app.union_syntax or target.style == "stdlib"
    if target.existing is None:
        return new_module(new, target.style, unions) if new else None
    if not new and target.existing.instance is not None:
        return None
    assert before is not None
    module = cst.parse_module(before)
    if new:
        required_first = target.style == "stdlib"
        groups = (
            [
                [f for f in ordered(new) if f.default_code() is None],
                [f for f in ordered(new) if f.default_code() is not None],
            ]
            if required_first
            else [ordered(new)]
        )
        for index, group in enumerate(groups):
            lines = [field_line(f, target.style, unions) for f in group]
            if lines:
                module = extended_class(
                    module, target.existing.owner, lines, required_first and index == 0
                )
        imports = needed_imports(new, target.style, unions)
        module = cst.parse_module(
            rewritten(module, {}, [(m, n, None) for m, n in imports if not _binds(module, n)])
        )
    text = module.code
    if target.existing.instance is None:
        text = text.rstrip("\n") + f"\n\n\n{INSTANCE} = {target.existing.owner}()\n"
    return text


def _binds(module: cst.Module, name: str) -> bool:
    return re.search(rf"\bimport\b[^\n]*\b{re.escape(name)}\b", module.code) is not None


def _env_example(target: _Target, module_text: str, files: ProjectFiles) -> list[Edit]:
    """`.env.example` beside the app's marker, with every variable the settings module
    declares that it lacks (a secret without its value)."""
    try:
        declared = python_env_reads(target.path, module_text, True)
    except Exception:
        return []
    reads = [
        _without_value(read) if read.name and is_secret(read.name) else read
        for read in declared
        if read.validated
    ]
    path = target.app.path(".env.example")
    before = files.read(path)
    after = add_to_env_example(before or "", reads)
    if before is None:
        return [Edit(0, 0, after, path=path, create=True)] if after else []
    return list(text_edits(path, before, after))


def _without_value(read: EnvRead) -> EnvRead:
    from dataclasses import replace

    return replace(read, default=None)
