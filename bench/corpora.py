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
            "--no-binary",
            ":all:",
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
