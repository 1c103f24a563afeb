"""Which files to scan.

Inside a git work tree: the files git tracks plus untracked ones it does not ignore (one
`git ls-files` call). Elsewhere: a walk that honours every `.gitignore` on the way, its
folders' listings kept between runs while they are unchanged (listing_cache). Then
the configured excludes, then a language by suffix. Symbolic links are never followed out
of the project root.

Exclude patterns apply to what is found below a path the user named, never to the named
path itself: `audit scan examples/shop` scans it even when `examples/` is excluded, as
ruff does for paths passed explicitly.

A directory that cannot be listed, or a file that cannot be examined, is never skipped in
silence: it is `Unreadable`, and the scan reports it as a read-error (a gate must not pass
on files it could not see). What is excluded or ignored is not looked at, so it is never
unreadable.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.config_paths import may_be_in_git
from auditor.errors import UsageError
from auditor.globs import Globs
from auditor.scan.fileio import TEMP_SUFFIX
from auditor.scan.listing_cache import Listing, ListingCache

if TYPE_CHECKING:
    import subprocess

    from auditor.scan.unreadable import Unreadable  # made where something is unreadable

LANGUAGES: dict[str, str] = {
    ".py": "python",
    ".pyi": "python",
    ".js": "javascript",
    ".jsx": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "typescript",
    # Single-file components: their script blocks (auditor.scan.components). TypeScript
    # is the language whose rules read them (a block's grammar is its `lang`).
    ".vue": "typescript",
    ".svelte": "typescript",
    ".astro": "typescript",
}


def language_of(path: str) -> str | None:
    return LANGUAGES.get(os.path.splitext(path)[1].lower())


def suffix_of(name: str) -> str:
    """`os.path.splitext(name)[1].lower()` for a file name (no separator), without its
    generality: the walk asks it of every file in the tree."""
    dot = name.rfind(".")
    if dot <= 0 or (name[0] == "." and not name[:dot].lstrip(".")):
        return ""  # no dot, or only leading dots: a hidden file's name, no suffix
    return name[dot:].lower()


# Files that hold code of our languages auditor does not read: a scan says it skipped
# them. None now (components are read); a script block in a language auditor does not read
# is named by its scan (auditor.scan.js_backend).
UNREAD: dict[str, str] = {}


def unread_reason(path: str) -> str | None:
    return UNREAD.get(os.path.splitext(path)[1].lower())


@dataclass(frozen=True, slots=True)
class SourcePath:
    rel: str  # posix, relative to the project root: what findings and fingerprints use
    location: str  # absolute: a warm scan only stats it, and a Path costs more than that
    language: str

    @property
    def path(self) -> Path:
        """The absolute path, for reading and writing."""
        return Path(self.location)


@dataclass(frozen=True, slots=True)
class Discovery:
    files: list[SourcePath]  # sorted, each once
    unreadable: list[Unreadable] = field(default_factory=list)  # sorted, each once
    # Temporary files a killed fix or report left (fileio.TEMP_SUFFIX): the run sweeps
    # their folders, so they do not linger in `git status`.
    leftovers: list[Path] = field(default_factory=list)
    unread: list[Path] = field(default_factory=list)  # of a kind auditor does not read (UNREAD)


# A path that is not there, as far as a scan goes: gone, a dangling link, a link loop.
_ABSENT = frozenset({errno.ENOENT, errno.ENOTDIR, errno.ELOOP})


def discover(
    root: Path,
    targets: Sequence[Path],
    exclude: Globs,
    *,
    use_git: bool = True,
    force_exclude: bool = False,
) -> list[SourcePath]:
    """The source files of `discover_all`, without what could not be read."""
    return discover_all(root, targets, exclude, use_git=use_git, force_exclude=force_exclude).files


def discover_all(
    root: Path,
    targets: Sequence[Path],
    exclude: Globs,
    *,
    use_git: bool = True,
    force_exclude: bool = False,
    cache_dir: Path | None = None,
) -> Discovery:
    """All source files under `targets` (files or directories), and what under them
    could not be read. A file named explicitly is scanned even when excluded, unless
    `force_exclude` (ruff's flag, for pre-commit, which names every staged file).
    `cache_dir`: where a walk outside git keeps its folders' listings (listing_cache)."""
    root = root.resolve()
    listings = ListingCache(cache_dir) if cache_dir is not None else None
    found: dict[str, SourcePath] = {}
    unreadable: dict[str, Unreadable] = {}
    leftovers: list[Path] = []
    unread: list[Path] = []
    for target in targets:
        absolute = Path(os.path.abspath(target))
        try:
            is_dir = stat.S_ISDIR(os.stat(absolute).st_mode)
        except OSError as exc:
            if exc.errno not in _ABSENT:  # in a directory that cannot be entered
                if not (force_exclude and _excluded(absolute, root, exclude)):
                    _note(unreadable, _unreadable(root, absolute, exc))
                continue
            if not os.path.lexists(absolute):
                raise UsageError(f"{target}: no such file or directory") from None
            is_dir = False  # a dangling link or a loop: `_add` says why it is not scanned
        problems: list[Unreadable] = []
        if is_dir:
            others: list[Path] = []
            files = _list_dir(root, absolute, use_git, problems, others, listings)
            base = _exclusion_base(root, absolute, exclude)
            base_text = str(base)
            at_root = base == root  # then a file's path for exclusion is its `rel`
            for listed, regular in files:
                rel = _relative(base_text, listed)
                if rel is None or exclude.match(rel):
                    continue
                known = rel if at_root else None
                _add(found, root, listed, problems, regular=regular, rel=known)
            for other in others:  # noted as the listing went: after it
                if other.name.endswith(TEMP_SUFFIX):
                    leftovers.append(other)
                elif not _excluded(other, base, exclude):
                    unread.append(other)
            problems = [p for p in problems if not _excluded_problem(root, p, base, exclude)]
        elif not (force_exclude and _excluded(absolute, root, exclude)):
            _add(found, root, absolute, problems, explicit=True)
        for problem in problems:
            _note(unreadable, problem)
    if listings is not None:
        listings.save()
    # By path alone: each is found once.
    return Discovery(
        sorted(found.values(), key=_rel_of),
        sorted(unreadable.values(), key=_rel_of),
        leftovers,
        sorted(set(unread)),
    )


def _rel_of(found: SourcePath | Unreadable) -> str:
    return found.rel


def _note(unreadable: dict[str, Unreadable], problem: Unreadable) -> None:
    unreadable.setdefault(problem.rel, problem)


def _unreadable(
    root: Path, path: Path | str, exc: OSError, *, directory: bool = False
) -> Unreadable:
    from auditor.scan.unreadable import Unreadable

    rel = _relative(root, Path(path))
    reason = exc.strerror or type(exc).__name__
    return Unreadable(str(path) if rel is None else rel, reason, directory)


def _excluded_problem(root: Path, problem: Unreadable, base: Path, exclude: Globs) -> bool:
    """Whether an unreadable path is excluded, as a directory: under a directory pattern
    (`build/`), or a file under an excluded directory, it was never going to be read."""
    rel = _relative(base, root / problem.rel)
    return rel is None or exclude.match(rel + "/") or exclude.match(rel)


def _exclusion_base(root: Path, directory: Path, exclude: Globs) -> Path:
    """Exclusions are matched relative to the root, unless the user named a directory that
    is itself excluded: then relative to that directory."""
    rel = _relative(root, directory)
    if rel is None or rel == ".":
        return root
    return directory if _excluded_rel(rel, exclude) else root


def _excluded_rel(rel: str, exclude: Globs) -> bool:
    return exclude.match(rel + "/")


def _excluded(path: Path, base: Path, exclude: Globs) -> bool:
    return _excluded_str(str(path), str(base), exclude)


def _excluded_str(path: str, base: str, exclude: Globs) -> bool:
    # .gitignore semantics: a pattern that matches a directory matches everything in it.
    rel = _relative(base, path)
    return rel is None or exclude.match(rel)


def _relative(base: Path | str, path: Path | str) -> str | None:
    """`path.relative_to(base).as_posix()`, or None; on strings, as this runs per file."""
    b, p = str(base), str(path)
    if p == b:
        return "."
    prefix = b if b.endswith(os.sep) else b + os.sep
    if not p.startswith(prefix):
        return None
    return p[len(prefix) :].replace(os.sep, "/")


def _add(
    found: dict[str, SourcePath],
    root: Path,
    path: Path | str,
    problems: list[Unreadable],
    *,
    explicit: bool = False,
    regular: bool = False,
    rel: str | None = None,
) -> None:
    """`regular`: the walk knows it is a regular file, not a link, in a directory that
    can be entered (its listing said so): then it needs no more system calls. `rel`: the
    path relative to the root, when the caller has worked it out."""
    language = LANGUAGES.get(suffix_of(os.path.basename(path)))  # `language_of`, for a name
    if language is None:
        return
    if rel is None:
        rel = _relative(root, path)
    if rel is None:
        raise UsageError(f"{path}: outside the project root {root}")
    if regular:
        found.setdefault(rel, SourcePath(rel, str(path), language))
        return
    if os.path.islink(path):
        target = Path(os.path.realpath(path))  # a loop does not raise here
        if _relative(root, target) is None:
            if explicit:
                raise UsageError(f"{path}: symbolic link points outside the project root")
            return
    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except OSError as exc:
        if exc.errno not in _ABSENT:  # in a directory that can be listed but not entered
            problems.append(_unreadable(root, path, exc))
            return
        regular = False
    if not regular:  # a directory named x.py, a dangling link, a socket
        if explicit:
            raise UsageError(f"{path}: not a regular file")
        return
    found.setdefault(rel, SourcePath(rel, str(path), language))


def _list_dir(
    root: Path,
    directory: Path,
    use_git: bool,
    problems: list[Unreadable],
    others: list[Path],
    listings: ListingCache | None,
) -> Iterable[tuple[str, bool]]:
    """The files of our languages under `directory`, each with whether it is known to be
    a regular file (see `_add`): the suffix is checked first, as most files of a tree
    (data, docs, locales) have none of them and the rest costs more."""
    if use_git and may_be_in_git(directory):
        listed = _git_files(root, directory, problems, others)
        if listed is not None:
            return ((str(path), False) for path in listed)
    return _walk(root, directory, problems, others, listings)


def _git(directory: Path, *args: str) -> subprocess.CompletedProcess[bytes] | None:
    import subprocess  # here: a walk outside git never starts it

    # Git's messages in English: its warnings about unreadable directories are read.
    env = {**os.environ, "LC_ALL": "C"}
    try:
        return subprocess.run(
            ["git", "-C", str(directory), *args], capture_output=True, check=False, env=env
        )
    except OSError:  # git is not installed
        return None


# How `git ls-files --others` says it skipped a directory (dir.c, in the C locale).
# Compiled when git is asked (re's cache): a walk outside git never needs it.
_GIT_UNREADABLE = rb"(?m)^warning: could not open directory '(.*)': (.*)$"


def _git_files(
    root: Path, directory: Path, problems: list[Unreadable], others: list[Path]
) -> list[Path] | None:
    """Tracked and untracked-but-not-ignored files; None outside a work tree, or when the
    named directory is itself ignored (then it is walked, as any named path is scanned).
    Git lists the tracked files of a directory it cannot open, and warns about it."""
    result = _git(directory, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    if result is None or result.returncode != 0:
        return None
    if not result.stdout:
        ignored = _git(directory, "check-ignore", "-q", ".")
        if ignored is not None and ignored.returncode == 0:
            return None
    for name, reason in re.findall(_GIT_UNREADABLE, result.stderr):
        from auditor.scan.unreadable import Unreadable

        where = _relative(root, directory / os.fsdecode(name).rstrip("/"))
        problems.append(Unreadable(where or os.fsdecode(name), os.fsdecode(reason), True))
    names = {os.fsdecode(n) for n in result.stdout.split(b"\0") if n}
    others += [directory / n for n in names if n.endswith(TEMP_SUFFIX) or unread_reason(n)]
    names = {n for n in names if language_of(n) is not None}
    # Deleted but still tracked files are listed too: keep only what exists (or is a link).
    return [p for p in (directory / n for n in sorted(names)) if _exists(root, p, problems)]


def _exists(root: Path, path: Path, problems: list[Unreadable]) -> bool:
    """Whether there is something at `path`, a link perhaps; a path that cannot be
    examined (its directory cannot be entered) is unreadable."""
    try:
        os.lstat(path)
    except OSError as exc:
        if exc.errno not in _ABSENT:
            problems.append(_unreadable(root, path, exc))
        return False
    return True


def _walk(
    root: Path,
    directory: Path,
    problems: list[Unreadable],
    others: list[Path],
    listings: ListingCache | None,
) -> Iterator[tuple[str, bool]]:
    """The files under `directory`, without following directory links, pruned by each
    .gitignore on the way. On strings: a tree has many more folders and files than
    sources. Each folder's listing comes from `listings` while the folder is unchanged."""
    if listings is not None:
        listings.start(str(directory))
    pending: list[tuple[str, tuple[tuple[str, Globs], ...]]] = [(str(directory), ())]
    while pending:
        here, inherited = pending.pop()
        listing = _listing(root, here, problems, listings)
        if listing is None:
            continue
        folders, known, examined, noted, gitignore = listing
        ignores = _with_gitignore(here, inherited) if gitignore else inherited
        prefix = here if here.endswith(os.sep) else here + os.sep
        for name in folders:
            if not (ignores and _ignored(prefix + name, True, ignores)):
                pending.append((prefix + name, ignores))
        for names, regular in ((known, True), (examined, False)):
            for name in names:
                if not (ignores and _ignored(prefix + name, False, ignores)):
                    yield prefix + name, regular
        for name in noted:
            if name.endswith(TEMP_SUFFIX) or not (
                ignores and _ignored(prefix + name, False, ignores)
            ):
                others.append(Path(prefix + name))


def _listing(
    root: Path, here: str, problems: list[Unreadable], listings: ListingCache | None
) -> Listing | None:
    """The listing of the folder `here`, kept or read; None when it cannot be listed.
    Its stat is taken before it is read: a change made while it is read changes it."""
    st = None
    if listings is not None:
        try:
            st = os.stat(here)
        except OSError:
            pass  # the listing says why
        else:
            kept = listings.reuse(here, st)
            if kept is not None:
                return kept
    try:
        with os.scandir(here) as entries:
            listing, clean = _read(root, list(entries), problems)
    except OSError as exc:
        if exc.errno not in _ABSENT:  # gone since it was listed: nothing to read
            problems.append(_unreadable(root, here, exc, directory=True))
        return None
    if clean and listings is not None and st is not None:
        listings.keep(here, st, listing)
    return listing


def _read(
    root: Path, entries: Sequence[os.DirEntry[str]], problems: list[Unreadable]
) -> tuple[Listing, bool]:
    """A folder's listing from its entries, and whether every entry could be examined.
    On `os.scandir` entries, whose type needs no extra system call. One file per folder
    is examined (stat) for the folder: one that can be listed but not entered is known
    then, and its files are looked at one by one as before."""
    folders: list[str] = []
    known: list[str] = []
    examined: list[str] = []
    noted: list[str] = []
    gitignore = False
    clean = True
    enterable: bool | None = None
    for entry in entries:
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError as exc:
            clean = False
            if exc.errno not in _ABSENT:
                problems.append(_unreadable(root, entry.path, exc))
            continue
        name = entry.name
        if is_dir:
            if name != ".git":
                folders.append(name)
            continue
        if name == ".gitignore":
            gitignore = True
            continue
        suffix = suffix_of(name)
        if suffix in LANGUAGES:
            # is_dir() above read the entry's type (or lstat it): these ask nothing more.
            regular = not entry.is_symlink() and entry.is_file(follow_symlinks=False)
            if regular and enterable is None:
                enterable = _can_examine(entry.path)
            (known if regular and enterable else examined).append(name)
        elif name.endswith(TEMP_SUFFIX) or suffix in UNREAD:
            noted.append(name)
    return (folders, known, examined, noted, gitignore), clean


def _with_gitignore(
    here: str, inherited: tuple[tuple[str, Globs], ...]
) -> tuple[tuple[str, Globs], ...]:
    """The ignore files in force in `here`: those of its parents, and its own (read each
    time: an edited one takes effect at once)."""
    try:
        with open(os.path.join(here, ".gitignore"), encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        lines = []
    return (*inherited, (here, Globs(lines)))


def _can_examine(path: str) -> bool:
    try:
        os.stat(path)
    except OSError:
        return False  # `_add` looks again, and says why
    return True


def _ignored(path: str, is_dir: bool, ignores: Iterable[tuple[str, Globs]]) -> bool:
    for base, spec in ignores:
        rel = path[len(base.rstrip(os.sep)) + 1 :].replace(os.sep, "/") + ("/" if is_dir else "")
        if spec.match(rel):
            return True
    return False
