"""The pygls wiring of `audit lsp`: document events to scans on worker threads, never on
the request loop, one lane per document (auditor/lsp/lanes.py): a slow document holds up
only itself; a newer version supersedes a pending scan, and diagnostics are published for
the latest version only. Code actions are computed in the document's lane too. No
exception in a handler reaches pygls; every request is answered (auditor/lsp/protocol.py)."""

from __future__ import annotations

import asyncio
import enum
import gc
import logging
import os
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from auditor import COLLECTOR_THRESHOLDS, __version__
from auditor.lsp.actions import FIX_ALL, Request, code_actions
from auditor.lsp.analysis import Analysis, analyse
from auditor.lsp.diagnostics import diagnostics
from auditor.lsp.lanes import Lanes
from auditor.lsp.positions import UTF16, TextPositions
from auditor.lsp.projects import Projects
from auditor.lsp.protocol import AuditProtocol
from auditor.lsp.settings import Settings, updated
from auditor.lsp.spanning import Workspace

logger = logging.getLogger("auditor.lsp")

# A document the editor has not saved yet has no path: its language id gives a suffix.
_SUFFIXES = {
    "python": ".py",
    "javascript": ".js",
    "javascriptreact": ".jsx",
    "typescript": ".ts",
    "typescriptreact": ".tsx",
    "vue": ".vue",
    "svelte": ".svelte",
    "astro": ".astro",
}


class AuditServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "audit",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Full,
            protocol_cls=AuditProtocol,
        )
        self.settings = Settings()
        self.projects = Projects()
        self.lanes = Lanes()
        self.versioned_edits = False  # the client takes documentChanges (versioned edits)
        self.creates_files = False  # ...and CreateFile among them (resourceOperations)
        self._pending: dict[str, asyncio.Task[None]] = {}
        self._background: set[asyncio.Task[Any]] = set()
        # The last scan of each document: read and written in the document's lane only.
        self._analyses: dict[str, Analysis] = {}
        self._told: set[str] = set()  # trust refusals shown to the user (window/showMessage)

    # --- documents ----------------------------------------------------------------------

    def document(self, uri: str) -> TextDocument | None:
        """The open document at `uri`, or None (pygls would make an empty one up)."""
        documents: dict[str, TextDocument] = self.workspace.text_documents
        return documents.get(unquote(uri))

    def path_of(self, document: TextDocument) -> Path | None:
        if document.uri.startswith("file:"):
            return Path(os.path.abspath(document.path))
        suffix = _SUFFIXES.get(document.language_id or "")
        return Path.cwd() / f"untitled{suffix}" if suffix else None

    @property
    def encoding(self) -> str:
        encoding = self.workspace.position_encoding
        value = encoding.value if isinstance(encoding, enum.Enum) else encoding
        return str(value) if value else UTF16

    def schedule(self, uri: str, delay: float) -> None:
        """Scan the document after `delay` seconds, unless it changes again before: the
        newer version's scan supersedes this one, whether it waits for its delay or its
        lane, or runs (then its result is dropped)."""
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self._pending[uri] = asyncio.get_running_loop().create_task(self._publish(uri, delay))

    def rescan_all(self) -> None:
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, 0)

    async def _publish(self, uri: str, delay: float) -> None:
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            document = self.document(uri)
            path = self.path_of(document) if document is not None else None
            if document is None or path is None:
                return
            version, text = document.version, document.source
            found = await self.lanes.run(uri, self._diagnose, uri, path, text, self.encoding)
            current = self.document(uri)
            if current is None or current.version != version:
                return  # changed or closed meanwhile: a newer scan is on its way
            params = types.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=version)
            self.text_document_publish_diagnostics(params)
            self._tell_refusals(uri)
        except asyncio.CancelledError:
            raise
        except Exception:
            self.log_exception(f"scanning {uri}")
        finally:
            if self._pending.get(uri) is asyncio.current_task():
                del self._pending[uri]

    def _tell_refusals(self, uri: str) -> None:
        """Once per refusal: the project's plugins or sources were not run, untrusted."""
        analysis = self._analyses.get(uri)
        loaded = analysis.project if analysis is not None else None
        for message in loaded.refused if loaded is not None else ():
            if message not in self._told:
                self._told.add(message)
                shown = types.ShowMessageParams(types.MessageType.Warning, f"audit: {message}")
                self.window_show_message(shown)

    def _diagnose(self, uri: str, path: Path, text: str, encoding: str) -> list[types.Diagnostic]:
        loads = self.projects.loads
        analysis = analyse(self.projects, path, text, self._analyses.get(uri))
        if self.projects.loads != loads:
            # The rules and their modules live as long as the server: keep the cyclic
            # collector off them (what `audit scan` workers do, auditor/scan/run.py).
            gc.freeze()
        self._analyses[uri] = analysis
        return diagnostics(TextPositions(text, encoding), analysis.published, analysis.urls)

    def forget(self, uri: str) -> None:
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self.in_background(self.lanes.run(uri, self._analyses.pop, uri, None))
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    # --- code actions -------------------------------------------------------------------

    async def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        document = self.document(params.text_document.uri)
        path = self.path_of(document) if document is not None else None
        if document is None or path is None:
            return []
        only = params.context.only
        request = Request(
            uri=document.uri,
            version=document.version if self.versioned_edits else None,
            start=params.range.start,
            end=params.range.end,
            only=None if only is None else [_kind(k) for k in only],
            unsafe=self.settings.unsafe_fixes,
            workspace=Workspace(
                self.versioned_edits,
                self.creates_files,
                {uri: (d.source, d.version) for uri, d in self.workspace.text_documents.items()},
            ),
        )
        text, encoding = document.source, self.encoding
        found = await self.lanes.run(document.uri, self._actions, path, text, encoding, request)
        for note in request.workspace.notes if request.workspace is not None else ():
            if note not in self._told:  # once: a fix not offered, and why
                self._told.add(note)
                self.window_log_message(types.LogMessageParams(types.MessageType.Info, note))
        return found

    def _actions(
        self, path: Path, text: str, encoding: str, request: Request
    ) -> list[types.CodeAction]:
        analysis = analyse(self.projects, path, text, self._analyses.get(request.uri))
        return code_actions(analysis, TextPositions(text, encoding), request)

    # --- config -------------------------------------------------------------------------

    async def refresh(self, saved: str | None = None) -> None:
        """A config file was saved or changed (`saved` None), or a document was saved:
        look for the configs again where needed, and rescan what is open when a project
        changed (else the saved document)."""
        # Off the loop, and out of the lanes (a slow scan does not hold it up): the
        # projects wait only for one being loaded.
        if saved is None:
            await asyncio.to_thread(self.projects.invalidate)
        elif not await asyncio.to_thread(self.projects.changed):
            self.schedule(saved, 0)
            return
        self.rescan_all()

    def in_background(self, job: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(job)
        self._background.add(task)  # a task nothing holds may be collected before it ends
        task.add_done_callback(self._ended)

    def _ended(self, task: asyncio.Task[Any]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.warning("audit lsp: a background job failed: %r", task.exception())

    def log_exception(self, doing: str) -> None:
        logger.exception("audit lsp: error %s", doing)
        try:
            message = f"audit: internal error {doing}: {sys.exc_info()[1]!r}"
            self.window_log_message(
                types.LogMessageParams(type=types.MessageType.Error, message=message)
            )
        except Exception:
            logger.exception("audit lsp: cannot log to the client")


def _kind(kind: object) -> str:
    return str(kind.value) if isinstance(kind, enum.Enum) else str(kind)


def make_server() -> AuditServer:
    server = AuditServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: AuditServer, params: types.InitializeParams) -> None:
        try:
            ls.settings = updated(ls.settings, params.initialization_options)
            workspace = params.capabilities.workspace
            edit = workspace.workspace_edit if workspace is not None else None
            ls.versioned_edits = bool(edit is not None and edit.document_changes)
            operations = (edit.resource_operations if edit is not None else None) or ()
            ls.creates_files = types.ResourceOperationKind.Create in operations
        except Exception:
            ls.log_exception("reading the initialize options")

    @server.feature(types.INITIALIZED)
    async def initialized(ls: AuditServer, params: types.InitializedParams) -> None:
        try:
            workspace = ls.client_capabilities.workspace
            watched = workspace.did_change_watched_files if workspace is not None else None
            if watched is None or not watched.dynamic_registration:
                return
            watchers = [types.FileSystemWatcher(glob_pattern="**/pyproject.toml")]
            options = types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers)
            registration = types.Registration(
                id="audit-config",
                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=options,
            )
            await ls.client_register_capability_async(
                types.RegistrationParams(registrations=[registration])
            )
        except Exception:
            ls.log_exception("registering the config watcher")

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: AuditServer, params: types.DidOpenTextDocumentParams) -> None:
        _guarded(ls, "opening a document", ls.schedule, params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: AuditServer, params: types.DidChangeTextDocumentParams) -> None:
        _guarded(
            ls, "changing a document", ls.schedule, params.text_document.uri, ls.settings.debounce
        )

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: AuditServer, params: types.DidSaveTextDocumentParams) -> None:
        try:
            uri = params.text_document.uri
            await ls.refresh(None if unquote(uri).endswith("/pyproject.toml") else uri)
        except Exception:
            ls.log_exception("saving a document")

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: AuditServer, params: types.DidCloseTextDocumentParams) -> None:
        _guarded(ls, "closing a document", ls.forget, params.text_document.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def watched(ls: AuditServer, params: types.DidChangeWatchedFilesParams) -> None:
        try:
            await ls.refresh()
        except Exception:
            ls.log_exception("reloading the config")

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def configuration(ls: AuditServer, params: types.DidChangeConfigurationParams) -> None:
        try:
            ls.settings = updated(ls.settings, params.settings)
        except Exception:
            ls.log_exception("reading the settings")

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]),
    )
    async def code_action(
        ls: AuditServer, params: types.CodeActionParams
    ) -> list[types.CodeAction]:
        try:
            return await ls.code_actions(params)
        except Exception:
            ls.log_exception("computing code actions")
            return []

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: AuditServer, params: Any) -> None:
        for task in list(ls._pending.values()):
            task.cancel()
        ls.lanes.shutdown()

    return server


def _guarded(ls: AuditServer, doing: str, call: Any, *args: Any) -> None:
    try:
        call(*args)
    except Exception:
        ls.log_exception(doing)


def serve(tcp_port: int | None = None) -> None:
    """Serve one editor on stdio (or on 127.0.0.1:`tcp_port`) until it says exit."""
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(name)s: %(message)s")
    # A parse makes hundreds of thousands of short-lived objects, freed by reference
    # counting: the collector need not run every 700 allocations.
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    server = make_server()
    if tcp_port is not None:
        server.start_tcp("127.0.0.1", tcp_port)
        return
    # The protocol owns stdout: anything else written there (a plugin's print, a child
    # process) goes to stderr instead, where editors show the server's log.
    protocol_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    server.start_io(sys.stdin.buffer, protocol_out)
