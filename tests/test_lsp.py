"""`audit lsp`: the real server over stdio, driven with JSON-RPC as an editor drives it
(initialize, didOpen, didChange, didSave, codeAction, shutdown, exit), and its pure parts:
UTF-16 positions, the one-span text edit, severities."""

from __future__ import annotations

import itertools
import json
import queue
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from auditor.lsp.diagnostics import severity_of
from auditor.lsp.edits import changed_span
from auditor.lsp.positions import UTF8, UTF16, UTF32, Point, TextPositions, units
from auditor.model import Finding, Location, Severity

TIMEOUT = 10.0  # seconds: generous, so a slow machine is not a failure
Message = dict[str, Any]

BARE_EXCEPT = "bare `except:` also catches KeyboardInterrupt and SystemExit; name the exceptions"
PRINT = "`print` writes to the console; log through the module's logger instead"
CONSOLE = (
    "`console.log` writes to the console; set `logger-import` under "
    "[tool.audit.rules.console-logging] (e.g. \"import { logger } from '@/lib/logger'\") to get a fix"
)
CONSOLE_CREATING = (
    "`console.log` writes to the console; use `logger.debug`, creating the logger module "
    "lib/logger.ts"
)
EMPTY_CATCH = "empty `catch` block swallows the error; handle, log or rethrow it"
ERROR, WARNING, INFORMATION = 1, 2, 3


class Client:
    """An editor's side of the protocol: Content-Length framed JSON-RPC on the server's
    stdin and stdout, read by a thread into a queue; what a wait does not want is kept."""

    def __init__(
        self,
        cwd: Path,
        options: dict[str, Any] | None = None,
        capabilities: dict[str, Any] | None = None,
    ) -> None:
        self.root = cwd
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from auditor.cli import main; main()", "lsp"],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.messages: queue.Queue[Message | None] = queue.Queue()
        self.kept: list[Message] = []
        self.stderr: list[bytes] = []
        self.ids = 0
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain, daemon=True).start()
        self.initialized = self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": cwd.as_uri(),
                "capabilities": capabilities or {},
                "initializationOptions": {"debounceMs": 0, **(options or {})},
            },
        )
        self.notify("initialized", {})

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    self.messages.put(None)
                    return
                if not line.strip():
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            assert length is not None
            self.messages.put(json.loads(stream.read(length)))

    def _drain(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line)

    def send(self, *messages: Message) -> None:
        """One write for all: the server sees them back to back."""
        data = b""
        for message in messages:
            body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
            data += b"Content-Length: %d\r\n\r\n" % len(body) + body
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: Any) -> Any:
        self.ids += 1
        number = self.ids
        self.send({"id": number, "method": method, "params": params})
        response = self.wait(lambda m: m.get("id") == number and "method" not in m)
        assert "error" not in response, response
        return response["result"]

    def wait(self, wanted: Callable[[Message], bool], timeout: float = TIMEOUT) -> Message:
        for message in self.kept:
            if wanted(message):
                self.kept.remove(message)
                return message
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                message = self.messages.get(timeout=max(left, 0))
            except queue.Empty:
                raise AssertionError(
                    f"no wanted message in {timeout}s; kept: {self.kept}"
                ) from None
            if message is None:
                raise AssertionError("the server closed its output: " + self.log())
            if wanted(message):
                return message
            self.kept.append(message)

    def log(self) -> str:
        return b"".join(self.stderr).decode("utf-8", "replace")

    # --- what editors do ----------------------------------------------------------------

    def uri(self, name: str) -> str:
        return (self.root / name).as_uri()

    def open(self, name: str, text: str, language: str = "python", version: int = 1) -> None:
        document = {"uri": self.uri(name), "languageId": language, "version": version, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": document})

    def change(self, name: str, text: str, version: int) -> Message:
        return {
            "method": "textDocument/didChange",
            "params": {
                "textDocument": {"uri": self.uri(name), "version": version},
                "contentChanges": [{"text": text}],
            },
        }

    def diagnostics(self, name: str, version: int | None = 1) -> list[dict[str, Any]]:
        """The diagnostics published for this version of the document."""
        uri = self.uri(name)
        message = self.wait(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri
                and m["params"].get("version") == version
            )
        )
        found: list[dict[str, Any]] = message["params"]["diagnostics"]
        return found

    def actions(
        self, name: str, start: tuple[int, int], end: tuple[int, int], only: list[str] | None = None
    ) -> list[dict[str, Any]]:
        context: dict[str, Any] = {"diagnostics": []}
        if only is not None:
            context["only"] = only
        found: list[dict[str, Any]] = self.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": self.uri(name)},
                "range": {"start": _pos(*start), "end": _pos(*end)},
                "context": context,
            },
        )
        return found

    def close(self) -> int:
        assert self.request("shutdown", None) is None
        self.notify("exit", None)
        return self.process.wait(TIMEOUT)


