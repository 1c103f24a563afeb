"""A warm walk outside git reuses a folder's listing only while the folder is unchanged
(auditor.scan.listing_cache): every change to the tree is seen by the next warm scan,
with the findings a scan without the cache gives."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from auditor import cache_signing
from auditor.scan import listing_cache
from conftest import BARE, Run

BARE_LINE = (
    ":3:1: critical bare-except bare `except:` also catches KeyboardInterrupt and SystemExit;"
    " name the exceptions"
)
LISTINGS = Path(".audit_cache") / listing_cache.NAME

Audit = Callable[..., Run]
Project = Callable[[dict[str, str | bytes]], Path]


@pytest.fixture
def no_racy_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Folders made a moment ago are kept at once: the tests change them after the scan
    and so show that the stat comparison alone sees each change."""
    monkeypatch.setattr(listing_cache, "RACY_NS", 0)


def findings(audit: Audit, *args: str) -> list[str]:
    """The paths with a bare-except, from a warm scan; checked against a scan without
    the cache, which lists every folder."""
    warm = audit("scan", "--fail-on", "none", *args)
    cold = audit("scan", "--fail-on", "none", "--no-cache", *args)
    assert warm.out == cold.out
    return [line.removesuffix(BARE_LINE) for line in warm.out.splitlines() if BARE_LINE in line]


def kept(root: Path) -> dict[str, list[object]]:
    """The listings in the cache file, by folder relative to `root`: the stat's numbers,
    each kind's names sorted (a listing keeps the system's order), the .gitignore flag."""
    if not (root / LISTINGS).exists():
        return {}
    payload = cache_signing.read(listing_cache.NAME, root / LISTINGS)
    assert payload is not None
    walked: dict[str, dict[str, list[object]]] = json.loads(payload)["folders"]
    return {
        os.path.relpath(os.path.join(top, below), root): [
            *(int(number, 16) for number in str(entry[0]).split(" ")),
            *(sorted(str(names).split("/")) if names else [] for names in entry[1:5]),
            entry[5],
        ]
        for top, folders in walked.items()
        for below, entry in folders.items()
    }


def test_a_folder_listing_is_kept_with_the_folders_stat(
    project: Project, audit: Audit, no_racy_window: None
) -> None:
    root = project({"pkg/a.py": BARE, "pkg/sub/b.py": BARE, "pkg/notes.txt": "", "c.py": BARE})
    assert findings(audit) == ["c.py", "pkg/a.py", "pkg/sub/b.py"]
    listings = kept(root)
    st = os.stat(root / "pkg")
    assert listings["pkg"] == [
        st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev, ["sub"], ["a.py"], [], [], False
    ]  # fmt: skip
    assert listings["pkg/sub"][4:] == [[], ["b.py"], [], [], False]
    assert sorted(listings) == [".", ".audit_cache", "pkg", "pkg/sub"]


def test_a_kept_listing_is_what_a_warm_walk_reads(
    project: Project, audit: Audit, no_racy_window: None
) -> None:
    """The proof that the listing is reused, not read again: a file that is not there,
    written into the kept listing of an unchanged folder, is looked for."""
    root = project({"pkg/a.py": BARE})
    assert findings(audit) == ["pkg/a.py"]
    payload = cache_signing.read(listing_cache.NAME, root / LISTINGS)
    assert payload is not None
    document = json.loads(payload)
    assert list(document["folders"]) == [str(root)]  # the folder walked, then those below
    assert document["folders"][str(root)]["pkg"][2] == "a.py"  # the known files' names
    document["folders"][str(root)]["pkg"][2] = "a.py/ghost.py"
    forged = cache_signing.seal(listing_cache.NAME, json.dumps(document).encode())
    assert forged is not None
    (root / LISTINGS).write_bytes(forged)
    out = audit("scan", "--fail-on", "none").out.splitlines()
    assert "pkg/ghost.py:1:1: critical read-error cannot read: No such file or directory" in out


