"""Scale past one machine (issue 16, point 14): `audit scan --shard I/N` scans a stable
part of the files, every file in exactly one shard, and `audit merge` combines the shards'
reports into the one the whole scan writes, gate and exit code included."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import BARE

FILES = {f"pkg/m{n}.py": (BARE if n % 3 else "print(1)\n") for n in range(12)}
FILES["web/a.ts"] = "try { f(); } catch {}\n"
FILES["pyproject.toml"] = "[tool.audit]\n"


def shards(audit, root: Path, fmt: str) -> list[Path]:
    written = []
    for i in (1, 2, 3):
        target = root / f"shard-{i}.{fmt}"
        result = audit("scan", "--shard", f"{i}/3", "--format", fmt, "--output", str(target))
        assert result.code in (0, 1), result.err
        written.append(target)
    return written


def test_the_merged_shards_are_the_whole_scan(project, audit) -> None:
    root = project(FILES)
    whole = audit("scan", "--format", "json", "--no-cache")
    parts = shards(audit, root, "json")
    paths = [{f["path"] for f in json.loads(p.read_text())["findings"]} for p in parts]
    assert sum(len(p) for p in paths) == len(set().union(*paths)) == 13  # each file once
    merged = audit("merge", *map(str, parts))
    assert (merged.code, merged.out) == (whole.code, whole.out)


def test_merged_sarif_holds_every_result(project, audit) -> None:
    root = project(FILES)
    whole = json.loads(audit("scan", "--format", "sarif").out)["runs"][0]["results"]
    merged = json.loads(audit("merge", *map(str, shards(audit, root, "sarif"))).out)
    results = merged["runs"][0]["results"]
    key = lambda r: json.dumps(r, sort_keys=True)  # noqa: E731
    assert sorted(map(key, results)) == sorted(map(key, whole))


def test_merge_gates_and_refuses_what_it_cannot_merge(project, audit) -> None:
    root = project(FILES)
    parts = shards(audit, root, "json")
    assert audit("merge", "--fail-on", "none", *map(str, parts)).code == 0
    (root / "other.json").write_text('{"schema": "auditor.tracker/2"}\n')
    refused = audit("merge", str(parts[0]), "other.json")
    assert (refused.code, refused.err) == (
        2,
        "audit: error: other.json: not an `audit scan --format json` report or a SARIF log\n",
    )
    bad = audit("scan", "--shard", "4/3")
    assert (bad.code, bad.err) == (
        2,
        "audit: error: --shard 4/3: expected I/N with 1 <= I <= N, e.g. 2/3\n",
    )
