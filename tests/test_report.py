"""`audit report`: the exact Markdown for a scripted history, and an HTML page that a real
browser renders, with everything from commits and code escaped."""

from __future__ import annotations

import html
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import commit_all

GOLDEN = Path(__file__).parent / "golden"


def _golden(name: str, text: str) -> str:
    """The stored expected output; AUDIT_UPDATE_GOLDEN=1 rewrites it (then read the diff)."""
    path = GOLDEN / name
    if os.environ.get("AUDIT_UPDATE_GOLDEN"):
        path.write_text(text)
    return path.read_text()


def test_markdown_report_of_the_scripted_history(history, audit) -> None:
    result = audit("report")
    assert result.code == 0, result.err
    assert result.out == _golden("scripted-progress.md", result.out)
    assert audit("report").out == result.out  # same repository state, same bytes


def test_report_output_file_from_config(history, audit, tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "report-output = 'docs/PROGRESS.md'\n")
    (tmp_path / "docs").mkdir()
    assert audit("report").out == ""
    assert (
        (tmp_path / "docs/PROGRESS.md")
        .read_text()
        .startswith("# Remediation progress: Demo shop\n")
    )


def _hostile_history(tmp_path: Path) -> None:
    app = tmp_path / "core/app.py"
    app.write_text(app.read_text().replace("    except:\n", "    except Exception:\n"))
    commit_all(
        tmp_path,
        "fix <script>alert(1)</script> | [x](javascript:alert(2)) (CRIT-1)",
        "2025-10-19T10:00:00+00:00",
    )
    (tmp_path / "web.py").write_text("def view():\n    todo()  # <img src=x onerror=alert(3)>\n")
    commit_all(tmp_path, "add </table><script>alert(4)</script>", "2025-10-20T10:00:00+00:00")


def test_html_escapes_commit_subjects_and_code(history, audit, tmp_path: Path) -> None:
    _hostile_history(tmp_path)
    html = audit("report", "--format", "html").out
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:alert(2)" in html and 'href="javascript' not in html
    markdown = audit("report").out
    assert (
        "<script" not in markdown
        and "&lt;script&gt;alert(1)&lt;/script&gt; \\| \\[x\\](javascript:alert(2))" in markdown
    )


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)
def test_html_report_in_headless_chromium(history, audit, tmp_path: Path) -> None:
    _hostile_history(tmp_path)
    page = tmp_path / "report.html"
    assert audit("report", "--format", "html", "--output", str(page)).code == 0
    # The report has no script of its own. A probe page shows it in a phone-wide frame
    # (390 px; headless windows are at least 500 px wide) and records how wide it lays out.
    probe = tmp_path / "probe.html"
    probe.write_text(
        '<!DOCTYPE html><html><body style="margin:0">'
        '<iframe id="f" src="report.html" width="390" height="844" style="border:0"></iframe>'
        "<script>const f = document.getElementById('f'); f.addEventListener('load', () => {"
        "const d = f.contentDocument; document.body.setAttribute('data-width', d.documentElement.scrollWidth);"
        "document.body.setAttribute('data-client', d.documentElement.clientWidth);"
        "document.body.setAttribute('data-text', d.body.innerText);"
        "document.body.setAttribute('data-svg', d.querySelectorAll('svg#burn-down polyline').length);"
        "document.body.setAttribute('data-scripts', d.querySelectorAll('script').length);"
        "});</script></body></html>"
    )
    flags = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--allow-file-access-from-files",
        "--virtual-time-budget=5000",
    ]
    shot = tmp_path / "report.png"
    subprocess.run(
        [*flags, f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    dom = subprocess.run(
        [*flags, "--dump-dom", probe.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout

    def attribute(name: str) -> str:
        return html.unescape(dom.split(f'data-{name}="')[1].split('"')[0])

    text = attribute("text")
    assert "CRIT-1: Bare except blocks" in text and "HIGH-1: Placeholders" in text
    assert "Next actions" in text and "fix <script>alert(1)</script>" in text  # shown as text
    assert int(attribute("svg")) == 2  # the burn-down's critical and high lines
    assert attribute("scripts") == "0"  # nothing from a commit subject became a script
    assert int(attribute("width")) <= int(attribute("client"))  # no sideways scrolling on a phone