def _pos(line: int, character: int) -> dict[str, int]:
    return {"line": line, "character": character}


def _range(start: tuple[int, int], end: tuple[int, int]) -> dict[str, Any]:
    return {"start": _pos(*start), "end": _pos(*end)}


BUILT_IN = {"bare-except", "console-logging", "unvalidated-env", "unvalidated-kwargs"}
RULES_URL = "https://github.com/auditor-dev/auditor/blob/main/docs/rules"  # /<id>.md


def _diagnostic(
    start: tuple[int, int], end: tuple[int, int], code: str, severity: int, message: str
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "range": _range(start, end),
        "message": message,
        "severity": severity,
        "code": code,
    }
    if code in BUILT_IN:  # a built-in rule's code links to its documentation
        found["codeDescription"] = {"href": f"{RULES_URL}/{code}.md"}
    found["source"] = "audit"
    return found


def apply(text: str, edit: dict[str, Any]) -> str:
    """A WorkspaceEdit's TextEdits of one document applied as an editor applies them
    (UTF-16 columns, every range in the text before the edit; none may overlap)."""
    [edits] = edit["changes"].values()
    positions = TextPositions(text)
    spans = []
    for change in edits:
        start, end = (positions.offset(Point(**change["range"][k])) for k in ("start", "end"))
        spans.append((start, end, change["newText"]))
    spans.sort(key=lambda span: span[:2])
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), spans
    for start, end, new_text in reversed(spans):
        text = text[:start] + new_text + text[end:]
    return text


@pytest.fixture
def server(project: Callable[[dict[str, str | bytes]], Path]) -> Iterator[Callable[..., Client]]:
    """`server(files, **options)`: a project holding `files`, and a server started in it."""
    clients: list[Client] = []

    def start(files: dict[str, str | bytes], **options: Any) -> Client:
        root = project({"pyproject.toml": "[tool.audit]\n", **files})
        clients.append(Client(root, options))
        return clients[-1]

    yield start
    for client in clients:
        if client.process.poll() is None:
            client.process.kill()
            client.process.wait(TIMEOUT)


BARE = "try:\n    run()\nexcept:\n    pass\n"


# --- the protocol, end to end -------------------------------------------------------------


def test_initialize_announces_full_sync_and_the_code_action_kinds(server) -> None:
    client = server({})
    capabilities = client.initialized["capabilities"]
    assert client.initialized["serverInfo"]["name"] == "audit"
    assert capabilities["positionEncoding"] == "utf-16"
    assert capabilities["textDocumentSync"] == {"openClose": True, "change": 1, "save": True}
    assert capabilities["codeActionProvider"] == {
        "codeActionKinds": ["quickfix", "source.fixAll.audit"]
    }
    assert client.close() == 0


def test_python_document_diagnostics_are_exact(server) -> None:
    client = server({})
    client.open("app.py", "print('hi')\n" + BARE)
    assert client.diagnostics("app.py") == [
        _diagnostic((0, 0), (0, 11), "console-logging", ERROR, PRINT),
        _diagnostic((3, 0), (3, 6), "bare-except", ERROR, BARE_EXCEPT),
    ]
    assert client.close() == 0


