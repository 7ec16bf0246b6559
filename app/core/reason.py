"""Custom HTTP reason phrases. Some vendors put their error message in the status line (Drupal Services:
`HTTP/1.1 403 : Access denied for user anonymous`). ASGI has no field for it, so a response carries the
phrase in its `http.response.start` message under REASON_KEY, and `crowdmock serve` runs uvicorn with
crowdmock's protocol (core/protocol.py), which writes it. Other servers ignore the key and send the standard
phrase."""

from starlette.responses import JSONResponse, Response
from starlette.types import Message, Receive, Scope, Send

REASON_KEY = "crowdmock.reason"


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