def test_every_change_to_a_kept_folder_is_seen(
    project: Project, audit: Audit, no_racy_window: None
) -> None:
    root = project({"pkg/a.py": BARE, "pkg/old/b.py": BARE, "gone/c.py": BARE, "moved/d.py": BARE})
    assert findings(audit) == ["gone/c.py", "moved/d.py", "pkg/a.py", "pkg/old/b.py"]
    assert {"pkg", "pkg/old", "gone", "moved"} <= set(kept(root))

    (root / "pkg/new.py").write_text(BARE)  # a file added
    assert findings(audit) == ["gone/c.py", "moved/d.py", "pkg/a.py", "pkg/new.py", "pkg/old/b.py"]

    (root / "pkg/a.py").unlink()  # a file removed
    assert findings(audit) == ["gone/c.py", "moved/d.py", "pkg/new.py", "pkg/old/b.py"]

    (root / "pkg/fresh").mkdir()  # a folder added, then a file in it
    (root / "pkg/fresh/e.py").write_text(BARE)
    assert "pkg/fresh/e.py" in findings(audit)

    (root / "gone/c.py").unlink()  # a folder removed
    (root / "gone").rmdir()
    assert findings(audit) == ["moved/d.py", "pkg/fresh/e.py", "pkg/new.py", "pkg/old/b.py"]
    assert "gone" not in kept(root)

    (root / "moved").rename(root / "pkg/renamed")  # a folder renamed
    assert findings(audit) == ["pkg/fresh/e.py", "pkg/new.py", "pkg/old/b.py", "pkg/renamed/d.py"]
    assert "moved" not in kept(root)

    (root / "pkg/old/b.py").unlink()  # a file replaced by a link to one outside the tree
    os.symlink(root.parent, root / "pkg/old/b.py")
    assert findings(audit) == ["pkg/fresh/e.py", "pkg/new.py", "pkg/renamed/d.py"]


def test_an_edited_gitignore_takes_effect_in_an_unchanged_folder(
    project: Project, audit: Audit, no_racy_window: None
) -> None:
    root = project({"pkg/.gitignore": "skip.py\n", "pkg/skip.py": BARE, "pkg/keep.py": BARE})
    assert findings(audit) == ["pkg/keep.py"]
    assert kept(root)["pkg"][4:] == [[], ["keep.py", "skip.py"], [], [], True]
    before = os.stat(root / "pkg").st_mtime_ns
    (root / "pkg/.gitignore").write_text("keep.py\n")  # in place: the folder is unchanged
    assert os.stat(root / "pkg").st_mtime_ns == before
    assert findings(audit) == ["pkg/skip.py"]
    (root / ".gitignore").write_text("pkg/\n")  # a new one above: the folder is pruned
    assert findings(audit) == []


def test_a_change_in_the_racy_window_is_listed_again(project: Project, audit: Audit) -> None:
    """Git's racy-timestamp rule, as it is: a folder changed within two seconds of the walk
    is not kept, so a change in the same clock tick as its listing cannot be missed."""
    root = project({"pkg/a.py": BARE})
    assert findings(audit) == ["pkg/a.py"]
    assert "pkg" not in kept(root)  # made just now
    (root / "pkg/b.py").write_text(BARE)
    assert findings(audit) == ["pkg/a.py", "pkg/b.py"]
    assert "pkg" not in kept(root)
    old = 1_000_000_000_000_000_000  # 2001: a folder whose mtime is old, its ctime is not
    os.utime(root / "pkg", ns=(old, old))
    assert findings(audit) == ["pkg/a.py", "pkg/b.py"]
    assert "pkg" not in kept(root)