def test_tsx_document_diagnostics_are_exact(server) -> None:
    client = server({})
    text = (
        "export function App({ name }: { name: string }) {\n"
        "  try { load(); } catch (e) {}\n"
        "  console.log(name);\n"
        "  return <div>{name}</div>;\n"
        "}\n"
    )
    client.open("App.tsx", text, "typescriptreact")
    assert client.diagnostics("App.tsx") == [
        _diagnostic((1, 18), (1, 30), "bare-except", ERROR, EMPTY_CATCH),
        # No logger in the project: the fix would create one.
        _diagnostic((2, 2), (2, 19), "console-logging", ERROR, CONSOLE_CREATING),
    ]
    assert client.close() == 0


def test_the_buffer_is_scanned_not_the_file_on_disk(server) -> None:
    client = server({"app.py": "x = 1\n", "other.py": BARE})
    client.open("app.py", BARE)  # unsaved: the file on disk is clean
    assert [d["code"] for d in client.diagnostics("app.py")] == ["bare-except"]
    client.open("other.py", "x = 1\n")  # fixed in the editor, not yet on disk
    assert client.diagnostics("other.py") == []
    assert client.close() == 0


def test_did_change_publishes_the_latest_version_only(server) -> None:
    client = server({}, debounceMs=150)
    client.open("app.py", "x = 1\n")
    assert client.diagnostics("app.py") == []
    client.send(
        client.change("app.py", BARE, 2),
        client.change("app.py", "print(1)\n", 3),
        client.change("app.py", "print(1)\n" + BARE, 4),
    )
    assert [d["code"] for d in client.diagnostics("app.py", 4)] == [
        "console-logging",
        "bare-except",
    ]
    published = [m for m in client.kept if m.get("method") == "textDocument/publishDiagnostics"]
    assert published == []  # versions 2 and 3 were superseded before their scan
    assert client.close() == 0


def test_typing_in_a_function_moves_the_findings_below_it(server) -> None:
    # The server re-scans the changed function only; what it publishes and fixes is what a
    # scan of the whole buffer gives.
    functions = "".join(
        f"def f{n}():\n    try:\n        run({n})\n    except:\n        pass\n\n\n"
        for n in range(4)
    )
    client = server({}, debounceMs=0)
    client.open("app.py", functions)
    assert [d["range"]["start"]["line"] for d in client.diagnostics("app.py")] == [3, 10, 17, 24]
    typed = functions.replace("        run(1)\n", "        run(1)\n        log(1)\n")
    client.send(client.change("app.py", typed, 2))
    assert [d["range"]["start"]["line"] for d in client.diagnostics("app.py", 2)] == [3, 11, 18, 25]
    fix = client.actions("app.py", (25, 4), (25, 4))[0]
    assert fix["edit"] == {
        "changes": {
            client.uri("app.py"): [{"range": _range((25, 10), (25, 10)), "newText": " Exception"}]
        }
    }
    assert client.close() == 0


def test_columns_are_utf16_code_units(server) -> None:
    client = server({})
    # 😀 is one character and two UTF-16 units, 中 one of each: print starts at
    # character 10, UTF-16 unit 11.
    client.open("app.py", 's = "😀中"; print(s)\n')
    assert client.diagnostics("app.py") == [
        _diagnostic((0, 11), (0, 19), "console-logging", ERROR, PRINT),
    ]
    assert client.close() == 0


def test_a_syntax_error_is_one_diagnostic_at_its_position(server) -> None:
    client = server({})
    client.open("app.py", "print('a')\ndef f(:\n    pass\n")
    [found] = client.diagnostics("app.py")
    assert (found["range"], found["code"], found["severity"], found["source"]) == (
        _range((1, 6), (1, 6)),
        "parse-error",
        ERROR,
        "audit",
    )
    assert found["message"].startswith("cannot parse")
    assert client.close() == 0


def test_suppressed_findings_are_not_published(server) -> None:
    client = server({})
    client.open("app.py", BARE.replace("except:", "except:  # audit: ignore[bare-except]"))
    assert client.diagnostics("app.py") == []
    assert client.close() == 0


