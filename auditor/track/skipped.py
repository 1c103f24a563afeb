"""The files HEAD holds that a scan would skip (generated, minified): the tracker's part of
the one account of files not checked, read from git's objects like the rest of the report
(the first HEAD characters of each file in scope, never the work tree)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from auditor.scan.engine import Engine
from auditor.scan.generated import HEAD
from auditor.track.git_objects import GitObjects, MissingBlob, open_repo


def skipped_at_head(
    top: Path, root: Path, engine: Engine, scanned_language: Callable[[str], str | None]
) -> tuple[tuple[str, str], ...]:
    """(path from the project root, reason) for each file HEAD holds that the scan skips;
    nothing when generated files are scanned or HEAD has no commit."""
    if not engine.skip_generated:
        return ()
    repo = open_repo(top)
    try:
        if not repo.head.is_valid():
            return ()
        objects = GitObjects(repo)
        below = root.resolve().relative_to(top.resolve()).as_posix()
        prefix = "" if below == "." else below + "/"
        found = []
        for path, sha in objects.files(repo.head.commit.tree).items():
            if not path.startswith(prefix) or scanned_language(path[len(prefix) :]) is None:
                continue
            rel = path[len(prefix) :]
            # Whole: a stream left half read would garble git's next answer on the pipe.
            try:
                head = objects.blob(sha)[:HEAD].decode("utf-8", "replace")
            except MissingBlob:
                continue  # not in this clone: the history says it is unknown
            reason = engine.skip_reason(rel, head)
            if reason is not None:
                found.append((rel, reason))
        return tuple(sorted(found))
    finally:
        repo.close()
