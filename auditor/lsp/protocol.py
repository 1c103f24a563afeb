"""The JSON-RPC side of `audit lsp`: every request is answered. pygls reads a request
whose params do not fit its method (a codeAction without `range`, a wrong type) by raising
from the JSON decoder's hook, and its read loop only logs that: the editor waits for an
answer that never comes. Here such a request gets an InvalidParams error with its id, and
one sent after shutdown an InvalidRequest error (pygls drops it)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import cattrs
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest
from pygls.protocol import JsonRPCRequestMessage, LanguageServerProtocol

logger = logging.getLogger("auditor.lsp")


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A request whose params cannot be read: what it gets back instead of a result."""

    id: int | str
    error: JsonRpcException


class AuditProtocol(LanguageServerProtocol):
    def structure_message(self, data: dict[str, Any]) -> Any:
        msg_id = data.get("id")
        method = data.get("method")
        if "jsonrpc" not in data or not _is_id(msg_id) or not isinstance(method, str):
            return super().structure_message(data)  # not a request (or a nested object)
        assert isinstance(msg_id, int | str)
        request_type = self.get_message_type(method) or JsonRPCRequestMessage
        try:
            return self._converter.structure(data, request_type)
        except Exception as exc:
            problems = "; ".join(_problems(exc))
            logger.warning(
                "audit lsp: request %r (%s): invalid params: %s", msg_id, method, problems
            )
            return Unreadable(msg_id, JsonRpcInvalidParams(message=f"invalid params: {problems}"))

    def handle_message(self, message: Any) -> None:
        if self._shutdown and _is_request(message):
            error = JsonRpcInvalidRequest(message="the server is shutting down")
            self._send_response(message.id, None, error.to_response_error())
        elif isinstance(message, Unreadable):
            self._send_response(message.id, None, message.error.to_response_error())
        else:
            super().handle_message(message)


def _is_request(message: object) -> bool:
    if isinstance(message, Unreadable):
        return True
    method = getattr(message, "method", None)
    return isinstance(method, str) and _is_id(getattr(message, "id", None))


def _is_id(value: object) -> bool:
    return isinstance(value, int | str) and not isinstance(value, bool)


def _problems(exc: Exception) -> list[str]:
    """What is wrong with the params, one line each (`required field missing @ $.params.range`)."""
    try:
        return cattrs.transform_error(exc)
    except Exception:
        return [f"{type(exc).__name__}: {exc}"]
