"""The request journal: every request to a vendor with its response, kept in a bounded deque.

Recording is cheap on purpose (it runs on every request): an entry keeps the raw ASGI header lists and at most
`body_bytes` of each body, and is only decoded into JSON when someone reads the journal.
"""

import itertools
import logging
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crowdmock.core.matching import RequestMatcher
from crowdmock.core.tenancy import tenant_of

# The scope key under which the entry of the request in flight travels (copies of the scope share it).
log = logging.getLogger("crowdmock")
ENTRY_KEY = "crowdmock.journal_entry"
# The scope key of the request's `await record_entry()`: the entry written now (before a fault drops the connection).
FINISH_KEY = "crowdmock.journal_finish"

# path -> (vendor name, its mount prefix) or None when the path belongs to no vendor.
VendorResolver = Callable[[str], tuple[str, str] | None]


def _headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in raw:
        key, text = name.decode("latin-1").lower(), value.decode("latin-1")
        out[key] = f"{out[key]}, {text}" if key in out else text
    return out


def _text(data: bytes | bytearray) -> str:
    return data.decode("utf-8", errors="replace")


def _content_length(scope: Scope) -> int:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0


def iso_time(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class Entry:
    __slots__ = (
        "id",
        "time",
        "vendor",
        "prefix",
        "method",
        "path",
        "query",
        "raw_headers",
        "body",
        "body_size",
        "status",
        "raw_response_headers",
        "response_body",
        "response_size",
        "duration_ms",
        "unmatched",
        "fault",
        "dropped",
    )

    def __init__(self, vendor: str, prefix: str, scope: Scope):
        self.id = 0
        self.time = time.time()  # real time even in deterministic mode: `since` must mean something
        self.vendor, self.prefix = vendor, prefix
        self.method = scope["method"]
        self.path = scope["path"]
        self.query = scope.get("query_string", b"").decode("latin-1")
        self.raw_headers = scope.get("headers", [])
        self.body, self.body_size = b"", 0
        self.status: int | None = None
        self.raw_response_headers: list = []
        # The answer's bytes object itself when it fits (a cached answer is then shared, not copied).
        self.response_body, self.response_size = b"", 0
        self.duration_ms = 0.0
        self.unmatched = False
        self.fault: int | None = None
        self.dropped = False

    @property
    def own_path(self) -> str:
        """The path after the vendor's mount prefix: the vendor's own path."""
        return self.path[len(self.prefix) :] if self.prefix and self.path.startswith(self.prefix) else self.path

    @property
    def headers(self) -> dict[str, str]:
        return _headers(self.raw_headers)

    def matches(self, matcher: RequestMatcher) -> bool:
        if matcher.status is not None and matcher.status != self.status:
            return False
        return matcher.matches_route(self.vendor, self.method, self.path, self.own_path) and (
            matcher.matches_request(self.query, self.headers, _text(self.body))
        )

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "time": iso_time(self.time),
            "vendor": self.vendor,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "body": _text(self.body),
            "status": self.status,
            "response_body": _text(self.response_body),
            "duration_ms": self.duration_ms,
            "body_size": self.body_size,
            "response_headers": _headers(self.raw_response_headers),
            "response_size": self.response_size,
            "unmatched": self.unmatched,
            "fault": self.fault,
        }


