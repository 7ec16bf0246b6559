"""Fault injection: rules that make matching vendor requests fail, slow down or lose their connection.

FaultMiddleware sits innermost in each vendor's sub-application, so a fault response passes through that vendor's
own middleware (request ids, CORS) and its body is rendered by the vendor's own error renderer.
"""

import asyncio
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from crowdmock.core import clock
from crowdmock.core.errors import ErrorRenderer, status_phrase
from crowdmock.core.journal import ENTRY_KEY, FINISH_KEY
from crowdmock.core.matching import RequestMatcher
from crowdmock.core.protocol import DROP_EXTENSION
from crowdmock.core.tenancy import tenant_of


@lru_cache(maxsize=1)
def connection_dropped() -> type[Exception]:
    """What is raised to an in-process client (httpx over ASGI), which then sees what it would see from a server
    that hung up: httpx's RemoteProtocolError. httpx is imported only then (a server never needs it)."""
    import httpx

    class ConnectionDropped(httpx.RemoteProtocolError):
        crowdmock_fault = True

        def __init__(self) -> None:
            super().__init__("Server disconnected without sending a response.")

    return ConnectionDropped


@dataclass
class FaultRule:
    matcher: RequestMatcher
    status: int | None = None
    body: object = None
    headers: dict[str, str] = field(default_factory=dict)
    message: str | None = None
    delay_ms: int = 0
    delay_max_ms: int | None = None
    drop_connection: bool = False
    retry_after: int | None = None
    times: int | None = None
    probability: float = 1.0
    id: int = 0
    hits: int = 0

    def as_dict(self) -> dict:
        m = self.matcher
        return {
            "id": self.id,
            "vendor": m.vendor,
            "method": m.method,
            "path": m.path,
            "path_regex": m.path_regex.pattern if m.path_regex else None,
            "status": self.status,
            "body": self.body,
            "headers": self.headers,
            "message": self.message,
            "delay_ms": self.delay_ms,
            "delay_max_ms": self.delay_max_ms,
            "drop_connection": self.drop_connection,
            "retry_after": self.retry_after,
            "times": self.times,
            "probability": self.probability,
            "hits": self.hits,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "FaultRule":
        """A rule as `as_dict` wrote it (the shared fault table stores them so)."""
        matcher = RequestMatcher(
            vendor=data["vendor"],
            method=data["method"],
            path=data["path"],
            path_regex=re.compile(data["path_regex"]) if data["path_regex"] else None,
        )
        fields = {k: v for k, v in data.items() if k not in ("vendor", "method", "path", "path_regex")}
        return cls(matcher=matcher, **fields)

    def delay_seconds(self) -> float:
        if self.delay_max_ms is not None and self.delay_max_ms > self.delay_ms:
            return clock.uniform(self.delay_ms, self.delay_max_ms) / 1000
        return self.delay_ms / 1000

    def response(self, request: Request, render: ErrorRenderer) -> Response | None:
        """The error response this rule answers with, or None to let the request through (delay only)."""
        if self.status is None:
            return None
        headers = dict(self.headers)
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        if self.body is None:
            response = render(request, self.status, self.message or status_phrase(self.status), headers)
            # A vendor may render some statuses as another (Drupal turns every 5xx into its 500): the rule wins.
            response.status_code = self.status
        elif isinstance(self.body, str):
            response = Response(self.body, self.status, media_type="text/plain; charset=utf-8")
        else:
            response = Response(orjson.dumps(self.body), self.status, media_type="application/json")
        response.headers.update(headers)
        return response


class Faults:
    """The fault rules, in this process's memory (one process serves: the default)."""

    remote = False  # whether asking for them goes to a database server

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._next_id = 1
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self._rules)

    def add(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            rule.id = self._next_id
            self._next_id += 1
            self._rules.append(rule)
        return rule

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def remove(self, rule_id: int) -> bool:
        with self._lock:
            kept = [r for r in self._rules if r.id != rule_id]
            found, self._rules = len(kept) != len(self._rules), kept
        return found

    def clear(self, vendor: str | None = None) -> int:
        """Remove every rule (or those of one vendor); returns how many were removed."""
        with self._lock:
            before = len(self._rules)
            self._rules = [] if vendor is None else [r for r in self._rules if r.matcher.vendor != vendor]
            return before - len(self._rules)

    def fire(self, vendor: str, method: str, path: str, own_path: str) -> FaultRule | None:
        """The first rule (oldest first) that matches and fires; its `times` is used up by firing."""
        with self._lock:
            for rule in self._rules:
                if not rule.matcher.matches_route(vendor, method, path, own_path) or not clock.chance(rule.probability):
                    continue
                rule.hits += 1
                if rule.times is not None:
                    rule.times -= 1
                    if rule.times <= 0:
                        self._rules.remove(rule)
                return rule
        return None


class FaultMiddleware:
    """Applies the fault rules of the request's tenant (core/tenancy.py)."""

    def __init__(self, app: ASGIApp, vendor: str, render: ErrorRenderer):
        self.app, self.vendor, self.render = app, vendor, render

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, root = scope["path"], scope.get("root_path", "")
        own_path = path[len(root) :] if root and path.startswith(root) else path
        faults = tenant_of(scope).control.faults

        def fire() -> FaultRule | None:
            return faults.fire(self.vendor, scope["method"], path, own_path) if faults else None

        # Rules kept by a database server are asked for off the event loop.
        rule = await run_in_threadpool(fire) if faults.remote else fire()
        if rule is None:
            await self.app(scope, receive, send)
            return
        entry = scope.get(ENTRY_KEY)
        if entry is not None:
            entry.fault = rule.id
        delay = rule.delay_seconds()
        if delay > 0:
            await asyncio.sleep(delay)
        if rule.drop_connection:
            if entry is not None:
                entry.dropped = True
                await scope[FINISH_KEY]()  # recorded before the client sees the connection go
            drop = scope.get("extensions", {}).get(DROP_EXTENSION)
            if drop is None:
                raise connection_dropped()()
            drop()
            return
        response = rule.response(Request(scope, receive), self.render)
        await (response or self.app)(scope, receive, send)
