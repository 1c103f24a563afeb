"""The installed rules' metadata, kept in the cache folder between runs, so that a scan
answered wholly from the result cache never imports the rules (nor LibCST behind them).

Valid while the entry points of `auditor.rules` and every source file of the packages
that define the rules (and of auditor) are as they were: any change there, an upgrade, an
edited rule, a new plugin, and the rules are imported again and the manifest rewritten.
Projects with local plugin modules (`plugins = [...]`) do not use it.

Signed like the result cache (auditor.cache_signing): a manifest that came with the code,
or is not of the shape written here, is a miss and the rules are imported.

What it gives are stand-in classes (`RuleStub`) with a rule's metadata and no visitor:
enough to resolve the configuration and to compute the result cache's key. A scan that has
a file to parse swaps them for the real classes first (`Project.realized`)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

from auditor import __version__, cache_signing
from auditor.cache_signing import as_dict, as_list, as_optional_str, as_str
from auditor.model import Severity
from auditor.scan.fileio import write_atomic
from auditor.scan.loading import ActiveRule, Implementation, LoadedRule
from auditor.scan.rule_core import ENTRY_POINT_GROUP, BaseRule

FORMAT = 3
NAME = "rules.json"


class RuleStub(BaseRule):
    """A rule's metadata without its code."""

    module_file: ClassVar[str] = ""


def module_file(cls: type[BaseRule]) -> str | None:
    """The file of the module that defines `cls` (a stub knows it without the import)."""
    if issubclass(cls, RuleStub):
        return cls.module_file
    module = sys.modules.get(cls.__module__)
    found = getattr(module, "__file__", None)
    return found if isinstance(found, str) else None


def is_stub(cls: type[BaseRule]) -> bool:
    return issubclass(cls, RuleStub)


def _installed() -> list[list[Any]]:
    """What says the installed plugins are as they were, without importlib.metadata (a
    fifth of a warm scan's time to import and query): the mtime of every directory on
    sys.path (installing or removing a distribution adds or removes a folder there)."""
    stamp: list[list[Any]] = []
    # sys.path[0] is the running script's folder, or the current directory for `python -c`
    # and `-m` (whose mtime a scan changes itself): it differs between ways of starting
    # auditor, and distributions are not installed there.
    for entry in filter(None, sys.path[1:]):
        try:
            stamp.append([entry, os.stat(entry).st_mtime_ns])
        except OSError:
            stamp.append([entry, None])
    return stamp


def _entry_point_files() -> list[list[Any]] | None:
    """The `entry_points.txt` of every distribution that registers rules, stamped; None
    when one cannot be found (then no manifest is written)."""
    from importlib.metadata import entry_points

    files = set()
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        folder = getattr(ep.dist, "_path", None)  # PathDistribution's dist-info folder
        if folder is None:
            return None
        files.add(os.path.join(str(folder), "entry_points.txt"))
    return _stat_files(sorted(files))


def _stat_files(files: Iterable[str]) -> list[list[Any]]:
    stamp: list[list[Any]] = []
    for file in files:
        try:
            st = os.stat(file)
            stamp.append([file, st.st_size, st.st_mtime_ns])
        except OSError:
            stamp.append([file, None])
    return stamp


def code_files(classes: Iterable[type[BaseRule]]) -> list[str]:
    """The code that produces findings: auditor's own modules, and for each rule class
    every module of its top-level package, subpackages included (helpers shared by rules
    hold logic and options too: `rules/python/` and `rules/javascript/` share
    `rules/_env_message.py`), or its module alone when it is not in a package (a plugin
    beside the project's files)."""
    files: set[str] = set()
    # auditor's own modules, its wings' included.
    for folder, _, names in os.walk(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))):
        files.update(os.path.join(folder, n) for n in names if n.endswith(".py"))
    directories: set[str] = set()
    for cls in classes:
        found = module_file(cls)
        if found is None:
            continue
        if "." not in cls.__module__:
            files.add(os.path.abspath(found))
            continue
        top = os.path.dirname(os.path.abspath(found))
        depth = cls.__module__.count(".") - (os.path.basename(found) == "__init__.py")
        for _ in range(depth - 1):
            top = os.path.dirname(top)
        directories.add(top)
    for directory in directories:
        for folder, _, names in os.walk(directory):
            files.update(os.path.join(folder, n) for n in names if n.endswith(".py"))
    return sorted(files)


