"""`audit lsp` under load and abuse: a document over the project's max-file-size is one
diagnostic (what `audit scan` reports for that file), a slow document holds up only
itself, superseded versions are never published, and every request gets an answer, an
error response when its params cannot be read. Over stdio, as tests/test_lsp.py drives it;
the lanes that keep documents apart, in this process."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import pytest
from test_lsp import BARE, BARE_EXCEPT, ERROR, _diagnostic, server  # noqa: F401  (the fixture)

from auditor.lsp.lanes import Lanes

SLOW_TIMEOUT = 300.0  # seconds for the slow document: a loaded machine is not a failure

LIMIT = "[tool.audit]\nmax-file-size = 2000\n"
BIG = "# big\n" + "x = 1\n" * 400 + BARE  # 2,438 bytes


def _published(uri: str) -> Any:
    return lambda m: (
        m.get("method") == "textDocument/publishDiagnostics" and (m["params"]["uri"] == uri)
    )


# --- max-file-size ------------------------------------------------------------------------


def test_over_max_file_size_is_the_clis_read_error(server, audit) -> None:  # noqa: F811
    client = server({"pyproject.toml": LIMIT, "big.py": BIG})
    cli = audit("scan", "--no-cache", "--format", "json", "big.py")
    [reported] = json.loads(cli.out)["findings"]
    assert (cli.code, reported["rule_id"]) == (2, "read-error")
    message = (
        "not scanned: 2,438 bytes is over the max-file-size limit of 2,000 "
        "(exclude the file, or raise the limit)"
    )
    assert reported["message"] == message
    client.open("big.py", BIG)
    assert client.diagnostics("big.py") == [
        _diagnostic((0, 0), (0, 0), "read-error", ERROR, message)
    ]
    assert client.actions("big.py", (402, 0), (402, 0)) == []  # nothing to fix or suppress
    # Under the limit again, it is scanned; multi-byte characters count as the file's bytes.
    client.send(client.change("big.py", BARE, 2))
    assert client.diagnostics("big.py", 2) == [
        _diagnostic((2, 0), (2, 6), "bare-except", ERROR, BARE_EXCEPT)
    ]
    wide = "# " + "é" * 1000 + "\n" + BARE
    size = len(wide.encode("utf-8"))
    assert len(wide) < 2000 < size
    client.send(client.change("big.py", wide, 3))
    [over] = client.diagnostics("big.py", 3)
    assert over["code"] == "read-error" and f"{size:,} bytes" in over["message"]
    assert client.close() == 0


def test_generated_is_left_out_and_0_is_no_limit(server) -> None:  # noqa: F811
    client = server({"pyproject.toml": LIMIT})
    client.open("gen.py", "# @generated\n" + BIG)
    assert client.diagnostics("gen.py") == []  # as `audit scan` skips the file
    config = client.root / "pyproject.toml"
    config.write_text("[tool.audit]\nmax-file-size = 0\n")
    client.notify("textDocument/didSave", {"textDocument": {"uri": config.as_uri()}})
    client.open("big.py", BIG)
    assert [d["code"] for d in client.diagnostics("big.py")] == ["bare-except"]
    assert client.close() == 0


# --- a slow document holds up only itself -------------------------------------------------

BLOCK = "def f{n}(x):\n    try:\n        print(x)\n    except:\n        pass\n    return x\n"
# ~470 kB: seconds to analyse (the rules detect on `ast`: 50 kB took a tenth of one)
SLOW = "".join(BLOCK.format(n=n) for n in range(6000))


def test_a_slow_document_holds_up_only_itself(server) -> None:  # noqa: F811
    client = server({})
    slow = client.uri("slow.py")
    client.open("slow.py", SLOW)
    # Two new versions while the first is being analysed: the second is superseded while
    # it waits, the first's result is stale; only the third is published.
    client.send(
        client.change("slow.py", SLOW + "print(2)\n", 2),
        client.change("slow.py", SLOW + "print(3)\n", 3),
    )
    client.open("quick.py", BARE)
    assert client.diagnostics("quick.py") == [
        _diagnostic((2, 0), (2, 6), "bare-except", ERROR, BARE_EXCEPT)
    ]
    kinds = [a["kind"] for a in client.actions("quick.py", (2, 0), (2, 0))]
    assert kinds[:2] == ["quickfix", "quickfix"]
    # The quick document was served while the slow one was still being analysed.
    assert [m for m in client.kept if _published(slow)(m)] == []
    message = client.wait(_published(slow), timeout=SLOW_TIMEOUT)
    assert message["params"]["version"] == 3
    found = message["params"]["diagnostics"]
    assert len(found) == 1 + 6000 * 2  # print(3), and each block's print and bare except
    assert client.close() == 0
    assert [m for m in client.kept if _published(slow)(m)] == []


# --- every request is answered ------------------------------------------------------------


def test_invalid_params_get_an_error_response(server) -> None:  # noqa: F811
    client = server({})
    client.open("app.py", BARE)
    assert len(client.diagnostics("app.py")) == 1
    document = {"uri": client.uri("app.py")}
    context = {"diagnostics": []}
    spot = {"line": 2, "character": 0}
    client.send(
        {
            "id": "no-range",
            "method": "textDocument/codeAction",
            "params": {"textDocument": document, "context": context},
        },
        {
            "id": 41,
            "method": "textDocument/codeAction",
            "params": {"textDocument": document, "range": "all", "context": context},
        },
        {"id": 42, "method": "textDocument/codeAction", "params": None},
        {
            "id": 43,
            "method": "textDocument/codeAction",
            "params": {
                "textDocument": document,
                "range": {"start": spot, "end": spot},
                "context": context,
            },
        },
    )
    errors = {}
    for msg_id in ("no-range", 41, 42):
        response = client.wait(lambda m, i=msg_id: m.get("id") == i and "method" not in m)
        assert "result" not in response
        errors[msg_id] = response["error"]
    assert {e["code"] for e in errors.values()} == {-32602}  # InvalidParams
    assert "required field missing @ $.params.range" in errors["no-range"]["message"]
    assert "$.params.range" in errors[41]["message"]
    answered = client.wait(lambda m: m.get("id") == 43 and "method" not in m)
    assert [a["kind"] for a in answered["result"]][:2] == ["quickfix", "quickfix"]
    # A notification with unreadable params has no one to answer: the server goes on.
    client.notify("textDocument/didChange", {"textDocument": document})
    assert client.actions("app.py", (2, 0), (2, 0))
    # After shutdown, a request is refused (InvalidRequest), not left unanswered.
    assert client.request("shutdown", None) is None
    valid = {"textDocument": document, "range": {"start": spot, "end": spot}, "context": context}
    client.send({"id": 50, "method": "textDocument/codeAction", "params": valid})
    refused = client.wait(lambda m: m.get("id") == 50 and "method" not in m)
    assert refused["error"]["code"] == -32600
    client.notify("exit", None)
    assert client.process.wait(10) == 0


# --- the lanes ----------------------------------------------------------------------------


def test_lanes_run_one_documents_jobs_in_turn_and_other_documents_beside() -> None:
    started, release = threading.Event(), threading.Event()
    ran: list[str] = []

    def job(name: str, wait: bool = False) -> str:
        if wait:
            started.set()
            assert release.wait(10)
        ran.append(name)
        return name

    async def main() -> None:
        lanes = Lanes(workers=4)
        first = asyncio.ensure_future(lanes.run("a", job, "a1", True))
        waiting = asyncio.ensure_future(lanes.run("a", job, "a2"))
        then = asyncio.ensure_future(lanes.run("a", job, "a3"))
        # Another document's job runs while the first document's is blocked.
        assert await asyncio.wait_for(lanes.run("b", job, "b1"), 10) == "b1"
        assert ran == ["b1"]
        # The first job has started (a thread of the pool may take a while to: until
        # then, cancelling it would free its lane, and it would never run).
        assert await asyncio.to_thread(started.wait, 10)
        waiting.cancel()  # superseded while it waits for its lane: it never runs
        first.cancel()  # running: it cannot be stopped, and holds its lane until it ends
        await asyncio.sleep(0.05)
        assert not then.done() and ran == ["b1"]
        release.set()
        assert await asyncio.wait_for(then, 10) == "a3"
        assert ran == ["b1", "a1", "a3"]
        with pytest.raises(asyncio.CancelledError):
            await first
        lanes.shutdown()

    asyncio.run(main())


def test_lanes_pass_a_jobs_error_on_and_free_the_lane() -> None:
    def fails() -> None:
        raise ValueError("no")

    async def main() -> None:
        lanes = Lanes(workers=1)
        with pytest.raises(ValueError, match="no"):
            await lanes.run("a", fails)
        assert await asyncio.wait_for(lanes.run("a", str, 1), 10) == "1"
        lanes.shutdown()

    asyncio.run(main())