def test_code_actions_for_a_bare_except(server) -> None:
    client = server({})
    text = BARE
    client.open("app.py", text)
    [found] = client.diagnostics("app.py")
    fix, suppress, fix_all = client.actions("app.py", (2, 2), (2, 2))
    assert (fix["title"], fix["kind"], fix["isPreferred"]) == (
        "Fix: replace `except:` with `except Exception:`",
        "quickfix",
        True,
    )
    assert fix["diagnostics"] == [found]
    assert fix["edit"] == {
        "changes": {
            client.uri("app.py"): [{"range": _range((2, 6), (2, 6)), "newText": " Exception"}]
        }
    }
    assert apply(text, fix["edit"]) == text.replace("except:", "except Exception:")
    assert suppress["title"] == "Suppress with `# audit: ignore[bare-except]`"
    assert suppress["edit"] == {
        "changes": {
            client.uri("app.py"): [
                {"range": _range((2, 7), (2, 7)), "newText": "  # audit: ignore[bare-except]"}
            ]
        }
    }
    assert (fix_all["title"], fix_all["kind"]) == ("audit: fix all", "source.fixAll.audit")
    assert apply(text, fix_all["edit"]) == text.replace("except:", "except Exception:")
    # Nothing on a line without a finding but fix-all; only what is asked for.
    assert [a["kind"] for a in client.actions("app.py", (0, 0), (0, 0))] == ["source.fixAll.audit"]
    assert [a["kind"] for a in client.actions("app.py", (2, 0), (2, 0), ["quickfix"])] == [
        "quickfix",
        "quickfix",
    ]
    assert client.close() == 0


def test_an_unsafe_fix_is_labelled_and_js_suppressions_use_slashes(server) -> None:
    client = server({})
    client.open("app.ts", "export function f() {\n  console.log('x');\n}\n", "typescript")
    assert [d["code"] for d in client.diagnostics("app.ts")] == ["console-logging"]
    titles = [a["title"] for a in client.actions("app.ts", (1, 4), (1, 4))]
    assert titles == ["Suppress with `// audit: ignore[console-logging]`"]  # no logger-import
    client.open("app.py", "def f():\n    print('x')\n")
    assert [d["code"] for d in client.diagnostics("app.py")] == ["console-logging"]
    fix, suppress = client.actions("app.py", (1, 4), (1, 4), ["quickfix"])
    assert fix["title"].startswith("Fix: ") and fix["title"].endswith(" (unsafe)")
    assert "isPreferred" not in fix or fix["isPreferred"] is False
    assert suppress["title"] == "Suppress with `# audit: ignore[console-logging]`"
    assert client.close() == 0


THREE = (
    "def f():\n    print('x')\n\n\n"
    "try:\n    a()\nexcept:\n    pass\n"
    "try:\n    b()\nexcept:\n    raise\n"
)


def test_fix_all_applies_every_safe_fix(server) -> None:
    client = server({})
    client.open("app.py", THREE)
    assert [d["code"] for d in client.diagnostics("app.py")] == [
        "console-logging",
        "bare-except",
        "bare-except",
    ]
    [fix_all] = client.actions("app.py", (0, 0), (0, 0), ["source.fixAll"])
    assert fix_all["kind"] == "source.fixAll.audit"
    # The safe fixes: Exception, and BaseException where the handler re-raises; print stays.
    assert apply(THREE, fix_all["edit"]) == THREE.replace(
        "except:\n    pass", "except Exception:\n    pass"
    ).replace("except:\n    raise", "except BaseException:\n    raise")
    assert client.close() == 0


def test_fix_all_with_unsafe_fixes_set(server) -> None:
    client = server({}, unsafeFixes=True)
    client.open("app.py", THREE)
    assert len(client.diagnostics("app.py")) == 3
    [fix_all] = client.actions("app.py", (0, 0), (0, 0), ["source.fixAll.audit"])
    fixed = apply(THREE, fix_all["edit"])
    assert "print(" not in fixed and "logging" in fixed
    assert "except Exception:" in fixed and "except BaseException:" in fixed
    # The result is what the document publishes no finding for.
    client.send(client.change("app.py", fixed, 2))
    assert client.diagnostics("app.py", 2) == []
    assert client.close() == 0


CRASHING = '''
import libcst as cst
from auditor.model import Severity
from auditor.plugins import Rule


class Crashes(Rule):
    """Raises on every call it sees."""

    id = "crashes"
    severity = Severity.LOW
    message = "a call"
    triggers = ("(",)

    def visit_Call(self, node: cst.Call) -> None:
        raise KeyError("oops")
'''