def test_a_cache_file_that_does_not_verify_is_ignored(
    project: Project, audit: Audit, no_racy_window: None
) -> None:
    root = project({"pkg/a.py": BARE})
    assert findings(audit) == ["pkg/a.py"]
    payload = (root / LISTINGS).read_bytes()
    header, _, body = payload.partition(b"\n")
    (root / LISTINGS).write_bytes(header + b"\n" + body.replace(b'"a.py"', b'"z.py"'))
    (root / "pkg/b.py").write_text(BARE)
    assert findings(audit) == ["pkg/a.py", "pkg/b.py"]
    assert kept(root)["pkg"][5] == ["a.py", "b.py"]


def test_a_scan_of_one_folder_keeps_the_listings_of_the_others(
    project: Project, audit: Audit, no_racy_window: None
) -> None:
    root = project({"one/a.py": BARE, "two/b.py": BARE})
    assert findings(audit) == ["one/a.py", "two/b.py"]
    (root / "one/c.py").write_text(BARE)
    # Named alone, the folder is a project of its own, with its own cache: not here.
    assert findings(audit, "one", "--cache-dir", str(root / ".audit_cache")) == [
        "one/a.py",
        "one/c.py",
    ]
    assert {"one", "two"} <= set(kept(root))
    assert kept(root)["one"][5] == ["a.py", "c.py"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists every folder")
def test_a_folder_made_unreadable_is_reported_not_reused(
    project: Project, audit: Audit, no_racy_window: None
) -> None:
    root = project({"pkg/a.py": BARE, "locked/b.py": BARE})
    assert findings(audit) == ["locked/b.py", "pkg/a.py"]
    (root / "locked").chmod(0)
    try:
        out = audit("scan", "--fail-on", "none").out.splitlines()
        assert out[0] == (
            "locked:1:1: critical read-error cannot list this directory: Permission denied;"
            " no file in it was scanned"
        )
    finally:
        (root / "locked").chmod(0o755)
    assert findings(audit) == ["locked/b.py", "pkg/a.py"]


def test_an_entry_is_the_stat_in_hexadecimal_then_each_kind_of_name_joined(
    project: Project, audit: Audit, no_racy_window: None
) -> None:
    root = project({"pkg/a.py": BARE, "pkg/b.py": BARE, "pkg/sub/c.py": BARE, "pkg/x.py~": ""})
    assert findings(audit) == ["pkg/a.py", "pkg/b.py", "pkg/sub/c.py"]
    payload = cache_signing.read(listing_cache.NAME, root / LISTINGS)
    assert payload is not None
    document = json.loads(payload)
    assert document["format"] == 3
    entry = document["folders"][str(root)]["pkg"]
    st = os.stat(root / "pkg")
    assert entry[0] == f"{st.st_mtime_ns:x} {st.st_ctime_ns:x} {st.st_ino:x} {st.st_dev:x}"
    assert [entry[1], sorted(entry[2].split("/")), *entry[3:]] == [
        "sub", ["a.py", "b.py"], "", "", False
    ]  # fmt: skip


def test_a_file_of_the_previous_format_is_a_miss(
    project: Project, audit: Audit, no_racy_window: None
) -> None:
    """Format 2 kept the stat as numbers and a list per kind of name: such a file, even
    one that verifies, is not read (the ghost it lists is not looked for) but replaced."""
    root = project({"pkg/a.py": BARE})
    assert findings(audit) == ["pkg/a.py"]
    st = os.stat(root / "pkg")
    stat = [st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]
    old = {
        "format": 2,
        "who": listing_cache._who(),
        "folders": {str(root): {"pkg": [*stat, [], ["a.py", "ghost.py"], [], [], False]}},
    }
    sealed = cache_signing.seal(listing_cache.NAME, json.dumps(old).encode())
    assert sealed is not None
    (root / LISTINGS).write_bytes(sealed)
    out = audit("scan", "--fail-on", "none").out.splitlines()
    assert [line for line in out if "ghost" in line] == []
    assert findings(audit) == ["pkg/a.py"]
    assert kept(root)["pkg"] == [*stat, [], ["a.py"], [], [], False]
