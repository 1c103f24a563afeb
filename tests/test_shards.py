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
        'audit: error: other.json: not a shard of `audit scan --format json` (its "schema" is '
        'not "auditor.scan/1")\n',
    )
    bad = audit("scan", "--shard", "4/3")
    assert (bad.code, bad.err) == (
        2,
        "audit: error: --shard 4/3: expected I/N with 1 <= I <= N, e.g. 2/3\n",
    )


# --- issue 23, item 5: a malformed shard is one line and exit 2, never a traceback -------

EITHER = "`audit scan --format json` or `--format sarif`"
JSON = "`audit scan --format json`"
SARIF = "`audit scan --format sarif`"


def test_malformed_shards_are_refused_with_one_line(project, audit) -> None:
    root = project(FILES)
    (good,) = [p for p in shards(audit, root, "json") if json.loads(p.read_text())["findings"]][:1]
    shard = json.loads(good.read_text())
    finding = shard["findings"][0]
    no_line = {**shard, "findings": [{**finding, "start": {"column": 1}}]}
    text_line = {**shard, "findings": [{**finding, "start": {"line": "3", "column": 1}}]}
    bool_line = {**shard, "findings": [{**finding, "start": {"line": True, "column": 1}}]}
    bad_severity = {**shard, "findings": [{**finding, "severity": "urgent"}]}
    no_summary = {k: v for k, v in shard.items() if k != "summary"}
    cases: list[tuple[bytes, str]] = [
        (b"[]", f"{EITHER} (a list, not an object)"),
        (b"null", f"{EITHER} (null, not an object)"),
        (b'"text"', f"{EITHER} (a string, not an object)"),
        (b"{}", f'{JSON} (no "schema": "auditor.scan/1" and no SARIF "runs")'),
        (json.dumps(no_line).encode(), f"{JSON} (findings[0].start has no 'line')"),
        (
            json.dumps(text_line).encode(),
            f"{JSON} (findings[0].start.line is a string, not an integer)",
        ),
        (
            json.dumps(bool_line).encode(),
            f"{JSON} (findings[0].start.line is true or false, not an integer)",
        ),
        (
            json.dumps(bad_severity).encode(),
            f"{JSON} (findings[0].severity is not one of critical, high, medium, low)",
        ),
        (json.dumps(no_summary).encode(), f"{JSON} (the report has no 'summary')"),
        (
            json.dumps({**shard, "findings": [7]}).encode(),
            f"{JSON} (findings[0] is an integer, not an object)",
        ),
        (b"\xff\xfe{}", f"{EITHER} (not UTF-8: byte 0xff at offset 0)"),
        (
            b'{"schema": "auditor.scan/1", "findings": [',  # truncated
            f"{EITHER} (not JSON: Expecting value: line 1 column 43 (char 42))",
        ),
        (b"[" * 100_000, f"{EITHER} (not JSON: nested too deeply)"),
        (b'{"runs": []}', f"{SARIF} (runs[0] is missing or not an object)"),
        (
            b'{"runs": [{"tool": {}, "results": [{"ruleId": "x"}]}]}',
            f"{SARIF} (runs[0].results[0] has no 'locations')",
        ),
        (
            b'{"runs": [{"tool": {}, "results": [], "invocations": "no"}]}',
            f"{SARIF} (runs[0].invocations is a string, not a list)",
        ),
    ]
    for data, problem in cases:
        (root / "bad.json").write_bytes(data)
        result = audit("merge", str(good), "bad.json")
        assert (result.code, result.out, result.err) == (
            2,
            "",
            f"audit: error: bad.json: not a shard of {problem}\n",
        ), data[:60]


def test_a_malformed_sarif_result_is_one_line(project, audit) -> None:
    root = project(FILES)
    parts = shards(audit, root, "sarif")
    log = json.loads(parts[0].read_text())
    result = log["runs"][0]["results"][0]
    del result["locations"][0]["physicalLocation"]["region"]["startLine"]
    result["properties"] = {"severity": 3}
    (root / "bad.sarif").write_text(json.dumps(log))
    refused = audit("merge", str(parts[1]), "bad.sarif")
    assert (refused.code, refused.err) == (
        2,
        "audit: error: bad.sarif: not a shard of `audit scan --format sarif` "
        "(runs[0].results[0].properties.severity is an integer, not a string)\n",
    )
    result["properties"] = {"severity": "high"}
    (root / "bad.sarif").write_text(json.dumps(log))
    refused = audit("merge", str(parts[1]), "bad.sarif")
    assert refused.err == (
        "audit: error: bad.sarif: not a shard of `audit scan --format sarif` "
        "(runs[0].results[0].locations[0].physicalLocation.region has no 'startLine')\n"
    )
    assert audit("merge", str(parts[1]), str(parts[0])).code == 1  # the shards themselves merge
