"""Pinned real code bases, fetched from PyPI by name into a cache folder outside the
repository (never committed): `$AUDIT_BENCH_CACHE`, else `~/.cache/auditor-bench`."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Corpus:
    requirement: str  # what `pip download` fetches: an exact pin
    package: str  # the package directory inside the sdist, relative to its top folder
    import_root: str = "."  # the sys.path entry that makes `package` importable
    dependencies: tuple[str, ...] = ()  # what importing its modules needs

    @property
    def name(self) -> str:
        return self.requirement.split("==")[0].lower()


# Older libraries, written before linters flagged these patterns: many findings.
REPORTLAB = Corpus("reportlab==3.5.59", "src/reportlab", "src", ("pillow",))
NLTK = Corpus("nltk==3.5", "nltk", ".", ("regex", "click", "joblib", "tqdm", "numpy"))
DJANGO = Corpus("Django==5.2.8", "django", ".", ("asgiref", "sqlparse"))

# With Django, the large corpus (issue 28): about 2.4 million lines of Python from five
# code bases of different ages and styles. Their package directories only, as for Django.
# ansible 2.7 is the last release with every module in one sdist of this size (2.8: 1.28M
# lines alone, 2.78M with the others).
ANSIBLE = Corpus("ansible==2.7.18", "lib/ansible")
SQLALCHEMY = Corpus("SQLAlchemy==2.0.36", "lib/sqlalchemy")
SYMPY = Corpus("sympy==1.13.3", "sympy")
TWISTED = Corpus("Twisted==24.11.0", "src/twisted")
LARGE = (DJANGO, ANSIBLE, SQLALCHEMY, SYMPY, TWISTED)


def cache_dir() -> Path:
    default = Path.home() / ".cache" / "auditor-bench"
    return Path(os.environ.get("AUDIT_BENCH_CACHE", default))


def fetch(corpus: Corpus) -> Path:
    """The extracted sdist's top folder (downloaded once, then reused)."""
    root = cache_dir()
    target = root / "src" / corpus.requirement
    if (target / ".complete").exists():
        return _top(target)
    downloads = root / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "-q",
            "--no-deps",
            # The sdist of this package only: `:all:` would build its build dependencies
            # (Cython, setuptools) from source too, which takes minutes or hangs.
            "--no-binary",
            corpus.name,
            corpus.requirement,
            "-d",
            str(downloads),
        ],
        check=True,
    )
    stem = corpus.requirement.replace("==", "-").lower()
    archive = next(p for p in downloads.iterdir() if p.name.lower().startswith(stem))
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as zipped:
            zipped.extractall(target)
    else:
        with tarfile.open(archive) as tarred:
            tarred.extractall(target, filter="data")
    (target / ".complete").touch()
    return _top(target)


def _top(target: Path) -> Path:
    (top,) = [p for p in target.iterdir() if p.is_dir()]
    return top


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    """`--corpus` (a PyPI sdist fetched by name) or `--root` (a folder of Python code)."""
    parser.add_argument("--corpus", choices=("django", "reportlab"), default="django")
    parser.add_argument("--root", type=Path, help="a folder of Python code instead")


def source_root(args: argparse.Namespace) -> Path:
    """The folder `add_source_arguments`' arguments name, fetched if need be."""
    if args.root is not None:
        return Path(args.root).resolve()
    return fetch(DJANGO if args.corpus == "django" else REPORTLAB)
