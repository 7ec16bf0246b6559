"""Request bodies of writing requests are received whole, within the size limit, before the vendor's app runs.

So a slow client never holds the store's write turn while it sends (app/core/db.py: the turn is taken when the
request's session opens), and an oversized body is refused with the vendor's 413 before it is read whole: at once
when Content-Length declares it, else as soon as the bytes received pass the limit."""

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.db import SAFE_METHODS
from app.core.errors import ErrorRenderer


class BodyTooLarge(Exception):
    pass


class BufferedBodyMiddleware:
    def __init__(self, app: ASGIApp, limit: int, render: ErrorRenderer):
        self.app, self.limit, self.render = app, limit, render

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        try:
            messages = await self._receive_whole(scope, receive)
        except BodyTooLarge:
            response = self.render(Request(scope), 413, "", {})
            await response(scope, receive, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _receive_whole(self, scope: Scope, receive: Receive) -> list[Message]:
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                raise BodyTooLarge
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return [message]  # the client went away
            size += len(message.get("body", b""))
            if size > self.limit:
                raise BodyTooLarge
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                return [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]
