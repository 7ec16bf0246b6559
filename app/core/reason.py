"""Custom HTTP reason phrases. Some vendors put their error message in the status line (Drupal Services:
`HTTP/1.1 403 : Access denied for user anonymous`). ASGI has no field for it, so a response carries the
phrase in its `http.response.start` message under REASON_KEY, and `crowdmock serve` runs uvicorn with
ReasonPhraseProtocol, which writes it. Other servers ignore the key and send the standard phrase.

The same protocol offers DROP_EXTENSION in the scope: a callable that closes the connection without a response."""

import re

from starlette.responses import JSONResponse, Response
from starlette.types import Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol, RequestResponseCycle

REASON_KEY = "crowdmock.reason"
# The scope extension through which fault rules drop a connection (app/core/faults.py).
DROP_EXTENSION = "crowdmock.drop_connection"
_UNSAFE = re.compile(r"[^\x20-\x7e]")


class _WithReason:
    """Mixed into a Starlette response: its status line says `self.reason` instead of the standard phrase."""

    reason: str = ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_reason(message: Message) -> None:
            if message["type"].endswith("http.response.start"):
                message[REASON_KEY] = self.reason
            await send(message)

        await super().__call__(scope, receive, send_with_reason)


class ReasonResponse(_WithReason, Response):
    def __init__(self, content: bytes, status_code: int, reason: str, **kwargs):
        super().__init__(content, status_code=status_code, **kwargs)
        self.reason = reason


class ReasonJSONResponse(_WithReason, JSONResponse):
    def __init__(self, content, status_code: int, reason: str, **kwargs):
        super().__init__(content, status_code=status_code, **kwargs)
        self.reason = reason


class _StatusLineRewriter:
    """Wraps the transport for one write: swaps uvicorn's standard status line for the custom one."""

    def __init__(self, transport, standard: bytes, custom: bytes):
        self._transport, self._standard, self._custom = transport, standard, custom

    def write(self, data: bytes) -> None:
        if self._standard and data.startswith(self._standard):
            data = self._custom + data[len(self._standard) :]
            self._standard = b""
        self._transport.write(data)

    def __getattr__(self, name):
        return getattr(self._transport, name)


class _ReasonCycle(RequestResponseCycle):
    def drop_connection(self) -> None:
        """Hang up without a response (a fault rule's `drop_connection`)."""
        self.response_started = self.response_complete = self.disconnected = True
        self.transport.close()

    async def send(self, message: Message) -> None:
        reason = message.get(REASON_KEY) if message["type"] == "http.response.start" else None
        if not reason or self.response_started:
            await super().send(message)
            return
        status = message["status"]
        phrase = _UNSAFE.sub("", str(reason))
        custom = f"HTTP/1.1 {status} {phrase}\r\n".encode("ascii")
        transport = self.transport
        self.transport = _StatusLineRewriter(transport, STATUS_LINE[status], custom)
        try:
            await super().send(message)
        finally:
            self.transport = transport


class ReasonPhraseProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, writing REASON_KEY phrases into the status line."""

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        # The cycle was just created and its task not yet started; give it the reason-aware send.
        if type(self.cycle) is RequestResponseCycle:
            self.cycle.__class__ = _ReasonCycle
            self.cycle.scope.setdefault("extensions", {})[DROP_EXTENSION] = self.cycle.drop_connection
