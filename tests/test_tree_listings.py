"""The walk's listings from one `git log --raw` are the commits' trees, file for file:
on a real repository with renames, deletions, a file turned into a link, a merge and a
path outside the project."""

from __future__ import annotations

import os
from pathlib import Path

from auditor.track.git_objects import GitObjects, open_repo
from auditor.track.tree_listings import Listings
from conftest import commit_all, git


def _history(root: Path) -> list[str]:
    git(root, "init", "-q", "-b", "main")
    (root / "app").mkdir()
    (root / "app" / "a.py").write_text("a = 1\n")
    (root / "app" / "b.py").write_text("b = 1\n")
    (root / "docs.md").write_text("x\n")
    shas = [commit_all(root, "first", "2024-01-01T00:00:00")]
    git(root, "mv", "app/a.py", "app/c.py")
    (root / "app" / "b.py").write_text("b = 2\n")
    (root / "app" / "aa.py").write_text("aa = 1\n")  # new, and before the others in order
    shas.append(commit_all(root, "rename, change, add", "2024-01-02T00:00:00"))
    git(root, "checkout", "-q", "-b", "side")
    (root / "app" / "d.py").write_text("d = 1\n")
    commit_all(root, "side", "2024-01-03T00:00:00")
    git(root, "checkout", "-q", "main")
    (root / "app" / "b.py").unlink()
    os.symlink("c.py", root / "app" / "b.py")  # a regular file becomes a link
    shas.append(commit_all(root, "link", "2024-01-04T00:00:00"))
    git(root, "merge", "-q", "--no-ff", "-m", "merge side", "side", date="2024-01-05T00:00:00")
    shas.append(git(root, "rev-parse", "HEAD").strip())
    (root / "app" / "c.py").unlink()
    (root / "app" / "e.py").write_text("e = 1\n")
    os.chmod(root / "app" / "e.py", 0o755)
    shas.append(commit_all(root, "delete, executable", "2024-01-06T00:00:00"))
    return shas


def _kept(path: str) -> str | None:
    return path.removeprefix("app/") if path.startswith("app/") else None


def test_every_listing_is_the_commits_tree(tmp_path: Path) -> None:
    shas = _history(tmp_path)
    repo = open_repo(tmp_path)
    listings = Listings(repo, shas, _kept)
    objects = GitObjects(repo)
    got = []
    for sha in shas:
        listing = listings.get(sha)
        files = objects.files(repo.commit(sha).tree)
        objects.next_commit()
        expected = {_kept(p): b for p, b in files.items() if _kept(p) is not None}
        assert list((listing or {}).items()) == list(expected.items())  # in the same order
        got.append(list(listing or {}))
    repo.close()
    assert got == [
        ["a.py", "b.py"],
        ["aa.py", "b.py", "c.py"],
        ["aa.py", "c.py"],  # b.py is a link now: not a file the walk reads
        ["aa.py", "c.py", "d.py"],  # the merge brings the side branch's file
        ["aa.py", "d.py", "e.py"],
    ]


def test_a_commit_out_of_order_is_left_to_the_trees_and_the_next_follows_on(
    tmp_path: Path,
) -> None:
    shas = _history(tmp_path)
    repo = open_repo(tmp_path)
    listings = Listings(repo, shas[2:], _kept, base=shas[1])
    assert listings.get(shas[1]) is None  # the base: not in the log
    assert listings.get(shas[2]) is None  # its parent's listing is not known yet
    listings.told(shas[2], {"c.py": "0" * 40})
    assert listings.get(shas[3]) == {"c.py": "0" * 40, "d.py": _blob(tmp_path, "app/d.py")}
    repo.close()


def _blob(root: Path, path: str) -> str:
    return git(root, "rev-parse", f"HEAD:{path}").strip()


def test_blobs_read_in_one_request_are_the_objects_and_a_missing_one_is_none(
    tmp_path: Path,
) -> None:
    shas = _history(tmp_path)
    repo = open_repo(tmp_path)
    objects = GitObjects(repo)
    objects.blobs([])  # nothing asked: nothing started
    paths = ["app/aa.py", "app/d.py", "app/e.py"]
    wanted = [_blob(tmp_path, p) for p in paths]
    absent = "0123456789abcdef0123456789abcdef01234567"
    many = (wanted * 120)[:300]  # more than one chunk of requests
    got = objects.blobs([*many, absent])
    assert [got[sha] for sha in wanted] == [b"aa = 1\n", b"d = 1\n", b"e = 1\n"]
    assert got[absent] is None and absent in objects.missing
    assert objects.blob(wanted[0]) == b"aa = 1\n"  # the same process, one at a time
    objects.close()
    assert objects.blob(wanted[1]) == b"d = 1\n"  # another once the first was closed
    objects.close()
    repo.close()
    assert shas


def test_a_path_with_the_record_separator_leaves_the_listings_to_the_trees(
    tmp_path: Path,
) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "a.py").write_text("a = 1\n")
    first = commit_all(tmp_path, "first", "2024-01-01T00:00:00")
    (tmp_path / "app" / "odd\x1e1234.py").write_text("b = 1\n")  # a legal file name
    second = commit_all(tmp_path, "odd name", "2024-01-02T00:00:00")
    repo = open_repo(tmp_path)
    listings = Listings(repo, [first, second], _kept)
    assert (listings.get(first), listings.get(second)) == (None, None)
    repo.close()
