"""`audit issues sync`: a first issues file, and issues appended for rules with findings
and no issue, in the file's own layout; every byte a user wrote is kept."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from auditor.model import Severity
from auditor.track.issues_file import IssuesError, IssuesFile


@dataclass(frozen=True, slots=True)
class NewIssue:
    rule_id: str
    title: str
    severity: Severity


PREFIXES = {
    Severity.CRITICAL: "CRIT",
    Severity.HIGH: "HIGH",
    Severity.MEDIUM: "MED",
    Severity.LOW: "LOW",
}


def next_ids(existing: Collection[str], new: Sequence[NewIssue]) -> Iterator[str]:
    taken = set(existing)
    for item in new:
        prefix = PREFIXES[item.severity]
        number = 1
        while f"{prefix}-{number}" in taken:
            number += 1
        taken.add(f"{prefix}-{number}")
        yield f"{prefix}-{number}"


def start_issues_file(path: Path, project: str) -> bool:
    """Write a first issues file at `path`, tracking from today, unless there is one;
    whether it was written."""
    from auditor.scan.fileio import write_atomic

    if path.exists():
        return False
    text = (
        "# The project's remediation tracker: `audit issues list`, `audit report`.\n"
        f"project: {_yaml_string(project)}\n"
        f"started: {dt.date.today().isoformat()}  # commits before this are not counted\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text.encode("utf-8"))
    return True


def append_issues(text: str, existing: IssuesFile, new: Sequence[NewIssue]) -> str:
    """`text` with an issue appended for each of `new`, at the end of the `issues:` list,
    in the list's own indentation; every other byte is kept."""
    if not new:
        return text
    newline = "\r\n" if "\r\n" in text else "\n"
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    ids = list(next_ids([i.id for i in existing.issues], new))
    issues_node = None
    if isinstance(root, yaml.MappingNode):
        issues_node = next((v for k, v in root.value if k.value == "issues"), None)
    if (
        isinstance(issues_node, yaml.SequenceNode)
        and issues_node.value
        and issues_node.flow_style is False
    ):
        first = issues_node.value[0]
        line_start = text.rfind("\n", 0, first.start_mark.index) + 1
        dash_column = text.index("-", line_start) - line_start
        indent = " " * dash_column
        insert_at = _end_of_block(text, issues_node.end_mark.index)
        block = "".join(
            _issue_block(item, issue_id, indent, newline)
            for item, issue_id in zip(new, ids, strict=True)
        )
        prefix = "" if insert_at == 0 or text[insert_at - 1] == "\n" else newline
        return text[:insert_at] + prefix + block + text[insert_at:]
    if issues_node is None:
        body = "".join(
            _issue_block(item, issue_id, "  ", newline)
            for item, issue_id in zip(new, ids, strict=True)
        )
        sep = "" if not text or text.endswith("\n") else newline
        return f"{text}{sep}issues:{newline}{body}"
    if isinstance(issues_node, yaml.SequenceNode) and not issues_node.value:
        # `issues: []`, as a first file is often written: the list becomes a block.
        start, end = issues_node.start_mark.index, issues_node.end_mark.index
        body = "".join(
            _issue_block(item, issue_id, "  ", newline)
            for item, issue_id in zip(new, ids, strict=True)
        )
        rest = text[end:]
        after = rest[rest.index("\n") + 1 :] if "\n" in rest else ""
        comment = rest[: rest.index("\n")].strip() if "\n" in rest else rest.strip()
        head = text[:start].rstrip(" ")
        line = f"  {comment}" if comment else ""
        return f"{head}{line}{newline}{body}{after}"
    raise IssuesError(
        f"{existing.path}: 'issues' is in flow style; write it as a block list"
        " (one `- id: ...` per line) so sync can follow its layout"
    )


def _end_of_block(text: str, index: int) -> int:
    """The end of the line where the block ends, so comments after it stay after it."""
    if index > 0 and text[index - 1] == "\n":
        return index
    end = text.find("\n", index)
    return len(text) if end == -1 else end + 1


def _issue_block(item: NewIssue, issue_id: str, indent: str, newline: str) -> str:
    inner = indent + "  "
    lines = [
        f"{indent}- id: {issue_id}",
        f"{inner}title: {_yaml_string(item.title)}",
        f"{inner}severity: {item.severity.label}",
        f"{inner}rules: [{_rule_item(item.rule_id)}]",
        f"{inner}status: auto",
    ]
    return newline.join(lines) + newline


def _rule_item(rule_id: str) -> str:
    """A rule id in a flow list: plain when kebab-case, quoted when namespaced or a glob."""
    return rule_id if re.fullmatch(r"[a-z0-9-]+", rule_id) else _yaml_string(rule_id)


def _yaml_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
