"""Parsing SARIF 2.1.0 logs from any producer: results, regions, rule metadata, suppressions."""

from __future__ import annotations

import json
import posixpath
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from auditor.sources.report import Parsed, Raw, RuleDoc, SourceFailed, json_int, json_object

_SKIPPED_KINDS = frozenset({"pass", "notApplicable"})


def parse_sarif(text: str, root: Path) -> Parsed:
    """SARIF 2.1.0 results of every run. Paths: `uri`s resolved through `uriBaseId` and
    the run's `originalUriBaseIds` (a base id the log does not define is the project
    root), `file://` URIs, or references relative to the project root. Results whose
    `kind` is pass or notApplicable, whose `baselineState` is absent, or that are
    suppressed (a non-empty `suppressions` none of which is rejected or under review) are
    left out or marked suppressed. Fixes are ignored: sources have none."""
    try:
        log = json.loads(text)
    except ValueError as exc:
        raise SourceFailed(f"unparsable output: not JSON ({exc})") from None
    if not isinstance(log, dict) or not isinstance(log.get("runs"), list):
        raise SourceFailed("unparsable output: not a SARIF log (no 'runs' list)")
    version = log.get("version")
    if version is not None and version != "2.1.0":
        raise SourceFailed(f"SARIF version {version!r} is not supported (expected 2.1.0)")
    raws: list[Raw] = []
    docs: dict[str, RuleDoc] = {}
    unlocated = 0
    for run in log["runs"]:
        if not isinstance(run, dict):
            raise SourceFailed("unparsable output: a run is not an object")
        _check_invocations(run)
        reader = _SarifRun(run, root)
        for code, doc in reader.docs().items():
            docs.setdefault(code, doc)
        results = run.get("results") or []
        if not isinstance(results, list):
            raise SourceFailed("unparsable output: 'results' is not a list")
        for result in results:
            if not isinstance(result, dict):
                raise SourceFailed("unparsable output: a result is not an object")
            raw = reader.result(result)
            if raw is None:
                continue
            if raw.path == "":
                unlocated += 1
                continue
            raws.append(raw)
    warnings: tuple[str, ...] = ()
    if unlocated:
        warnings = (
            f"{unlocated} result{'' if unlocated == 1 else 's'} without a file location left out",
        )
    return Parsed(tuple(raws), docs, warnings)


def _check_invocations(run: Mapping[str, Any]) -> None:
    for invocation in run.get("invocations") or []:
        if isinstance(invocation, dict) and invocation.get("executionSuccessful") is False:
            detail = "the tool reports that its run failed"
            for note in invocation.get("toolExecutionNotifications") or []:
                text = _text(note.get("message")) if isinstance(note, dict) else ""
                if text:
                    detail = f"the tool reports that its run failed: {text}"
                    break
            raise SourceFailed(detail)


def _text(message: object) -> str:
    if not isinstance(message, dict):
        return ""
    text = message.get("text")
    if not isinstance(text, str):
        text = message.get("markdown") if isinstance(message.get("markdown"), str) else ""
    return " ".join(str(text).split())


