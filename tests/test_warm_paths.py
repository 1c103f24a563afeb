"""The shortcuts a warm scan takes through discovery and the project-file stamp answer
exactly as the general code they stand in for: a file name's suffix, gitignore patterns
matched by one regular expression, git asked only where there is a repository, and the
project files stamped in the order the cache key was built from."""

from __future__ import annotations

import fnmatch
import itertools
import json
import os
from pathlib import Path

import pathspec

from auditor import __version__, cache_signing
from auditor.config import DEFAULT_EXCLUDE
from auditor.globs import Globs
from auditor.model import Severity
from auditor.scan.cache import FORMAT, Cache, Entry
from auditor.scan.discovery import SourcePath, discover, suffix_of
from auditor.scan.loading import ActiveRule
from auditor.scan.project_files import _matcher, stamp
from auditor.scan.rule_core import BaseRule
from conftest import git, write_tree

NAMES = (
    "a.py", "A.PY", ".py", "..py", ".a.py", "a..py", "a.", ".", "..", "a", "a.tar.gz",
    ".hidden", "...x.ts", "x.py.audit-tmp", "Makefile", ".a.", "a.b.c.TSX",
)  # fmt: skip


def test_a_name_has_the_suffix_splitext_gives_it() -> None:
    assert [suffix_of(name) for name in NAMES] == [
        os.path.splitext(name)[1].lower() for name in NAMES
    ]


PATTERNS = (
    *DEFAULT_EXCLUDE[:4], "*.py", "a/b/", "/top", "foo/**", "**/x/*.js", "src/*/gen",
    "[ab]?.txt", "docs/", "tests/fixtures/**/*.py", "\\#lit", "x/**/y", "# note", "",
)  # fmt: skip
PATHS = (
    "a.py", "build/x.py", "src/build", "src/build/", "a/b/c", "a/b", "a/bc", "top", "x/top",
    "foo", "foo/", "foo/a", "q/x/r.js", "q/x/s/r.js", "src/k/gen", "src/k/gen/z", "ab.txt",
    "cb.txt", "docs/a.md", "d/docs/", "tests/fixtures/a/b.py", "#lit", "x/y", "x/q/y",
    ".git", "a/.git/b", "./a.py", "/a.py", ".bzr/",
)  # fmt: skip


def test_patterns_without_negation_match_as_pathspec_matches_them() -> None:
    for combo in itertools.chain.from_iterable(
        itertools.combinations(PATTERNS, k) for k in (1, 2, 3)
    ):
        spec = pathspec.GitIgnoreSpec.from_lines(combo)
        globs = Globs(combo)
        assert [globs.match(p) for p in PATHS] == [bool(spec.match_file(p)) for p in PATHS], combo


NAMES_ONLY = (
    *DEFAULT_EXCLUDE, "a-b", "x.y", "a.", "_x", "Build", "", "a..b", "9", "*", "# a comment",
    "#x",
)  # fmt: skip
NAME_PATHS = (
    *PATHS, *DEFAULT_EXCLUDE, *(f"{n}/" for n in DEFAULT_EXCLUDE), "src/.venv/lib/x.py",
    "a-b", "q/a-b/", "xzy", "x.y/z", "a./b", "a", "_x.py", "build", "Build/x", "builds",
    "rebuild", "a..b/c", "9/x", "x/9", "dist.py", "node_modules.txt", "q/venv", "x", "x/",
    "#x", "a/#x", ".x", "results-1.json",
)  # fmt: skip
CACHE_GITIGNORE = ("# created by auditor: the cache is never committed", "*")


def test_bare_names_match_as_pathspec_matches_them() -> None:
    for combo in (
        NAMES_ONLY,
        DEFAULT_EXCLUDE,
        CACHE_GITIGNORE,
        *((name,) for name in NAMES_ONLY),
    ):
        spec = pathspec.GitIgnoreSpec.from_lines(combo)
        globs = Globs(combo)
        expected = [bool(spec.match_file(p)) for p in NAME_PATHS]
        assert [globs.match(p) for p in NAME_PATHS] == expected, combo


