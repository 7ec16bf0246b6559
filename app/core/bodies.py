"""The request body size limit of every vendor, and bodies of writing requests received whole, within it, before the
vendor's app runs (no handler checks the size again).

So a slow client never holds the store's write turn while it sends (app/core/db.py: the turn is taken when the
request's session opens), and an oversized body is refused with the vendor's 413 before it is read whole: at once
when Content-Length declares it, else as soon as the bytes received pass the limit."""

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crowdmock.core.db import SAFE_METHODS
from crowdmock.core.errors import ErrorRenderer
from crowdmock.settings import Settings


class BodyTooLarge(Exception):
    pass


class BufferedBodyMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings, render: ErrorRenderer):
        # The limit is read per request: settings can change while the app runs (tests do).
        self.app, self.settings, self.render = app, settings, render

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            self._check_declared(scope)
            if scope["method"] in SAFE_METHODS:  # rarely a body: not buffered, so reads stay as cheap as they were
                await self.app(scope, receive, send)
                return
            messages = await self._receive_whole(receive)
        except BodyTooLarge:
            response = self.render(Request(scope), 413, "", {})
            await response(scope, receive, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    def _check_declared(self, scope: Scope) -> None:
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.settings.max_body_bytes:
                raise BodyTooLarge

    async def _receive_whole(self, receive: Receive) -> list[Message]:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return [message]  # the client went away
            size += len(message.get("body", b""))
            if size > self.settings.max_body_bytes:
                raise BodyTooLarge
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                return [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]
