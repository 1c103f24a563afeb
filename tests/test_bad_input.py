"""Bad input: one clear line naming the file, exit 2, the scan goes on, no file damaged."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from conftest import BARE

FINDING = "critical bare-except bare `except:` also catches KeyboardInterrupt and SystemExit; name the exceptions"


def test_syntax_error_is_reported_and_scan_goes_on(project, audit) -> None:
    broken = "try:\n    x = (1,\nexcept:\n    pass\n"
    root = project({"a_broken.py": broken, "b.py": BARE})
    result = audit("scan", "--fix")
    assert result.code == 2
    assert result.out.splitlines() == [
        "a_broken.py:2:9: critical parse-error cannot parse: '(' was never closed",
        "Fixed 1 finding.",
        "No findings; 2 files scanned.",
        "1 error (parse-error): some code was not checked.",
    ]
    assert (root / "a_broken.py").read_text() == broken
    assert (root / "b.py").read_text() == BARE.replace("except:", "except Exception:")


def test_invalid_utf8_is_a_parse_error_with_position(project, audit) -> None:
    root = project({"bad.py": b"x = 1\ny = '\xff'\ntry:\n    a()\nexcept:\n    pass\n"})
    result = audit("scan", "--fix")
    assert result.code == 2
    assert result.out.splitlines()[0] == (
        "bad.py:2:6: critical parse-error cannot decode: not valid utf-8: byte 0xff cannot be decoded"
    )
    assert (root / "bad.py").read_bytes().startswith(b"x = 1\ny = '\xff'")


def test_latin1_file_with_coding_declaration_is_scanned_and_fixed_in_latin1(project, audit) -> None:
    source = "# -*- coding: latin-1 -*-\nname = 'café'\n" + BARE
    root = project({"legacy.py": source.encode("latin-1")})
    result = audit("scan")
    assert result.out.splitlines()[0] == f"legacy.py:5:1: {FINDING}"
    assert audit("scan", "--fix").code == 0
    fixed = (root / "legacy.py").read_bytes()
    assert fixed == source.replace("except:", "except Exception:").encode("latin-1")
    assert b"caf\xe9" in fixed


def test_unknown_coding_declaration(project, audit) -> None:
    project({"odd.py": "# coding: klingon\nx = 1\ntry:\n    a()\nexcept:\n    pass\n"})
    result = audit("scan")
    assert result.code == 2
    assert (
        result.out.splitlines()[0]
        == "odd.py:1:1: critical parse-error cannot decode: unknown encoding: klingon"
    )


def test_bom_crlf_mode_and_missing_final_newline_are_kept(project, audit) -> None:
    source = "import os\r\ntry:\r\n    run()\r\nexcept:\r\n    pass"
    root = project({"win.py": b"\xef\xbb\xbf" + source.encode()})
    os.chmod(root / "win.py", 0o751)
    assert audit("scan", "--fix").code == 0
    assert (root / "win.py").read_bytes() == b"\xef\xbb\xbf" + source.replace(
        "except:", "except Exception:"
    ).encode()
    assert stat.S_IMODE((root / "win.py").stat().st_mode) == 0o751
    assert not [p for p in root.iterdir() if p.name.endswith(".audit-tmp")]


def _without_dac_override() -> None:
    """Runs in the child before exec: root reads any file through CAP_DAC_OVERRIDE and
    CAP_DAC_READ_SEARCH; dropping them from the bounding set makes the exec'd process
    obey file permissions like any user."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop, cap_dac_override, cap_dac_read_search = 24, 1, 2
    for cap in (cap_dac_override, cap_dac_read_search):
        if libc.prctl(pr_capbset_drop, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def test_unreadable_file_is_a_read_error_and_scan_goes_on(tmp_path: Path) -> None:
    (tmp_path / "secret.py").write_text(BARE)
    (tmp_path / "open.py").write_text(BARE)
    os.chmod(tmp_path / "secret.py", 0)
    done = subprocess.run(
        [sys.executable, "-c", "from auditor.cli import main; main()", "scan", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=_without_dac_override if os.geteuid() == 0 else None,
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout.splitlines()[:2] == [
        f"open.py:3:1: {FINDING}",
        "secret.py:1:1: critical read-error cannot read: Permission denied",
    ]


def test_file_deleted_between_discovery_and_reading(tmp_path: Path) -> None:
    from auditor.scan.discovery import SourcePath
    from auditor.scan.engine import Engine
    from auditor.scan.loading import ActiveRule
    from rules.python.bare_except import BareExcept

    gone = SourcePath("gone.py", str(tmp_path / "gone.py"), "python")
    result = Engine([ActiveRule(BareExcept, BareExcept.severity, {}, False)]).scan_file(gone)
    (finding,) = result.findings
    assert (finding.rule_id, finding.message) == (
        "read-error",
        "cannot read: No such file or directory",
    )


def test_directory_named_like_a_source_file_is_skipped(project, audit) -> None:
    project({"weird.py/inner.py": BARE})
    result = audit("scan")
    assert result.out.splitlines()[0].startswith("weird.py/inner.py:3:1:")
    assert result.code == 1