def test_a_crashing_plugin_rule_is_a_diagnostic_and_the_server_goes_on(server, trusted) -> None:
    name = f"lsp_rules_{uuid.uuid4().hex[:8]}"
    client = server(
        {f"{name}.py": CRASHING, "pyproject.toml": f"[tool.audit]\nplugins = ['{name}']\n"}
    )
    client.open("app.py", "run()\n" + BARE)
    assert client.diagnostics("app.py") == [
        _diagnostic(
            (0, 0),
            (0, 0),
            "internal-error",
            ERROR,
            "rule crashes failed on this file (KeyError: 'oops'); its findings here are missing",
        ),
        _diagnostic((3, 0), (3, 6), "bare-except", ERROR, BARE_EXCEPT),
    ]
    # The server still answers, and sees the plugin fixed once it is saved.
    assert [a["kind"] for a in client.actions("app.py", (3, 0), (3, 0))][:2] == [
        "quickfix",
        "quickfix",
    ]
    plugin = client.root / f"{name}.py"
    plugin.write_text(CRASHING.replace('raise KeyError("oops")', "self.report(node)"))
    client.notify("textDocument/didSave", {"textDocument": {"uri": plugin.as_uri()}})
    assert client.diagnostics("app.py") == [
        _diagnostic((0, 0), (0, 5), "crashes", INFORMATION, "a call"),
        _diagnostic((2, 4), (2, 9), "crashes", INFORMATION, "a call"),
        _diagnostic((3, 0), (3, 6), "bare-except", ERROR, BARE_EXCEPT),
    ]
    assert client.close() == 0


def test_a_changed_pyproject_reloads_the_project(server) -> None:
    client = server({})
    client.open("app.py", "print(1)\n" + BARE)
    assert len(client.diagnostics("app.py")) == 2
    config = client.root / "pyproject.toml"
    config.write_text("[tool.audit]\nignore = ['bare-except']\n")
    client.notify("textDocument/didSave", {"textDocument": {"uri": config.as_uri()}})
    assert [d["code"] for d in client.diagnostics("app.py")] == ["console-logging"]
    config.write_text("[tool.audit]\nselect = ['nope']\n")  # checked before each scan too
    client.send(client.change("app.py", "print(2)\n", 2))
    [broken] = client.diagnostics("app.py", 2)
    assert (broken["code"], broken["severity"], broken["range"]) == (
        "config-error",
        ERROR,
        _range((0, 0), (0, 0)),
    )
    assert "unknown rule id 'nope'" in broken["message"]
    assert client.close() == 0


def test_lsp_without_pygls_says_how_to_install_it(project) -> None:
    root = project({})
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.modules['pygls'] = None; from auditor.cli import main; main()",
            "lsp",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=TIMEOUT,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "audit: error: `audit lsp` needs pygls: install auditor with its `lsp` extra "
        "(pip install -e '.[lsp]' in a clone; see the README's Editors)\n"
    )


# --- the pure parts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("abc", UTF16, 3),
        ("😀中", UTF16, 3),
        ("😀中", UTF8, 7),
        ("😀中", UTF32, 2),
    ],
)
def test_code_units(text: str, encoding: str, expected: int) -> None:
    assert units(text, encoding) == expected


def test_positions_and_offsets_round_trip() -> None:
    text = "a\r\n😀b中c\rlast"
    positions = TextPositions(text)
    assert positions.point(Location(2, 2)) == Point(1, 2)  # after the emoji
    assert positions.point(Location(2, 4)) == Point(1, 4)  # after 中
    assert positions.point(Location(9, 1)) == Point(2, 4)  # past the end: the end
    for offset in range(len(text) + 1):
        if text[offset - 1 : offset] == "\r" and text[offset : offset + 1] == "\n":
            continue  # between the two characters of a \r\n: no LSP position
        assert positions.offset(positions.point_at(offset)) == offset
    assert positions.offset(Point(1, 1)) == 4  # inside the surrogate pair: after it