def _format(template: str, arguments: object) -> str:
    """SARIF message placeholders `{0}`, `{1}`... replaced by the result's arguments."""
    if not isinstance(arguments, list) or not arguments:
        return template

    def substitute(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return str(arguments[index]) if index < len(arguments) else match.group(0)

    return re.sub(r"\{(\d+)\}", substitute, template)


class _SarifRun:
    def __init__(self, run: Mapping[str, Any], root: Path) -> None:
        self.run = run
        self.root = root
        tool = json_object(run.get("tool"))
        self.driver = json_object(tool.get("driver"))
        extensions = tool.get("extensions")
        self.extensions = (
            [e for e in extensions if isinstance(e, dict)] if isinstance(extensions, list) else []
        )
        self.bases = json_object(run.get("originalUriBaseIds"))
        artifacts = run.get("artifacts")
        self.artifacts = artifacts if isinstance(artifacts, list) else []
        self.utf16 = run.get("columnKind", "utf16CodeUnits") != "unicodeCodePoints"

    @staticmethod
    def _rules_of(component: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        rules = component.get("rules")
        return [r if isinstance(r, dict) else {} for r in rules] if isinstance(rules, list) else []

    def docs(self) -> dict[str, RuleDoc]:
        out: dict[str, RuleDoc] = {}
        for component in (self.driver, *self.extensions):
            for rule in self._rules_of(component):
                rule_id = rule.get("id")
                if not isinstance(rule_id, str) or not rule_id:
                    continue
                summary = _text(rule.get("shortDescription")) or str(rule.get("name") or rule_id)
                description = _text(rule.get("fullDescription")) or _text(rule.get("help"))
                help_uri = rule.get("helpUri") if isinstance(rule.get("helpUri"), str) else ""
                out.setdefault(rule_id, RuleDoc(summary, str(help_uri), description))
        return out

    def _rule(self, result: Mapping[str, Any]) -> Mapping[str, Any]:
        reference = json_object(result.get("rule"))
        index = json_int(reference.get("index"))
        if index is None:
            index = json_int(result.get("ruleIndex"))
        component: Mapping[str, Any] = self.driver
        tool_component = reference.get("toolComponent")
        if isinstance(tool_component, dict):
            extension = json_int(tool_component.get("index"))
            if extension is not None and 0 <= extension < len(self.extensions):
                component = self.extensions[extension]
        rules = self._rules_of(component)
        if index is not None and 0 <= index < len(rules):
            return rules[index]
        rule_id = result.get("ruleId") or reference.get("id")
        return next((r for r in rules if r.get("id") == rule_id), {})

    def result(self, result: Mapping[str, Any]) -> Raw | None:
        kind = result.get("kind", "fail")
        if kind in _SKIPPED_KINDS or result.get("baselineState") == "absent":
            return None
        rule = self._rule(result)
        reference = json_object(result.get("rule"))
        code = result.get("ruleId") or reference.get("id") or rule.get("id") or "unknown"
        level = result.get("level")
        if level not in ("error", "warning", "note", "none"):
            default = json_object(rule.get("defaultConfiguration")).get("level")
            level = default if default in ("error", "warning", "note", "none") else None
            if level is None:
                level = "warning" if kind == "fail" else "none"
        message = json_object(result.get("message"))
        template = _text(message)
        if not template and isinstance(message.get("id"), str):
            template = _text(json_object(rule.get("messageStrings")).get(message["id"]))
        text = _format(template, message.get("arguments")) or str(code)
        path, region = self._location(result)
        raw = Raw(
            code=str(code),
            path=path,
            line=None,
            column=None,
            end_line=None,
            end_column=None,
            message=text,
            level=str(level),
            suppressed=_suppressed(result),
            utf16=self.utf16,
        )
        return _with_region(raw, region)

    def _location(self, result: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
        """The first location's path (absolute or relative to the root; "" when there is
        none, or it is not a file) and region."""
        locations = result.get("locations")
        if not isinstance(locations, list) or not locations or not isinstance(locations[0], dict):
            return "", {}
        physical = locations[0].get("physicalLocation")
        if not isinstance(physical, dict):
            return "", {}
        artifact = physical.get("artifactLocation")
        artifact = artifact if isinstance(artifact, dict) else {}
        if not isinstance(artifact.get("uri"), str):
            index = json_int(artifact.get("index"))
            if index is not None and 0 <= index < len(self.artifacts):
                entry = self.artifacts[index]
                location = entry.get("location") if isinstance(entry, dict) else None
                artifact = location if isinstance(location, dict) else {}
        uri = artifact.get("uri")
        if not isinstance(uri, str) or not uri:
            return "", {}
        base_id = artifact.get("uriBaseId")
        path = self._resolve(uri, base_id if isinstance(base_id, str) else None, 0)
        region = physical.get("region")
        return path or "", region if isinstance(region, dict) else {}

    def _resolve(self, uri: str, base_id: str | None, depth: int) -> str | None:
        """An absolute path for `uri`, or None when it is not a file (https:...)."""
        parts = urllib.parse.urlsplit(uri)
        if parts.scheme == "file":
            if parts.netloc not in ("", "localhost"):
                return None
            return posixpath.normpath(urllib.parse.unquote(parts.path))
        if len(parts.scheme) > 1:  # http:, https:... (one letter would be a drive)
            return None
        path = urllib.parse.unquote(parts.path)
        if path.startswith("/"):
            return posixpath.normpath(path)
        base = self.root.as_posix()
        if base_id is not None and depth < 8:
            definition = self.bases.get(base_id)
            if isinstance(definition, dict) and isinstance(definition.get("uri"), str):
                parent = definition.get("uriBaseId")
                resolved = self._resolve(
                    definition["uri"], parent if isinstance(parent, str) else None, depth + 1
                )
                if resolved is None:
                    return None
                base = resolved
        return posixpath.normpath(posixpath.join(base, path))


def _suppressed(result: Mapping[str, Any]) -> bool:
    found = result.get("suppressions")
    if not isinstance(found, list) or not found:
        return False
    statuses = {s.get("status") for s in found if isinstance(s, dict)}
    return not statuses & {"rejected", "underReview"}


def _with_region(raw: Raw, region: Mapping[str, Any]) -> Raw:
    line = json_int(region.get("startLine"))
    if line is None or line < 1:
        offset = json_int(region.get("charOffset"))
        if offset is not None and offset >= 0:
            length = max(json_int(region.get("charLength")) or 0, 0)
            return replace(raw, offsets=(offset, offset + length))
        return raw
    end_line = json_int(region.get("endLine")) or line
    return replace(
        raw,
        line=line,
        column=json_int(region.get("startColumn")) or 1,
        end_line=max(end_line, line),
        end_column=json_int(region.get("endColumn")),
    )