def code_stamp(classes: Iterable[type[BaseRule]]) -> list[list[Any]]:
    """Size and mtime of `code_files`: an edited rule, helper or engine (an editable
    install, a local plugin) must not be answered from what its old code computed."""
    return _stat_files(code_files(classes))


def any_stub(rules: Iterable[ActiveRule]) -> bool:
    """Whether any of the rules is a stand-in from the manifest (it cannot scan)."""
    return any(is_stub(r.cls) for r in rules)


def load(cache_dir: Path) -> dict[str, LoadedRule] | None:
    """The registry from the manifest, with stub classes; None when it is missing, stale
    or unreadable."""
    payload = cache_signing.read(NAME, cache_dir / NAME)
    if payload is None:
        return None
    try:
        data = json.loads(payload)
        if not isinstance(data, dict):
            return None
        if data.get("format") != FORMAT or data.get("version") != __version__:
            return None
        if data.get("installed") != _installed():
            return None
        entry_point_files = data.get("entry_point_files", [])
        if entry_point_files != _stat_files(record[0] for record in entry_point_files):
            return None
        if data.get("stamp") != _stat_files(record[0] for record in data.get("stamp", [])):
            return None
        registry: dict[str, LoadedRule] = {}
        for rule_id, implementations in as_dict(data["rules"]).items():
            registry[rule_id] = LoadedRule(
                tuple(
                    Implementation(_stub(as_dict(record)), as_str(record["origin"]))
                    for record in as_list(implementations)
                )
            )
        return registry
    except Exception:  # unreadable, or not of the shape written here: import the rules
        return None


def save(cache_dir: Path, registry: Mapping[str, LoadedRule]) -> None:
    """Best effort: a cache folder that cannot be written only costs the next run time."""
    rules: dict[str, list[dict[str, Any]]] = {}
    for rule_id, loaded in registry.items():
        records = []
        for impl in loaded.implementations:
            cls = impl.cls
            file = module_file(cls)
            if file is None or is_stub(cls):
                return
            records.append(
                {
                    "origin": impl.origin,
                    "module": cls.__module__,
                    "qualname": cls.__qualname__,
                    "file": file,
                    "id": cls.id,
                    "severity": cls.severity.label,
                    "message": cls.message,
                    "doc": cls.__doc__,  # `audit rules` and SARIF explain a rule with it
                    "languages": sorted(cls.languages),
                    "options": {k: v for k, v in cls.OPTIONS.items()},
                    "fix_applicability": cls.fix_applicability,
                    "fix_description": cls.fix_description,
                    "project_files": list(cls.PROJECT_FILES),
                    "url": cls.url,
                }
            )
        rules[rule_id] = records
    entry_point_files = _entry_point_files()
    if entry_point_files is None:
        return
    data = {
        "format": FORMAT,
        "version": __version__,
        "installed": _installed(),
        "entry_point_files": entry_point_files,
        "stamp": code_stamp(
            impl.cls for loaded in registry.values() for impl in loaded.implementations
        ),
        "rules": rules,
    }
    sealed = cache_signing.seal(NAME, json.dumps(data, indent=1).encode("utf-8"))
    if sealed is None:
        return  # no signing key: no manifest
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(cache_dir / NAME, sealed)
    except OSError:
        pass


def _stub(record: Mapping[str, Any]) -> type[BaseRule]:
    options = {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in as_dict(record["options"]).items()
    }
    qualname = as_str(record["qualname"])
    attributes = {
        "__module__": as_str(record["module"]),
        "__qualname__": qualname,
        "__doc__": as_optional_str(record["doc"]),
        "module_file": as_str(record["file"]),
        "id": as_str(record["id"]),
        "severity": Severity.parse(as_str(record["severity"])),
        "message": as_str(record["message"]),
        "languages": frozenset(as_str(name) for name in as_list(record["languages"])),
        "OPTIONS": MappingProxyType(options),
        "fix_applicability": "unsafe" if record["fix_applicability"] == "unsafe" else "safe",
        "fix_description": as_optional_str(record["fix_description"]),
        "PROJECT_FILES": tuple(as_str(name) for name in as_list(record["project_files"])),
        "url": as_optional_str(record["url"]),
    }
    return type(qualname.rpartition(".")[2], (RuleStub,), attributes)