def test_the_default_excludes_need_no_pathspec(tmp_path: Path) -> None:
    """A warm scan with the default excludes does not import pathspec (~15 ms)."""

    probe = (
        "import sys\nfrom auditor.config import DEFAULT_EXCLUDE\nfrom auditor.globs import Globs\n"
        "print(Globs(DEFAULT_EXCLUDE).match('a/build/x.py'), 'pathspec' in sys.modules)\n"
        "print(Globs(['*.py']).match('a/x.py'), 'pathspec' in sys.modules)"
    )
    assert _probe(probe, tmp_path) == ["True False", "True True"]


def test_a_negated_pattern_keeps_its_last_match_wins_meaning() -> None:
    globs = Globs(("build/", "*.py", "!keep.py", "!build/keep.py"))
    assert [globs.match(p) for p in ("a.py", "keep.py", "build/keep.py", "build/x.txt")] == [
        True,
        False,
        False,  # GitIgnoreSpec: the file's own pattern outranks its directory's
        True,
    ]


def test_a_work_tree_whose_git_folder_is_elsewhere_is_still_listed_by_git(
    tmp_path: Path,
) -> None:
    """`.git` is a file here (a separate git dir): git is asked, so its info/exclude,
    which a walk knows nothing of, still applies."""
    work, store = tmp_path / "work", tmp_path / "store.git"
    write_tree(work, {"kept.py": "", "private.py": ""})
    git(tmp_path, "init", "-q", f"--separate-git-dir={store}", str(work))
    (store / "info").mkdir(exist_ok=True)
    (store / "info" / "exclude").write_text("private.py\n")
    assert (work / ".git").is_file()
    assert [f.rel for f in discover(work, [work], Globs(DEFAULT_EXCLUDE))] == ["kept.py"]


def test_outside_a_repository_the_walk_reads_the_tree(tmp_path: Path) -> None:
    write_tree(tmp_path, {".gitignore": "gen/\n", "a.py": "", "gen/b.py": "", "c/d.ts": ""})
    found = discover(tmp_path, [tmp_path], Globs(DEFAULT_EXCLUDE))
    assert [(f.rel, f.language) for f in found] == [("a.py", "python"), ("c/d.ts", "typescript")]


class _ReadsLoggers(BaseRule):
    id = "reads-loggers"
    severity = Severity.LOW
    languages = frozenset({"python"})
    PROJECT_FILES = ("logger.py", "utils/logger.py", "models/*.py", "requirements*.txt")


def test_project_files_are_stamped_in_path_order(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "logger.py": "",
            "requirements-dev.txt": "",
            "requirements.txt": "",
            "pkg/a.py": "",
            "pkg/utils/logger.py": "",
            "pkg/models/b.py": "",
            "pkg/models/a.py": "",
            "pkg.x/logger.py": "",  # not a parent of a scanned file: not read
            "pkg/sub/c.py": "",
            "pkg/sub/logger.py": "",
        },
    )
    files = [SourcePath(rel, str(tmp_path / rel), "python") for rel in ("pkg/a.py", "pkg/sub/c.py")]
    rule = ActiveRule(_ReadsLoggers, Severity.LOW, {}, fixes_are_safe=False)
    stamped = stamp(tmp_path, files, [rule])
    assert [Path(str(path)).relative_to(tmp_path).as_posix() for path, *_ in stamped] == [
        "logger.py",
        "requirements-dev.txt",
        "requirements.txt",
        "pkg/models/a.py",
        "pkg/models/b.py",
        "pkg/utils/logger.py",
        "pkg/sub/logger.py",
    ]
    logger = tmp_path / "logger.py"
    assert stamped[0] == [str(logger), 0, logger.stat().st_mtime_ns]


