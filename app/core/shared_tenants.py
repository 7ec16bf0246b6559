"""Tenants shared by every process on one database (docs/parallel-tests.md, docs/scaling-out.md): the registry lives
in the control tables (`crowdmock_tenant`), so a tenant made, deleted or expired through one worker or replica is
made, deleted or expired for all of them. Each process opens a tenant's data (its file or schema, named by the
tenant's generation) when it first serves it, and notices a newer generation at its next request."""

import threading
import time

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.engine import Engine

from crowdmock.core import control
from crowdmock.core.tenancy import (
    DEFAULT,
    SWEEP_EVERY,
    Tenant,
    TenantError,
    TenantMaker,
    Tenants,
    check_name,
    new_generation,
    too_many,
)

TOUCH_EVERY = 0.05  # a tenant's `used` is written at most once per this share of the TTL
_FIND = select(control.tenants).where(control.tenants.c.name == bindparam("name"))
_COUNT = select(func.count()).select_from(control.tenants)


class SharedTenants(Tenants):
    remote = True  # every find asks the registry and may open a tenant's data: off the event loop

    def __init__(self, default: Tenant, maker: TenantMaker, ttl: float, limit: int, engine: Engine):
        super().__init__(default, maker, ttl, limit)
        self.engine = engine  # the control tables'
        self._opening = threading.Lock()
        self._plan_sweep(time.monotonic())

    def find(self, name: str) -> Tenant | None:
        if name == DEFAULT:
            return self.default
        with self.engine.connect() as conn:
            row = conn.execute(_FIND, {"name": name}).mappings().first()
        local = self._named.get(name)
        if row is None:
            if local is not None:  # deleted through another process
                self._forget(local)
            return None
        if local is None or local.generation != row["generation"]:
            local = self._attach(name, row["generation"], local)
        now = time.time()
        if now - row["used"] > self.ttl * TOUCH_EVERY:
            with self.engine.begin() as conn:
                conn.execute(update(control.tenants).where(control.tenants.c.name == name).values(used=now))
        return local

    def _attach(self, name: str, generation: str, old: Tenant | None) -> Tenant:
        with self._opening:
            local = self._named.get(name)
            if local is not None and local.generation == generation:
                return local
            if old is not None:
                self._forget(old)
            local = self.maker.attach(name, generation)
            self._named[name] = local
            return local

    def _forget(self, tenant: Tenant) -> None:
        """Close this process's connections to a tenant's data (its data is another process's to drop)."""
        if self._named.get(tenant.name) is tenant:
            del self._named[tenant.name]
        self.maker.close(tenant)

    def create(self, name: str, source: dict | None = None, exists_ok: bool = False) -> Tenant:
        """The data is made with no registry lock held (making it takes the data's own locks; holding both in the
        other order than requests do could deadlock), then registered; if another process registered the name
        meanwhile, or the bound was reached, this process's copy is dropped."""
        check_name(name)
        if name == DEFAULT:
            if exists_ok:
                return self.default
            raise TenantError(409, "tenant exists", [f"a tenant named {name!r} exists"])
        self.sweep()
        with self.engine.connect() as conn:
            row = conn.execute(_FIND, {"name": name}).mappings().first()
            full = row is None and conn.execute(_COUNT).scalar_one() >= self.limit
        if row is None and not full:
            generation = new_generation()
            made = self.maker.make(name, generation, source)
            made.created = now = time.time()
            with control.writer(self.engine).begin() as conn:
                row = conn.execute(_FIND, {"name": name}).mappings().first()
                full = row is None and conn.execute(_COUNT).scalar_one() >= self.limit
                if row is None and not full:
                    values = {"name": name, "generation": generation, "created": now, "used": now}
                    conn.execute(control.tenants.insert().values(**values))
            if row is None and not full:
                with self._opening:
                    self._named[name] = made
                self._plan_sweep(time.monotonic())
                return made
            self.maker.close(made)
            self.maker.drop(name, generation)
        if row is None:
            raise too_many(self.limit)
        if not exists_ok:
            raise TenantError(409, "tenant exists", [f"a tenant named {name!r} exists"])
        return self.find(name) or self._attach(name, row["generation"], None)

    def delete(self, name: str) -> bool:
        if name == DEFAULT:
            raise TenantError(400, "invalid request", ["the default tenant cannot be deleted; reset it instead"])
        with control.writer(self.engine).begin() as conn:
            row = conn.execute(_FIND, {"name": name}).mappings().first()
            if row is None:
                return False
            self._unregister(conn, name)
        self._drop(name, row["generation"])
        return True

    def _unregister(self, conn, name: str) -> None:
        conn.execute(control.tenants.delete().where(control.tenants.c.name == name))
        control.forget_tenant(conn, name)

    def _drop(self, name: str, generation: str) -> None:
        """After its row is gone (no registry lock held): this process's connections, then its data."""
        local = self._named.get(name)
        if local is not None and local.generation == generation:
            self._forget(local)
        self.maker.drop(name, generation)

    def sweep(self) -> list[str]:
        """Delete the tenants idle past the TTL, and close this process's connections to tenants deleted or made
        anew through other processes."""
        self._plan_sweep(time.monotonic())  # first: a sweep that fails is not retried by every request
        cutoff = time.time() - self.ttl
        with control.writer(self.engine).begin() as conn:
            expired = conn.execute(select(control.tenants).where(control.tenants.c.used < cutoff)).mappings().all()
            for row in expired:
                self._unregister(conn, row["name"])
        for row in expired:
            self._drop(row["name"], row["generation"])
        with self.engine.connect() as conn:
            current = dict(conn.execute(select(control.tenants.c.name, control.tenants.c.generation)).all())
        for tenant in list(self._named.values()):
            if current.get(tenant.name) != tenant.generation:
                with self._opening:
                    self._forget(tenant)
        return [row["name"] for row in expired]

    def _plan_sweep(self, now: float) -> None:
        self.next_sweep = now + min(SWEEP_EVERY, self.ttl)  # always: other processes' tenants may need closing

    def describe(self) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(control.tenants).order_by(control.tenants.c.name)).mappings().all()
        return [self.default.describe(self.ttl), *(self._shown(row) for row in rows)]

    def describe_one(self, name: str) -> dict | None:
        if name == DEFAULT:
            return self.default.describe(self.ttl)
        with self.engine.connect() as conn:
            row = conn.execute(_FIND, {"name": name}).mappings().first()
        return None if row is None else self._shown(row)

    def _shown(self, row) -> dict:
        idle = max(time.time() - row["used"], 0.0)
        return {
            "name": row["name"],
            "created": round(row["created"], 3),
            "idle_seconds": round(idle, 3),
            "expires": round(row["used"] + self.ttl, 3),
        }

    def close(self) -> None:
        """At shutdown: this process's connections close; the tenants stay for the other processes (and expire)."""
        with self._opening:
            named, self._named = list(self._named.values()), {}
        for tenant in named:
            self.maker.close(tenant)
