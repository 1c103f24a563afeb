"""The walker reads a file version's text once for its diffs and anchors: the text kept
from the blobs sent to the pool, or from an earlier read, is git's, decoded as the scan
decodes it."""

from __future__ import annotations

from pathlib import Path

from auditor.config import Config
from auditor.scan.engine import Engine
from auditor.scan.loading import load_rules, resolve_rules
from auditor.track.blob_scan import BlobPool
from auditor.track.git_objects import open_repo
from auditor.track.records import WalkState
from auditor.track.walker import Walker
from conftest import BARE, commit_all, git, write_tree


def python_only(rel: str) -> str | None:
    return "python" if rel.endswith(".py") else None


def test_texts_read_in_the_walk_are_the_blobs_text(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    versions = [
        {"app.py": "# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n" + BARE, "util.py": "x = 1\n"},
        {"app.py": "# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n\n" + BARE + BARE},
        {"app.py": "x = 2\n" + BARE, "util.py": BARE},
    ]
    shas = []
    for number, files in enumerate(versions, 1):
        for name, text in files.items():
            (tmp_path / name).write_bytes(text.encode("latin-1"))
        shas.append(commit_all(tmp_path, f"commit {number}", f"2024-01-0{number}T00:00:00"))
    rules = resolve_rules(Config(root=tmp_path), load_rules())
    engine = Engine(rules)
    pool = BlobPool(engine, 1)
    walker = Walker(open_repo(tmp_path), "", engine, python_only)
    try:
        collect, end = walker.prefetch(shas, 0, {}, pool)
        collect()
        assert end == 3
        state = WalkState()
        for sha in shas:
            state, _ = walker.advance(state, sha)
        fresh = Walker(open_repo(tmp_path), "", engine, python_only)
        for sha, files in zip(shas, versions, strict=True):
            for name in files:
                blob = git(tmp_path, "rev-parse", f"{sha}:{name}").strip()
                text = files[name]  # the declared latin-1, decoded: é stays é
                assert walker.text(name, blob) == text
                assert walker.text(name, blob) == text  # and again, from what was kept
                assert fresh.text(name, blob) == text
        fresh.close()
    finally:
        walker.close()
        pool.close()


def test_a_blob_over_the_size_limit_has_no_text_however_it_was_read(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    write_tree(tmp_path, {"big.py": BARE * 10})
    sha = commit_all(tmp_path, "big", "2024-01-01T00:00:00")
    engine = Engine(resolve_rules(Config(root=tmp_path), load_rules()), max_file_size=20)
    pool = BlobPool(engine, 1)
    walker = Walker(open_repo(tmp_path), "", engine, python_only)
    try:
        walker.prefetch([sha], 0, {}, pool)[0]()
        blob = git(tmp_path, "rev-parse", f"{sha}:big.py").strip()
        assert walker.text("big.py", blob) is None
        assert walker.text("big.py", blob) is None
    finally:
        walker.close()
        pool.close()