@pytest.mark.parametrize(
    ("old", "new", "span"),
    [
        ("except:\n", "except Exception:\n", (6, 6, " Exception")),
        ("a\r\nb", "a\nb", (1, 3, "\n")),
        ("a\nb", "a\r\nb", (1, 1, "\r")),
        ("same", "same", (4, 4, "")),
    ],
)
def test_the_changed_span(old: str, new: str, span: tuple[int, int, str]) -> None:
    assert changed_span(old, new) == span
    start, end, replacement = span
    assert old[:start] + replacement + old[end:] == new


def _finding(rule_id: str, severity: Severity) -> Finding:
    return Finding(rule_id, severity, "a.py", Location(1, 1), Location(1, 1), "m")


@pytest.mark.parametrize(
    ("rule_id", "severity", "expected"),
    [
        ("bare-except", Severity.CRITICAL, types.DiagnosticSeverity.Error),
        ("x", Severity.HIGH, types.DiagnosticSeverity.Error),
        ("x", Severity.MEDIUM, types.DiagnosticSeverity.Warning),
        ("x", Severity.LOW, types.DiagnosticSeverity.Information),
        ("parse-limit", Severity.LOW, types.DiagnosticSeverity.Warning),
        ("parse-error", Severity.CRITICAL, types.DiagnosticSeverity.Error),
    ],
)
def test_severities(rule_id: str, severity: Severity, expected: Any) -> None:
    assert severity_of(_finding(rule_id, severity)) == expected


MARKING = CRASHING.replace(
    "import libcst as cst\n",
    "import libcst as cst\nfrom pathlib import Path\n"
    "(Path(__file__).resolve().parent / 'MARKER').write_text('imported')\n",
    1,
)


def test_an_untrusted_folder_never_imports_its_plugin_and_says_so_once(server) -> None:
    name = f"lsp_rules_{uuid.uuid4().hex[:8]}"
    client = server(
        {f"{name}.py": MARKING, "pyproject.toml": f"[tool.audit]\nplugins = ['{name}']\n"}
    )
    client.open("app.py", "run()\n" + BARE)
    client.open("other.py", BARE, version=1)
    # The built-in rules run; the plugin's module is not imported.
    assert client.diagnostics("app.py") == [
        _diagnostic((3, 0), (3, 6), "bare-except", ERROR, BARE_EXCEPT)
    ]
    assert client.diagnostics("other.py") == [
        _diagnostic((2, 0), (2, 6), "bare-except", ERROR, BARE_EXCEPT)
    ]
    told = client.wait(lambda m: m.get("method") == "window/showMessage")
    assert told["params"] == {
        "type": 2,
        "message": (
            f"audit: pyproject.toml: not trusted: 'tool.audit.plugins' imports the plugin "
            f"module(s) {name}; review it, then run `audit trust` (or pass --trust for one run)"
        ),
    }
    assert not (client.root / "MARKER").exists()
    # Trusted from the command line: the server loads the project again, with its plugin.
    done = subprocess.run(
        [sys.executable, "-m", "auditor", "trust"],
        cwd=client.root,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    client.notify("textDocument/didSave", {"textDocument": {"uri": client.uri("pyproject.toml")}})
    assert [d["code"] for d in client.diagnostics("app.py")] == [
        "internal-error",
        "bare-except",
    ]
    assert (client.root / "MARKER").exists()
    assert [m for m in client.kept if m.get("method") == "window/showMessage"] == []
    assert client.close() == 0


def test_a_project_configured_by_audit_toml_is_found_as_the_cli_finds_it(server) -> None:
    # The CLI's discovery, one owner: `.audit.toml` and `audit.toml` come before the
    # pyproject.toml of the same folder.
    client = server(
        {"audit.toml": 'ignore = ["bare-except"]\n', "a.py": BARE, "b.py": "print(1)\n"}
    )
    client.open("a.py", BARE)
    assert client.diagnostics("a.py") == []
    (client.root / "audit.toml").write_text("ignore = []\n")
    client.notify("textDocument/didSave", {"textDocument": {"uri": client.uri("audit.toml")}})
    assert [d["code"] for d in client.diagnostics("a.py")] == ["bare-except"]
    assert client.close() == 0
