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


def _listed_as_the_trees(root: Path, shas: list[str]) -> list[list[str]]:
    """Each commit's listing, checked against its tree (blobs and order); its paths."""
    repo = open_repo(root)
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
    return got


def test_every_listing_is_the_commits_tree(tmp_path: Path) -> None:
    got = _listed_as_the_trees(tmp_path, _history(tmp_path))
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


def _orders_like_the_trees(root: Path, names: list[list[bytes]]) -> list[list[str]]:
    """Each batch of names (bytes: a name need not be UTF-8) added in its own commit; the
    listings, checked against the trees' order commit by commit."""
    git(root, "init", "-q", "-b", "main")
    folder = os.path.join(os.fsencode(root), b"app")
    os.mkdir(folder)
    shas: list[str] = []
    for batch in names:
        for name in batch:
            parent = os.path.dirname(os.path.join(folder, name))
            os.makedirs(parent, exist_ok=True)
            with open(os.path.join(folder, name), "wb") as handle:
                handle.write(b"x = 1\n")
        shas.append(commit_all(root, f"add {len(shas)}", f"2024-01-0{len(shas) + 1}T00:00:00"))
    return _listed_as_the_trees(root, shas)


def test_paths_beyond_ascii_are_listed_in_the_trees_byte_order(tmp_path: Path) -> None:
    # UTF-8 orders as code points: "z" < "é" < U+FF5E < "😀" (U+1F600), and a
    # folder sorts as its name and "/": "a-b.py" < "a/b.py" < "a0.py".
    names = [["z.py", "é.py", "😀.py"], ["\uff5e.py", "a/b.py", "a0.py", "a-b.py", "Z.py"]]
    got = _orders_like_the_trees(tmp_path, [[n.encode() for n in batch] for batch in names])
    assert got[-1] == ["Z.py", "a-b.py", "a/b.py", "a0.py", "z.py", "é.py", "\uff5e.py", "😀.py"]


def test_a_path_that_is_not_utf8_keeps_its_bytes_place(tmp_path: Path) -> None:
    # b"\xff" is not UTF-8: kept as the surrogate U+DCFF, which as a string sorts before
    # U+FF5E; by its byte, git's order, after it (0xEF 0xBD 0x9E).
    names = [[b"z.py"], [b"\xff.py", "\u00e9.py".encode(), "\uff5e.py".encode()]]
    got = _orders_like_the_trees(tmp_path, names)
    assert got[-1] == ["z.py", "\u00e9.py", "\uff5e.py", "\udcff.py"]


def test_a_listing_told_with_a_path_not_utf8_keeps_the_byte_order(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    folder = os.path.join(os.fsencode(tmp_path), b"app")
    os.mkdir(folder)
    with open(os.path.join(folder, b"\xff.py"), "wb") as handle:
        handle.write(b"x = 1\n")
    first = commit_all(tmp_path, "not UTF-8", "2024-01-01T00:00:00")
    (tmp_path / "app" / "\uff5e.py").write_text("y = 1\n")
    second = commit_all(tmp_path, "UTF-8", "2024-01-02T00:00:00")
    repo = open_repo(tmp_path)
    listings = Listings(repo, [second], _kept, base=first)
    objects = GitObjects(repo)
    told = {_kept(p): b for p, b in objects.files(repo.commit(first).tree).items()}
    listings.told(first, {p: b for p, b in told.items() if p is not None})
    assert list(listings.get(second) or {}) == ["\uff5e.py", "\udcff.py"]
    repo.close()
