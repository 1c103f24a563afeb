"""Suppression comments are checked (issue 16, point 9): an id no rule has is reported
always, an ignore that silences nothing with --report-unused-ignores (with a safe fix that
removes a comment that is only the directive), and `audit: ignore-file[...]` silences a
whole file."""

from __future__ import annotations

CODE = (
    "x = 1  # audit: ignore[bare-exept]\n"
    "w = 0  # audit: ignore[ruff:F401]\n"
    "try:\n    run()\nexcept:  # audit: ignore[bare-except]\n    pass\n"
    "# audit: ignore[console-logging]\n"
    "y = 2\n"
    "z = 3  # noqa: E1  # audit: ignore\n"
)
INVALID = (
    "app.py:1:8: medium invalid-ignore `# audit: ignore[bare-exept]` names no rule: "
    "'bare-exept' (see `audit rules`)"
)


def test_an_unknown_rule_id_is_reported_always(project, audit) -> None:
    project({"pyproject.toml": "[tool.audit]\n", "app.py": CODE})
    result = audit("scan")
    assert (result.code, result.out.splitlines()[0]) == (0, INVALID)
    assert "unused-ignore" not in result.out


def test_unused_ignores_are_reported_and_fixed_on_request(project, audit) -> None:
    root = project(
        {"pyproject.toml": "[tool.audit]\nreport-unused-ignores = true\n", "app.py": CODE}
    )
    lines = audit("scan").out.splitlines()
    assert lines[:3] == [
        INVALID,
        "app.py:7:1: low unused-ignore `# audit: ignore[console-logging]` silences nothing here",
        "app.py:9:8: low unused-ignore `# noqa: E1  # audit: ignore` silences nothing here",
    ]
    assert audit("scan", "--fix").code == 0
    # The comment that is only the directive goes, line and all; the one with a noqa stays.
    assert (root / "app.py").read_text() == CODE.replace("# audit: ignore[console-logging]\n", "")
    again = audit("scan", "--fix")
    assert (root / "app.py").read_text() == CODE.replace("# audit: ignore[console-logging]\n", "")
    assert again.code == 0


def test_the_flag_reports_unused_ignores_too(project, audit) -> None:
    project({"pyproject.toml": "[tool.audit]\n", "app.py": "y = 2  # audit: ignore[bare-except]\n"})
    result = audit("scan", "--report-unused-ignores")
    assert result.out.splitlines()[0] == (
        "app.py:1:8: low unused-ignore `# audit: ignore[bare-except]` silences nothing here"
    )
    # An ignore for a rule this run does not select is not unused: another run needs it.
    assert (
        "unused-ignore"
        not in audit("scan", "--report-unused-ignores", "--select", "console-logging").out
    )


def test_ignore_file_silences_the_whole_file(project, audit) -> None:
    project(
        {
            "pyproject.toml": "[tool.audit]\n",
            "a.py": "# audit: ignore-file[console-logging]\nprint(1)\n\n\nprint(2)\n",
            "b.ts": "// audit: ignore-file\nconsole.log(1);\ntry { f(); } catch {}\n",
            "c.py": "print(3)\n",
        }
    )
    result = audit("scan", "--fail-on", "none")
    assert [line.split(": ")[0] for line in result.out.splitlines()[:-2]] == ["c.py:1:1"]


JSX = (
    "export const A = () => (\n"
    "  <div>\n"
    "    {/* audit: ignore[console-logging] */}\n"
    "    <b>x</b>{/* audit: ignore[console-logging] */}\n"
    "  </div>\n"
    ");\n"
    "/* audit: ignore[console-logging] */ export const b = 2;\n"
)


def test_unused_jsx_and_block_comment_ignores_go_and_the_code_stays(project, audit) -> None:
    # A JSX comment goes with its braces, alone on its line with the line; a block
    # comment before code on its line goes, not the code.
    root = project({"pyproject.toml": "[tool.audit]\nreport-unused-ignores = true\n", "A.jsx": JSX})
    assert [line.split(" silences")[0] for line in audit("scan").out.splitlines()[:3]] == [
        "A.jsx:3:5: low unused-ignore `{/* audit: ignore[console-logging] */}`",
        "A.jsx:4:13: low unused-ignore `{/* audit: ignore[console-logging] */}`",
        "A.jsx:7:1: low unused-ignore `/* audit: ignore[console-logging] */`",
    ]
    assert audit("scan", "--fix").code == 0
    assert (root / "A.jsx").read_text() == (
        "export const A = () => (\n  <div>\n    <b>x</b>\n  </div>\n);\nexport const b = 2;\n"
    )
