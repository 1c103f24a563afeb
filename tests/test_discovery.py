"""Which files a scan reads: git-aware, .gitignore-aware, excludes, symlinks, languages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from auditor.config import DEFAULT_EXCLUDE
from auditor.errors import UsageError
from auditor.globs import Globs
from auditor.scan.discovery import discover
from conftest import git, write_tree

EXCLUDE = Globs(DEFAULT_EXCLUDE)


def rels(root: Path, *targets: Path, use_git: bool = True, exclude: Globs = EXCLUDE) -> list[str]:
    return [f.rel for f in discover(root, list(targets) or [root], exclude, use_git=use_git)]


def test_git_tree_lists_tracked_and_untracked_but_not_ignored(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            ".gitignore": "generated/\n*.tmp.py\n",
            "tracked.py": "",
            "untracked.py": "",
            "generated/out.py": "",
            "scratch.tmp.py": "",
            "web/app.tsx": "",
            "notes.txt": "",
        },
    )
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "tracked.py", ".gitignore")
    git(tmp_path, "commit", "-qm", "init")
    found = discover(tmp_path, [tmp_path], EXCLUDE)
    assert [(f.rel, f.language) for f in found] == [
        ("tracked.py", "python"),
        ("untracked.py", "python"),
        ("web/app.tsx", "typescript"),
    ]


def test_deleted_tracked_file_is_not_listed(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "", "b.py": ""})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "init")
    (tmp_path / "b.py").unlink()
    assert rels(tmp_path) == ["a.py"]


def test_walk_outside_git_honours_nested_gitignores(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            ".gitignore": "build_out/\n",
            "a.py": "",
            "build_out/x.py": "",
            "pkg/.gitignore": "local_*.py\n",
            "pkg/local_settings.py": "",
            "pkg/mod.py": "",
            "other/local_keep.py": "",
            ".venv/lib/site.py": "",
            "node_modules/x/index.js": "",
        },
    )
    assert rels(tmp_path, use_git=False) == ["a.py", "other/local_keep.py", "pkg/mod.py"]


@pytest.mark.parametrize("use_git", [True, False])
def test_symlinks_are_not_followed_out_of_the_root(tmp_path: Path, use_git: bool) -> None:
    outside = tmp_path / "outside"
    root = tmp_path / "root"
    write_tree(outside, {"secret.py": "", "lib/mod.py": ""})
    write_tree(root, {"inside.py": ""})
    (root / "escape.py").symlink_to(outside / "secret.py")
    (root / "escape_dir").symlink_to(outside / "lib")
    (root / "alias.py").symlink_to(root / "inside.py")
    (root / "loop.py").symlink_to(root / "loop.py")
    if use_git:
        git(root, "init", "-q")
    assert rels(root, use_git=use_git) == ["alias.py", "inside.py"]


def test_exclude_applies_below_named_paths_not_to_them(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {"examples/shop/app.py": "", "examples/shop/build/gen.py": "", "src/a.py": ""}
    )
    exclude = Globs([*DEFAULT_EXCLUDE, "examples/"])
    assert rels(tmp_path, exclude=exclude, use_git=False) == ["src/a.py"]
    named = rels(tmp_path, tmp_path / "examples" / "shop", exclude=exclude, use_git=False)
    assert named == ["examples/shop/app.py"]


def test_explicit_file_is_scanned_and_duplicates_collapse(tmp_path: Path) -> None:
    write_tree(tmp_path, {"build/gen.py": "", "a.py": ""})
    found = rels(tmp_path, tmp_path / "build" / "gen.py", tmp_path, tmp_path / "a.py")
    assert found == ["a.py", "build/gen.py"]


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as raised:
        discover(tmp_path, [Path("nope.py")], EXCLUDE)
    assert raised.value.message == "nope.py: no such file or directory"


def test_unknown_suffixes_are_ignored(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {"a.pyc": "", "b.PY": "", "c.pyi": "", "d.mjs": "", "e.cjs": "", "f.jsx": ""}
    )
    os.chmod(tmp_path, 0o755)
    assert rels(tmp_path, use_git=False) == ["b.PY", "c.pyi", "d.mjs", "e.cjs", "f.jsx"]


def test_a_named_directory_that_git_ignores_is_walked(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            ".gitignore": "corpus/\n",
            "corpus/a.py": "",
            "corpus/.gitignore": "b.py\n",
            "corpus/b.py": "",
        },
    )
    git(tmp_path, "init", "-q")
    assert rels(tmp_path) == []
    assert rels(tmp_path, tmp_path / "corpus") == ["corpus/a.py"]
