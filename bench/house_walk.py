"""The walk of one `audit scan` through auditor's modules ("rooms"), from the command line
to a renderer: every call into a module of `auditor/` or `reports/`, at most `--depth`
frames below the command's own function (the path a reader follows; the helpers deeper
down are not rooms of the walk), is a step in that module; consecutive steps in one
module are one stay. Prints the stays, the rooms entered, and the returns (a stay in a
room the walk had already left).

    python bench/house_walk.py [PATH] [--format text] [--depth 6] [--show]

Run it from the repository root (it imports auditor from there); PATH defaults to
examples/shop. No cache is read or written, and only one process runs (`-j 1`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path.cwd()))

ROOMS = ("auditor.", "reports.")
KEEP = ("auditor.model", "auditor.errors")  # values and error types: every room uses them


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", nargs="?", default="examples/shop")
    parser.add_argument("--format", default="text")
    parser.add_argument("--depth", type=int, default=6)
    parser.add_argument("--show", action="store_true", help="print the stays in order")
    args = parser.parse_args()
    from auditor.cli import main as audit

    stays: list[str] = []

    base: list[int] = []

    def depth(frame: FrameType | None) -> int:
        count = 0
        while frame is not None:
            count += 1
            frame = frame.f_back
        return count

    def step(frame: FrameType, event: str, _arg: object) -> None:
        if event != "call":
            return
        room = frame.f_globals.get("__name__", "")
        if not room.startswith(ROOMS) or room.startswith(KEEP):
            return
        if not base:
            if room != "auditor.cli.scan":
                return  # the walk starts at the command
            base.append(depth(frame))
        if depth(frame) - base[0] > args.depth:
            return
        if not stays or stays[-1] != room:
            stays.append(room)

    sys.argv = ["audit", "scan", args.path, "--no-cache", "-j", "1", "--format", args.format]
    sys.setprofile(step)
    try:
        audit()
    except SystemExit:
        pass
    finally:
        sys.setprofile(None)
    seen: set[str] = set()
    returns = 0
    for room in stays:
        returns += room in seen
        seen.add(room)
    if args.show:
        print(" -> ".join(stays), file=sys.stderr)
    print(f"{len(stays)} stays, {len(seen)} rooms, {returns} returns", file=sys.stderr)


if __name__ == "__main__":
    main()