# Project-file patterns (a rule's PROJECT_FILES, last part) and names in a directory.
FILE_PATTERNS = (
    "logger.py", "logger.*", "requirements*.txt", "*.py", "tsconfig*.json", "ab*ba", "*",
    "[ab]?.txt", "a*b*c", "x?", "\\*.py", "index.*",
)  # fmt: skip
FILE_NAMES = (
    "logger.py", "logger.", "logger", "Logger.py", "requirements.txt", "requirements-dev.txt",
    "requirementstxt", "requirements.txt.bak", "a.py", ".py", "py", "tsconfig.json",
    "tsconfig.base.json", "ab.txt", "abc", "aXbYc", "ac", "aba", "abba", "abXba", "x", "xy",
    "*.py", "\\a.py", "index.ts", "index", "",
)  # fmt: skip


def test_project_file_patterns_match_as_fnmatchcase_matches_them() -> None:
    names = frozenset(FILE_NAMES)
    for combo in itertools.chain.from_iterable(
        itertools.combinations(FILE_PATTERNS, k) for k in (1, 2, 3)
    ):
        expected = {n for n in FILE_NAMES if any(fnmatch.fnmatchcase(n, p) for p in combo)}
        assert set(_matcher(combo).matching(names)) == expected, combo


def test_each_command_is_found_in_the_module_it_is_imported_from() -> None:
    """The command line imports a command's module only when the command is looked up:
    COMMANDS must name every command, each with the module that registers it."""
    import importlib

    from auditor.cli.group import COMMANDS, cli

    for module in sorted(set(COMMANDS.values())):
        importlib.import_module(f"auditor.cli.{module}")
    assert sorted(cli.commands) == sorted(COMMANDS)
    for name, module in COMMANDS.items():
        assert cli.commands[name].callback is not None
        assert cli.commands[name].callback.__module__ == f"auditor.cli.{module}", name


def test_audit_version_imports_no_command(tmp_path: Path) -> None:

    probe = (
        "import sys\nfrom auditor.cli import main\nsys.argv = ['audit', '--version']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('auditor.cli.', 'auditor.scan.'))))"
    )
    assert _probe(probe, tmp_path) == [
        f"audit, version {__version__}",
        str(["auditor.cli.group", "auditor.scan.fileio", "auditor.scan.gate"]),
    ]


def _cache_with(directory: Path, files: dict[str, object]) -> Cache:
    payload = json.dumps({"format": FORMAT, "files": files}).encode()
    name = "results-k.json"
    sealed = cache_signing.seal(name, payload)
    assert sealed is not None
    directory.mkdir(exist_ok=True)
    (directory / name).write_bytes(sealed)
    return Cache(directory, "k")


def test_an_entry_without_findings_is_read_as_any_other(tmp_path: Path) -> None:
    cache = _cache_with(tmp_path / "c", {"a.py": ["b10b", 12, 34, [], []]})
    assert cache.entries == {"a.py": Entry("b10b", 12, 34, (), ())}
    assert cache.lookup("a.py", 12, 34) == Entry("b10b", 12, 34, (), ())
    assert cache.lookup("a.py", 12, 35) is None


def test_an_entry_of_the_wrong_shape_makes_the_file_a_miss(tmp_path: Path) -> None:
    wrongs: tuple[list[object], ...] = (
        ["b10b", True, 34, [], []],  # a flag is not a size
        ["b10b", 12, "34", [], []],
        [None, 12, 34, [], []],
        ["b10b", 12, 34, [], {}],
        ["b10b", 12, 34, []],
    )
    for wrong in wrongs:
        cache = _cache_with(tmp_path / "c", {"a.py": wrong, "b.py": ["b10b", 1, 2, [], []]})
        assert cache.entries == {}, wrong


def _probe(code: str, cwd: Path) -> list[str]:
    """What `code` prints, run by a fresh interpreter (what it imports is its own)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=cwd
    )
    return done.stdout.splitlines()
