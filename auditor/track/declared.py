"""Since when each issue has the status `issues.yaml` declares: read from the history of
`issues.yaml` itself, so that "Won't fix" in a report says when it was decided."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml

from auditor.track.git_objects import GitError, open_repo, run_git
from auditor.track.issues_file import IssuesFile

_SEP = "\x1f"


def declared_since(top: Path, issues_file: Path, issues: IssuesFile) -> dict[str, str]:
    """Issue id -> the committer date of the first commit, on the first-parent line, from
    which its declared status (other than `auto`) has been what it is now. An issue whose
    status is not committed yet, or `auto`, has none."""
    wanted = {i.id: i.status for i in issues.issues if i.status != "auto"}
    if not wanted:
        return {}
    rel = issues_file.resolve().relative_to(top.resolve()).as_posix()
    repo = open_repo(top)
    try:
        log = run_git(repo, "log", "--first-parent", f"--format=%H{_SEP}%cI", "--", rel)
        since: dict[str, str] = {}
        for line in log.splitlines():  # newest first
            sha, date = line.split(_SEP)
            statuses = _statuses(run_git(repo, "show", f"{sha}:{rel}"))
            for issue_id, status in list(wanted.items()):
                if statuses.get(issue_id) == status:
                    since[issue_id] = date
                else:
                    del wanted[issue_id]  # it had another status before: found
            if not wanted:
                break
        return since
    except GitError:
        return {}
    finally:
        repo.close()


def _statuses(text: str) -> Mapping[str, str]:
    """Each issue's status in one version of the file; nothing for a version that does
    not read (it was broken then, and fixed since)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    items = data.get("issues") if isinstance(data, dict) else None
    found: dict[str, str] = {}
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            found[item["id"]] = str(item.get("status", "auto"))
    return found