class Journal:
    """The newest `size` entries, in this process's memory (one process serves: the default)."""

    # Whether entries live in the database, shared with other processes (SharedJournal).
    shared = False

    def __init__(self, size: int, body_bytes: int):
        self.size, self.body_bytes = size, body_bytes
        self._entries: deque[Entry] = deque(maxlen=max(size, 1))
        self._next_id = 1
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.size > 0

    def add(self, entry: Entry) -> None:
        with self._lock:
            entry.id = self._next_id
            self._next_id += 1
            self._entries.append(entry)

    def add_answer(self, vendor: tuple[str, str], scope: Scope, start: Message, body: bytes, started: float) -> None:
        """Records an answer given without JournalMiddleware (the response cache's): `vendor` is (name, prefix)."""
        entry = Entry(vendor[0], vendor[1], scope)
        entry.status, entry.raw_response_headers = start["status"], start["headers"]
        entry.response_body = body if len(body) <= self.body_bytes else body[: self.body_bytes]
        entry.response_size = len(body)
        entry.duration_ms = round((time.perf_counter() - started) * 1000, 3)
        self.add(entry)

    def clear(self, vendor: str | None = None) -> int:
        """Forget every entry (or one vendor's); returns how many were dropped."""
        with self._lock:
            before = len(self._entries)
            if vendor is None:
                self._entries.clear()
            else:
                kept = [e for e in self._entries if e.vendor != vendor]
                self._entries.clear()
                self._entries.extend(kept)
            return before - len(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def find(
        self,
        matcher: RequestMatcher | None = None,
        path_prefix: str | None = None,
        since: float | None = None,
        after: int | None = None,
        unmatched: bool = False,
        limit: int | None = None,
    ) -> list[Entry]:
        """Entries newest first."""
        with self._lock:
            entries = list(self._entries)
        newer = itertools.takewhile(lambda e: after is None or e.id > after, reversed(entries))
        kept = (e for e in newer if (since is None or e.time >= since) and (e.unmatched or not unmatched))
        return pick(kept, matcher, path_prefix, limit)


def pick(
    entries: Iterable[Entry], matcher: RequestMatcher | None, path_prefix: str | None, limit: int | None
) -> list[Entry]:
    """The entries (newest first) that match and lie under the path prefix (with or without the vendor's), up to
    `limit`."""
    found = []
    for entry in entries:
        if path_prefix and not (entry.path.startswith(path_prefix) or entry.own_path.startswith(path_prefix)):
            continue
        if matcher is not None and not entry.matches(matcher):
            continue
        found.append(entry)
        if limit is not None and len(found) >= limit:
            break
    return found


def mark_unmatched(scope: Scope) -> None:
    """Called where a vendor's routing found no route for the request."""
    entry = scope.get(ENTRY_KEY)
    if entry is not None:
        entry.unmatched = True


def vendor_resolver(prefixes: dict[str, str], single: str | None) -> VendorResolver:
    """`prefixes` maps vendor name -> mount prefix; with `single` set that vendor is served at the root."""
    if single:
        return lambda path: (single, "") if not path.startswith("/__admin") else None
    ordered = sorted(((p, n) for n, p in prefixes.items()), key=lambda item: -len(item[0]))
    boundary = re.compile(r"[/?]|$")

    def resolve(path: str) -> tuple[str, str] | None:
        for prefix, name in ordered:
            if path.startswith(prefix) and boundary.match(path, len(prefix)):
                return name, prefix
        return None

    return resolve


class JournalMiddleware:
    """Records each vendor request in its tenant's journal (core/tenancy.py)."""

    def __init__(self, app: ASGIApp, resolve: VendorResolver):
        self.app, self.resolve = app, resolve

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        journal = tenant_of(scope).control.journal if scope["type"] == "http" else None
        found = self.resolve(scope["path"]) if journal is not None and journal.enabled else None
        if found is None:
            await self.app(scope, receive, send)
            return
        entry = Entry(found[0], found[1], scope)
        scope[ENTRY_KEY] = entry
        limit = journal.body_bytes
        started = time.perf_counter()
        replay: list[Message] = []  # body messages read on the app's behalf, handed over when it asks
        body_done = False

        def record(message: Message) -> None:
            nonlocal body_done
            if message["type"] != "http.request":
                body_done = True
                return
            chunk = message.get("body", b"")
            if chunk:
                entry.body_size += len(chunk)
                if len(entry.body) < limit:
                    entry.body += chunk[: limit - len(entry.body)]
            body_done = not message.get("more_body", False)

        async def recording_receive() -> Message:
            if replay:
                return replay.pop(0)
            message = await receive()
            record(message)
            return message

        async def recording_send(message: Message) -> None:
            if recorded:  # the entry is final (a dropped connection's, written before the drop)
                await send(message)
                return
            if message["type"] == "http.response.start":
                declared = _content_length(scope)
                if not body_done and 0 < declared <= limit:
                    # The app answered without reading a small body: read it now, before the response goes out,
                    # and hand it over if the app asks later. A larger one (refused with 413) is not waited for.
                    while not body_done:
                        replay.append(await receive())
                        record(replay[-1])
                elif not body_done and declared:
                    entry.body_size = declared
                entry.status = message["status"]
                entry.raw_response_headers = message.get("headers", [])
            elif message["type"] == "http.response.body":
                chunk = message.get("body", b"")
                if chunk:
                    entry.response_size += len(chunk)
                    room = limit - len(entry.response_body)
                    if room > 0:
                        piece = chunk if len(chunk) <= room else bytes(chunk[:room])
                        entry.response_body = entry.response_body + piece if entry.response_body else piece
                if journal.shared and not message.get("more_body", False):
                    # Another process may be asked for a count as soon as the client has the answer.
                    await record_entry()
            await send(message)

        recorded = False

        def finish() -> None:
            nonlocal recorded
            if recorded:
                return
            recorded = True
            entry.duration_ms = round((time.perf_counter() - started) * 1000, 3)
            if entry.dropped:
                entry.status, entry.raw_response_headers, entry.response_body = None, [], b""
            try:
                journal.add(entry)
            except Exception:  # the answer goes out all the same: a journal that cannot write loses the entry
                log.exception("the journal could not record %s %s", entry.method, entry.path)

        async def record_entry() -> None:
            await run_in_threadpool(finish) if journal.shared else finish()

        scope[FINISH_KEY] = record_entry  # a fault that drops the connection records the request first
        try:
            await self.app(scope, recording_receive, recording_send)
        finally:
            await record_entry()


def record_outgoing_call(
    journal: Journal,
    vendor: str,
    method: str,
    url: str,
    headers: list[tuple[bytes, bytes]],
    body: bytes,
    status: int | None,
    response_headers: list[tuple[bytes, bytes]],
    response_body: bytes,
    duration_ms: float,
) -> None:
    """Journals a call crowdmock itself made to the outside (e.g. a webhook delivery), beside the requests it
    received: its `path` is the full URL called, `status` the receiver's answer, or None when none came (then
    `response_body` says why)."""
    if not journal.enabled:
        return
    entry = Entry(vendor, "", {"method": method, "path": url, "query_string": b"", "headers": headers})
    entry.body, entry.body_size = body[: journal.body_bytes], len(body)
    entry.status, entry.raw_response_headers = status, response_headers
    entry.response_body, entry.response_size = response_body[: journal.body_bytes], len(response_body)
    entry.duration_ms = duration_ms
    try:
        journal.add(entry)
    except Exception:  # like a request's entry: a journal that cannot write loses it
        log.exception("the journal could not record the outgoing %s %s", method, url)
