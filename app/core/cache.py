"""Answers a repeated vendor GET from the response it got last time, without routing, credential checks, queries or
rendering: status, headers and body exactly as the vendor's code sent them.

An answer is reused only while nothing in the database has changed since it was made (SQLite's `data_version`,
which any commit on any other connection changes: a write of this process or another worker, a reset, a snapshot
load, a session touched by a GET), only for the very same request (path, query, scheme and every header, so
credentials, Origin and Host are part of the key), only for a short time (clock-dependent answers such as token
expiries stay within `TTL` of the truth, and while one identical request makes the next answer the others get the
last one) and never while a fault rule exists. What is cached: 200 answers to GETs without a body
and without `Set-Cookie`, as they left the app: CORS headers included (Origin is part of the key).

It sits in front of every layer but Host routing (app/core/pipeline.py), so that an answer from it skips them; it
records such an answer in the journal itself."""

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crowdmock.core.journal import Journal
from crowdmock.core.tenancy import TENANT_PATH_KEY, tenant_of

TTL = 1.0  # seconds an answer may be reused
MAX_ENTRIES = 2048
MAX_BODY = 1 << 20


class CachedAnswer:
    __slots__ = ("start", "body", "version", "expires", "request")

    def __init__(self, start: Message, body: bytes, version: int, expires: float, request: Scope):
        self.start, self.body, self.version, self.expires = start, body, version, expires
        # What the journal records of each request it answers: the same for all of them (the cache key), so that
        # journal entries share it rather than keep every request's own header list alive.
        self.request = request


class ResponseCache:
    """ASGI middleware in front of the vendors' routing. `vendor(path)` tells whether a path belongs to a vendor. The
    data version, the fault rules and the journal are the request's tenant's (core/tenancy.py); answers are kept per
    tenant. `remote`: the version and the fault rules are asked of a database server (PostgreSQL), so in a worker
    thread while the event loop serves other requests."""

    def __init__(
        self,
        app: ASGIApp,
        vendor: Callable[[str], tuple[str, str] | None],
        enabled: bool = True,
        remote: bool = False,
    ):
        self.app, self.vendor, self.enabled, self.remote = app, vendor, enabled, remote
        self.entries: OrderedDict[tuple, CachedAnswer] = OrderedDict()
        self.pending: dict[tuple, asyncio.Future] = {}  # answers being made: identical requests wait for them
        self.hits = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            not self.enabled
            or scope["type"] != "http"
            or scope["method"] != "GET"
            or (found_vendor := self.vendor(scope["path"])) is None
            or any(name in (b"content-length", b"transfer-encoding") for name, _ in scope["headers"])
        ):
            await self.app(scope, receive, send)
            return
        tenant = tenant_of(scope)
        faults = tenant.control.faults
        if (await run_in_threadpool(faults.__bool__)) if self.remote else faults:
            await self.app(scope, receive, send)
            return
        # The tenant, and whether the path chose it (links then keep `/t/<name>`), are part of what was asked.
        key = (
            tenant.serial,
            scope.get(TENANT_PATH_KEY),
            scope["path"],
            scope["query_string"],
            tuple(scope["headers"]),
            scope.get("scheme"),
        )
        version = tenant.store.data_version
        while True:
            found = self.entries.get(key)
            current = found is not None and found.version == (
                await run_in_threadpool(version) if self.remote else version()
            )
            # Fresh; or just expired while one identical request is already making the new answer.
            if current and (found.expires > time.monotonic() or key in self.pending):
                await self._replay(tenant.control.journal, found_vendor, found, send)
                return
            if key not in self.pending:
                break
            # The new answer is being made: wait for it. If it cannot be reused (something committed meanwhile, or
            # it is not a 200), the first waiter makes the next one and the others wait again, instead of all of
            # them querying at once (a burst that opened every pooled connection and grew the heap).
            await asyncio.shield(self.pending[key])
        self.pending[key] = asyncio.get_running_loop().create_future()  # no await since the check above
        try:
            await self._answer_and_keep(key, version, scope, receive, send)
        finally:
            self.pending.pop(key).set_result(None)

    async def _ask(self, question: Callable[[], object]) -> object:
        return await run_in_threadpool(question) if self.remote else question()

    async def _answer_and_keep(
        self, key: tuple, data_version: Callable[[], object], scope: Scope, receive: Receive, send: Send
    ) -> None:
        version = await self._ask(data_version)
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        keep = True

        async def keeping_send(message: Message) -> None:
            nonlocal start, size, keep
            if message["type"] == "http.response.start":
                start = {**message, "headers": list(message["headers"])}
                keep = message["status"] == 200 and not any(name == b"set-cookie" for name, _ in message["headers"])
            elif message["type"] == "http.response.body" and keep:
                chunk = message.get("body", b"")
                size += len(chunk)
                keep = size <= MAX_BODY
                if keep:
                    chunks.append(chunk)
            await send(message)

        await self.app(scope, receive, keeping_send)
        # The request itself may have written (a session touch): then its answer is not reusable.
        if keep and start is not None and await self._ask(data_version) == version:
            request = {"method": "GET", "path": key[2], "query_string": key[3], "headers": key[4]}
            self.entries[key] = CachedAnswer(start, b"".join(chunks), version, time.monotonic() + TTL, request)
            self.entries.move_to_end(key)
            while len(self.entries) > MAX_ENTRIES:
                self.entries.popitem(last=False)

    async def _replay(self, journal: Journal, vendor: tuple[str, str], answer: CachedAnswer, send: Send) -> None:
        self.hits += 1
        started = time.perf_counter()
        await send({**answer.start, "headers": list(answer.start["headers"])})  # a copy: servers may add to it
        if journal.enabled and journal.shared:  # recorded before the answer is complete, as the journal does
            await run_in_threadpool(journal.add_answer, vendor, answer.request, answer.start, answer.body, started)
        await send({"type": "http.response.body", "body": answer.body})
        if journal.enabled and not journal.shared:
            journal.add_answer(vendor, answer.request, answer.start, answer.body, started)
