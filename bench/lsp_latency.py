"""How long `audit lsp` takes per keystroke, warm: a didChange of one character on a
2,000-line Python file and a 2,000-line TSX file (dense: a finding every 13 or 15 lines;
sparse: three findings), and on Django's 2,700-line `db/models/query.py`, timed from the
didChange to the publishDiagnostics of that version, with the debounce off
(initializationOptions {"debounceMs": 0}), so the figure is the scan and the protocol
alone. Median and p95 of 50 changes each, after 5 warm-up changes:
- "body": a character typed in a comment inside a function body, the common keystroke;
- "outline": one typed in a comment between top-level statements (or at the end); every
  version of a document is scanned whole now, so the two differ only by chance (they
  told the statement splicing the server once did apart from its full scans).
Beside them, the engine alone on the same text in this process: a full scan
(`scan_buffer`), so what the server adds shows.

    .venv/bin/python bench/lsp_latency.py [--changes 50]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from queue import Queue
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import corpora

# What a sparse document has instead of the flagged lines.
CLEAN = {
    'print("large", total)  # finding': "total -= 1  # clean",
    "} catch (e) {} // finding": "} catch (e) { report(e); } // clean",
    "console.log(label); // finding": "void label; // clean",
}
WARM_UP = 5
LINES = 2000

PY_BLOCK = '''\
def handler_{n}(request, retries=3):
    """Handle request {n}, retrying on failure."""
    total = 0
    # retry loop {n}
    for attempt in range(retries):
        try:
            total += compute(request, attempt)
        except ValueError:
            continue
    if total > {n}:
        print("large", total)  # finding
    return total

'''  # 13 lines, a console-logging finding in each

TSX_BLOCK = """\
export function Widget{n}({{ items }}: {{ items: string[] }}) {{
  const [open, setOpen] = useState(false);
  // state of widget {n}
  try {{
    track("widget-{n}", items.length);
  }} catch (e) {{}} // finding
  const label = items.length > {n} ? "many" : "few";
  console.log(label); // finding
  return (
    <div className="widget-{n}" onClick={{() => setOpen(!open)}}>
      {{items.map((item) => <span key={{item}}>{{item}}</span>)}}
    </div>
  );
}}

"""  # 15 lines, an empty catch and a console call in each


def document(block: str, comment: str, lines: int, findings: int | None = None) -> str:
    """Whole blocks, then comment lines up to `lines` lines: valid code. With `findings`,
    only that many blocks keep their findings (the lines marked `# finding`)."""
    size = block.count("\n")
    blocks = lines // size
    parts = []
    for n in range(blocks):
        code = block.format(n=n)
        if findings is not None and n >= findings:
            for flagged, clean in CLEAN.items():
                code = code.replace(flagged, clean)
        parts.append(code)
    return "".join(parts) + f"{comment} end\n" * (lines - blocks * size)


class Server:
    def __init__(self, cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from auditor.cli import main; main()", "lsp"],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.messages: Queue[dict[str, Any]] = Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.ids = 0
        self.version = 0

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while line := stream.readline().strip():
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if not length:
                return
            self.messages.put(json.loads(stream.read(length)))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def wait(self, method: str | None = None, ident: int | None = None, version: int = 0) -> Any:
        while True:
            message = self.messages.get(timeout=60)
            if ident is not None and message.get("id") == ident and "method" not in message:
                return message.get("result")
            if (
                method is not None
                and message.get("method") == method
                and message["params"].get("version") == version
            ):
                return message["params"]

    def request(self, method: str, params: Any) -> Any:
        self.ids += 1
        self.send({"id": self.ids, "method": method, "params": params})
        return self.wait(ident=self.ids)


def measure(
    server: Server, uri: str, language: str, text: str, changes: int, inside: bool
) -> list[float]:
    """Seconds per one-character change, from didChange to its diagnostics: typed at the
    end of comments inside function bodies (`inside`) or between statements."""
    server.version += 1
    item = {"uri": uri, "languageId": language, "version": server.version, "text": text}
    server.send({"method": "textDocument/didOpen", "params": {"textDocument": item}})
    found = server.wait("textDocument/publishDiagnostics", version=server.version)
    if inside:
        print(f"  {len(found['diagnostics'])} diagnostics in the {language} document")
    lines = text.splitlines(True)
    comments = [
        i
        for i, line in enumerate(lines)
        if line.lstrip().startswith(("#", "//")) and (line[0] in " \t") == inside
    ]
    times = []
    for step in range(WARM_UP + changes):
        # Type one character at the end of a comment, spread through the file: the code
        # stays valid, as it mostly is between keystrokes.
        at = comments[(step * 37) % len(comments)]
        lines[at] = lines[at].rstrip("\n") + "x\n"
        server.version += 1
        params = {
            "textDocument": {"uri": uri, "version": server.version},
            "contentChanges": [{"text": "".join(lines)}],
        }
        start = time.perf_counter()
        server.send({"method": "textDocument/didChange", "params": params})
        server.wait("textDocument/publishDiagnostics", version=server.version)
        if step >= WARM_UP:
            times.append(time.perf_counter() - start)
    server.send({"method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}})
    return times


def engine_alone(root: Path, name: str, text: str, runs: int = 10) -> float:
    """The median time of the engine's scan of the text, in this process, warm."""
    from auditor.scan.buffer import buffer_for, scan_buffer
    from auditor.scan.run import open_project

    project = open_project(root).realized()
    engine = project.engine()
    buffer = buffer_for(engine, root, root / name)
    times = []
    for run in range(runs + 1):
        start = time.perf_counter()
        scan_buffer(engine, buffer, text + "\n" * run)
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def report(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    return (
        f"{name}: median {statistics.median(ordered) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms ({len(ordered)} changes)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=50)
    args = parser.parse_args()
    real = corpora.fetch(corpora.DJANGO) / "django" / "db" / "models" / "query.py"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "pyproject.toml").write_text("[tool.audit]\n")
        texts = {
            "dense.py": ("python", document(PY_BLOCK, "#", LINES)),
            "sparse.py": ("python", document(PY_BLOCK, "#", LINES, findings=3)),
            "query.py": ("python", real.read_text(encoding="utf-8")),
            "dense.tsx": ("typescriptreact", document(TSX_BLOCK, "//", LINES)),
            "sparse.tsx": ("typescriptreact", document(TSX_BLOCK, "//", LINES, findings=2)),
        }
        server = Server(root)
        server.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root.as_uri(),
                "capabilities": {},
                "initializationOptions": {"debounceMs": 0},
            },
        )
        server.send({"method": "initialized", "params": {}})
        results = []
        for name, (language, text) in texts.items():
            print(name)
            uri = (root / name).as_uri()
            body = measure(server, uri, language, text, args.changes, inside=True)
            between = measure(server, uri, language, text, max(args.changes // 5, 5), False)
            lines = text.count("\n")
            alone = engine_alone(root, name, text)
            results.append(
                f"{name} ({lines:,} lines): {report('body', body)}; "
                f"{report('outline', between)}; a full scan {alone * 1000:.1f} ms"
            )
        server.request("shutdown", None)
        server.send({"method": "exit"})
        server.process.wait(10)
    print("\n".join(results))


if __name__ == "__main__":
    main()
