"""Tenants: isolated copies of a whole crowdmock on one server, for tests that run in parallel (docs/parallel-tests.md).

A tenant has its own data (a database file, or a schema on PostgreSQL), journal, fault rules, credentials and token
secret, rate counters, deterministic sequence and response-cache entries. A request picks it by path
(`/t/<name>/<vendor>/...`, `/t/<name>/__admin/...`) or by the `X-Crowdmock-Tenant` header; with neither it is served
by the `default` tenant, which is the crowdmock of a server without tenants.

`TenantMiddleware` is the outermost layer (core/pipeline.py): it puts the request's Tenant in the scope
(`TENANT_KEY`), and every later layer, route and admin endpoint works on `tenant_of(scope)`'s parts. A tenant is made
on first use from the seeded state (or by `POST /__admin/tenants`), expires after `CROWDMOCK_TENANT_TTL` seconds
without a request, and at most `CROWDMOCK_MAX_TENANTS` exist besides `default`.
"""

import itertools
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from crowdmock.core.clock import Clock
    from crowdmock.core.shared import ControlPlane
    from crowdmock.core.store import Store
    from crowdmock.settings import Settings

DEFAULT = "default"
# Lower-case letters, digits, `-` and `_`, starting with a letter or digit, at most 40: a file name and a schema name
# on every system, the same on case-insensitive file systems, short enough for PostgreSQL's 63-byte identifiers.
NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
NAME_RULE = "1 to 40 of a-z, 0-9, '-' and '_', starting with a letter or digit"
HEADER = b"x-crowdmock-tenant"
PATH_PREFIX = "/t/"
TENANT_KEY = "crowdmock.tenant"  # scope key: the Tenant serving the request
TENANT_PATH_KEY = "crowdmock.tenant_path"  # scope key: "/t/<name>" when the path chose it (links keep it)
SWEEP_EVERY = 30.0  # seconds between looks for expired tenants


@dataclass(eq=False)
class Tenant:
    name: str
    store: "Store"
    control: "ControlPlane"
    settings: "Settings"  # the server's, with this tenant's own token secret
    clock: "Clock"
    created: float = field(default_factory=time.time)
    used: float = field(default_factory=time.monotonic)  # last request's start
    # Never the same for two tenants of a process, even of one name: what the response cache keys answers by.
    serial: int = field(default_factory=itertools.count().__next__)

    def describe(self, ttl: float) -> dict:
        idle = time.monotonic() - self.used
        expires = None if self.name == DEFAULT else round(time.time() + max(ttl - idle, 0), 3)
        return {
            "name": self.name,
            "created": round(self.created, 3),
            "idle_seconds": round(idle, 3),
            "expires": expires,
        }


class TenantError(Exception):
    """Refused in crowdmock's admin error shape: `{"error", "problems"}`."""

    def __init__(self, status: int, error: str, problems: list[str] | None = None):
        self.status, self.error, self.problems = status, error, problems or []


def check_name(name: Any) -> str:
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise TenantError(400, "invalid tenant name", [f"{name!r}: a tenant name is {NAME_RULE}"])
    return name


def tenant_of(where) -> Tenant:
    """The tenant serving a request (its scope, or a Request)."""
    scope = where if isinstance(where, dict) else where.scope
    return scope[TENANT_KEY]


# What a new tenant starts from: None (the seeded state), or {"snapshot": <snapshot body>} / {"fixtures": <folder>}.
Opener = Callable[[str, dict | None], Tenant]


