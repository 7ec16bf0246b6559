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
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from crowdmock.core.clock import Clock
    from crowdmock.core.shared import ControlPlane
    from crowdmock.core.store import Store
    from crowdmock.settings import Settings

log = logging.getLogger("crowdmock")

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
    generation: str = ""  # what its data is named by (TenantMaker)
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


def too_many(limit: int) -> TenantError:
    problem = f"{limit} tenants exist (CROWDMOCK_MAX_TENANTS): delete one or wait for idle ones to expire"
    return TenantError(429, "too many tenants", [problem])


def tenant_of(where) -> Tenant:
    """The tenant serving a request (its scope, or a Request)."""
    scope = where if isinstance(where, dict) else where.scope
    return scope[TENANT_KEY]


class TenantMaker(Protocol):
    """Makes tenants' data on the server's backend (app/tenants.py). A tenant's data belongs to its `generation`
    (a file or a schema of that name), so that one deleted and made again is never taken for the old one.
    `source`: None (the seeded state), or {"snapshot": <snapshot body>} / {"fixtures": <folder>}."""

    def make(self, name: str, generation: str, source: dict | None) -> Tenant: ...

    def attach(self, name: str, generation: str) -> Tenant: ...  # data another process made

    def close(self, tenant: Tenant) -> None: ...  # its connections

    def drop(self, name: str, generation: str) -> None: ...  # its data


def new_generation() -> str:
    return uuid.uuid4().hex[:12]


class Tenants:
    """Every tenant of a server whose state is its own (one process): kept in memory, data deleted at shutdown."""

    remote = False  # whether finding a tenant asks a database server

    def __init__(self, default: Tenant, maker: TenantMaker, ttl: float, limit: int):
        self.default, self.maker, self.ttl, self.limit = default, maker, ttl, limit
        self._named: dict[str, Tenant] = {}
        self._lock = threading.Lock()  # tenants are made in worker threads
        self.next_sweep = float("inf")  # when to look for expired tenants: never while there are none

    def find(self, name: str) -> Tenant | None:
        return self.default if name == DEFAULT else self._named.get(name)

    def describe(self) -> list[dict]:
        """Every tenant, `default` first (GET /__admin/tenants)."""
        return [t.describe(self.ttl) for t in [self.default, *sorted(self._named.values(), key=lambda t: t.name)]]

    def describe_one(self, name: str) -> dict | None:
        tenant = self.find(name)
        return None if tenant is None else tenant.describe(self.ttl)

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
                raise too_many(self.limit)
            tenant = self.maker.make(name, new_generation(), source)
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
            self._end(tenant)
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
            self._end(tenant)
        self._plan_sweep(now)
        return [t.name for t in expired]

    def _plan_sweep(self, now: float) -> None:
        self.next_sweep = now + min(SWEEP_EVERY, self.ttl) if self._named else float("inf")

    def close(self) -> None:
        """At shutdown: every named tenant's data goes (they live as long as the server)."""
        with self._lock:
            named, self._named = list(self._named.values()), {}
        for tenant in named:
            self._end(tenant)

    def _end(self, tenant: Tenant) -> None:
        self.maker.close(tenant)
        self.maker.drop(tenant.name, tenant.generation)


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
        if self.tenants.next_sweep < time.monotonic():
            try:
                await run_in_threadpool(self.tenants.sweep)
            except Exception:  # the request goes on; the next sweep is planned already
                log.exception("looking for expired tenants failed")
        try:
            name = self._pick(scope, path)
            if name is None:
                tenant = self.tenants.default
            else:  # asked of a database server, or made (a file copy or a schema): off the event loop
                find = self.tenants.find
                tenant = await run_in_threadpool(find, name) if self.tenants.remote else find(name)
                if tenant is None:
                    tenant = await run_in_threadpool(self.tenants.create, name, None, True)
        except TenantError as refusal:
            await self.refuse(refusal)(scope, receive, send)
            return
        except Exception:  # outside the framework's handlers: answered here, in crowdmock's shape
            log.exception("the tenant of %s %s could not be opened", scope.get("method"), path)
            await self.refuse(TenantError(500, "internal error"))(scope, receive, send)
            return
        tenant.used = time.monotonic()
        scope[TENANT_KEY] = tenant
        await self.app(scope, receive, send)

    @staticmethod
    def _pick(scope: Scope, path: str) -> str | None:
        """The tenant's name, if the request names one; a path that does is rewritten without `/t/<name>`."""
        if path.startswith(PATH_PREFIX):
            name, slash, rest = path[len(PATH_PREFIX) :].partition("/")
            check_name(name)
            raw = scope.get("raw_path")
            if raw is not None and raw.startswith(PATH_PREFIX.encode()):
                # The name as sent: a percent-encoded one (`w%31`, `a%2Fb`) is not a tenant name.
                raw_name, _, raw_rest = raw[len(PATH_PREFIX) :].partition(b"/")
                check_name(raw_name.decode("latin-1"))
                scope["raw_path"] = b"/" + raw_rest
            scope["path"] = slash + rest or "/"
            scope[TENANT_PATH_KEY] = f"{PATH_PREFIX}{name}"
            return name
        for header, value in scope.get("headers", ()):
            if header == HEADER:
                return check_name(value.decode("latin-1").strip())
        return None