class Tenants:
    """Every tenant of this server. `open_tenant(name, source)` makes one (a file copy, or a schema); `close_tenant`
    deletes its data."""

    def __init__(
        self, default: Tenant, open_tenant: Opener, close_tenant: Callable[[Tenant], None], ttl: float, limit: int
    ):
        self.default, self._open, self._close, self.ttl, self.limit = default, open_tenant, close_tenant, ttl, limit
        self._named: dict[str, Tenant] = {}
        self._lock = threading.Lock()  # tenants are made in worker threads
        self.next_sweep = float("inf")  # when to look for expired tenants: never while there are none

    def find(self, name: str) -> Tenant | None:
        return self.default if name == DEFAULT else self._named.get(name)

    def all(self) -> list[Tenant]:
        return [self.default, *sorted(self._named.values(), key=lambda t: t.name)]

    def create(self, name: str, source: dict | None = None, exists_ok: bool = False) -> Tenant:
        check_name(name)
        with self._lock:
            found = self.find(name)
            if found is not None:
                if exists_ok:
                    return found
                raise TenantError(409, "tenant exists", [f"a tenant named {name!r} exists"])
            self._sweep_locked()
            if len(self._named) >= self.limit:
                problem = (
                    f"{self.limit} tenants exist (CROWDMOCK_MAX_TENANTS): delete one, or wait for idle ones to expire"
                )
                raise TenantError(429, "too many tenants", [problem])
            tenant = self._open(name, source)
            self._named[name] = tenant
            self._plan_sweep(time.monotonic())
            return tenant

    def delete(self, name: str) -> bool:
        if name == DEFAULT:
            raise TenantError(400, "invalid request", ["the default tenant cannot be deleted; reset it instead"])
        with self._lock:
            tenant = self._named.pop(name, None)
            self._plan_sweep(time.monotonic())
        if tenant is not None:
            self._close(tenant)
        return tenant is not None

    def sweep(self) -> list[str]:
        """Delete tenants idle for longer than the TTL; returns their names."""
        with self._lock:
            return self._sweep_locked()

    def _sweep_locked(self) -> list[str]:
        now = time.monotonic()
        expired = [t for t in self._named.values() if now - t.used > self.ttl]
        for tenant in expired:
            del self._named[tenant.name]
            self._close(tenant)
        self._plan_sweep(now)
        return [t.name for t in expired]

    def _plan_sweep(self, now: float) -> None:
        self.next_sweep = now + min(SWEEP_EVERY, self.ttl) if self._named else float("inf")

    def close(self) -> None:
        """At shutdown: every named tenant's data goes (they live as long as the server)."""
        with self._lock:
            named, self._named = list(self._named.values()), {}
        for tenant in named:
            self._close(tenant)


class TenantMiddleware:
    """Layer 0 (core/pipeline.py): picks the request's tenant, from `/t/<name>` (taken off the path) or the header,
    making it on first use; a bad name or a full server is refused by `refuse` in crowdmock's admin error shape."""

    def __init__(self, app: ASGIApp, tenants: Tenants, refuse: Callable[[TenantError], ASGIApp]):
        self.app, self.tenants, self.refuse = app, tenants, refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        try:
            name = self._pick(scope, path)
            tenant = self.tenants.find(name) if name is not None else self.tenants.default
            if tenant is None:  # made off the event loop: a file copy or a schema
                tenant = await run_in_threadpool(self.tenants.create, name, None, True)
        except TenantError as refusal:
            await self.refuse(refusal)(scope, receive, send)
            return
        tenant.used = now = time.monotonic()
        if now > self.tenants.next_sweep:
            await run_in_threadpool(self.tenants.sweep)
        scope[TENANT_KEY] = tenant
        await self.app(scope, receive, send)

    @staticmethod
    def _pick(scope: Scope, path: str) -> str | None:
        """The tenant's name, if the request names one; a path that does is rewritten without `/t/<name>`."""
        if path.startswith(PATH_PREFIX):
            name, slash, rest = path[len(PATH_PREFIX) :].partition("/")
            check_name(name)
            prefix = f"{PATH_PREFIX}{name}"
            scope["path"] = slash + rest or "/"
            raw = scope.get("raw_path")
            if raw is not None and raw.startswith(prefix.encode()):
                scope["raw_path"] = raw[len(prefix) :] or b"/"
            scope[TENANT_PATH_KEY] = prefix
            return name
        for header, value in scope.get("headers", ()):
            if header == HEADER:
                return check_name(value.decode("latin-1").strip())
        return None
