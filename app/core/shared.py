"""The control plane of one crowdmock, in memory or shared through the database (docs/scaling-out.md).

`ControlPlane.in_memory()` is what one process uses (the default `crowdmock serve`, the pytest plugin): the journal,
fault rules, rate counters and deterministic draws in its memory. `ControlPlane.shared(database_url)` keeps them in
the control tables (core/control.py), so that every worker process and replica on the database sees the same
journal and counts, fires a fault the number of times asked in total, counts the same rate-limited calls and draws
each deterministic value once. Both answer alike over HTTP."""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.engine import Engine

from crowdmock.core import clock, control
from crowdmock.core.faults import FaultRule, Faults
from crowdmock.core.journal import Entry, Journal, pick
from crowdmock.core.ratelimit import RateLimiter

# The Entry fields the shared journal stores as they are; headers and bodies are converted.
_CONVERTED = ("id", "raw_headers", "body", "raw_response_headers", "response_body")
_STORED = tuple(name for name in Entry.__slots__ if name not in _CONVERTED)


# Statements run per request, made once (SQLAlchemy builds and keys a statement anew on each construction).
_JOURNAL_INSERT = control.journal.insert()
_ANY_FAULT = select(control.faults.c.id).where(control.faults.c.tenant == bindparam("tenant")).limit(1)
_ALL_FAULTS = select(control.faults).where(control.faults.c.tenant == bindparam("tenant")).order_by(control.faults.c.id)


def _pairs(raw: list) -> list[list[str]]:
    return [[name.decode("latin-1"), value.decode("latin-1")] for name, value in raw]


def _raw(pairs: list) -> list[tuple[bytes, bytes]]:
    return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in pairs]


class SharedJournal(Journal):
    """An entry is written before its answer leaves (JournalMiddleware), so a count sent to any process after the
    client has the answer includes it."""

    shared = True
    TRIM_EVERY = 64  # entries beyond `size` are deleted every so many writes

    def __init__(self, engine: Engine, tenant: str, size: int, body_bytes: int):
        super().__init__(size, body_bytes)
        self.engine, self.tenant = engine, tenant
        self._writes = 0

    def add(self, entry: Entry) -> None:
        row = {name: getattr(entry, name) for name in _STORED}
        row["tenant"] = self.tenant
        row["headers"], row["response_headers"] = _pairs(entry.raw_headers), _pairs(entry.raw_response_headers)
        row["body"], row["response_body"] = bytes(entry.body), bytes(entry.response_body)
        with self.engine.begin() as conn:  # one statement made once: building it per entry cost ~70% of the write
            entry.id = conn.execute(_JOURNAL_INSERT, row).inserted_primary_key[0]
            self._writes += 1
            if self._writes % self.TRIM_EVERY == 0:  # this process's writes of this tenant: ids are every tenant's
                self._trim(conn)

    def _trim(self, conn) -> None:
        table = control.journal
        mine = table.c.tenant == self.tenant
        oldest_kept = select(table.c.id).where(mine).order_by(table.c.id.desc()).limit(1).offset(self.size - 1)
        boundary = conn.execute(oldest_kept).scalar()
        if boundary is not None:
            conn.execute(table.delete().where(mine & (table.c.id < boundary)))

    def clear(self, vendor: str | None = None) -> int:
        """Returns how many entries the journal showed (rows past its size, not yet trimmed, go unsaid)."""
        shown = len([e for e in self.find() if vendor is None or e.vendor == vendor])
        statement = control.journal.delete().where(control.journal.c.tenant == self.tenant)
        if vendor is not None:
            statement = statement.where(control.journal.c.vendor == vendor)
        with self.engine.begin() as conn:
            conn.execute(statement)
        return shown

    def __len__(self) -> int:
        return len(self.find())

    def find(self, matcher=None, path_prefix=None, since=None, after=None, unmatched=False, limit=None) -> list[Entry]:
        table = control.journal
        # The tenant's newest `size` entries (ids are shared by every tenant), newest first.
        query = select(table).where(table.c.tenant == self.tenant).order_by(table.c.id.desc()).limit(self.size)
        if after:
            query = query.where(table.c.id > after)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        entries = (_entry(row) for row in rows)
        if since is not None:
            entries = (e for e in entries if e.time >= since)
        if unmatched:
            entries = (e for e in entries if e.unmatched)
        return pick(entries, matcher, path_prefix, limit)


def _entry(row) -> Entry:
    entry = Entry.__new__(Entry)
    for name in _STORED:
        setattr(entry, name, row[name])
    entry.id = row["id"]
    entry.raw_headers, entry.raw_response_headers = _raw(row["headers"]), _raw(row["response_headers"])
    entry.body, entry.response_body = row["body"], row["response_body"]
    return entry


class SharedFaults(Faults):
    """A rule's `times` is used up atomically: of all processes, exactly that many firings take it."""

    def __init__(self, engine: Engine, tenant: str):
        super().__init__()
        self.engine, self.tenant = engine, tenant
        self.remote = engine.dialect.name != "sqlite"

    def __bool__(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(_ANY_FAULT, {"tenant": self.tenant}).first() is not None

    def add(self, rule: FaultRule) -> FaultRule:
        with self.engine.begin() as conn:
            stored = {k: v for k, v in rule.as_dict().items() if k not in ("id", "hits")}
            row = {"tenant": self.tenant, "rule": stored, "times_left": rule.times, "hits": 0}
            inserted = conn.execute(control.faults.insert().values(**row))
            rule.id = inserted.inserted_primary_key[0]
        return rule

    def rules(self) -> list[FaultRule]:
        with self.engine.connect() as conn:
            rows = conn.execute(_ALL_FAULTS, {"tenant": self.tenant}).mappings().all()
        return [_rule(row) for row in rows]

    def remove(self, rule_id: int) -> bool:
        with self.engine.begin() as conn:
            mine = (control.faults.c.id == rule_id) & (control.faults.c.tenant == self.tenant)
            return conn.execute(control.faults.delete().where(mine)).rowcount > 0

    def clear(self, vendor: str | None = None) -> int:
        if vendor is None:  # one statement: a rule added meanwhile by another process goes too
            with self.engine.begin() as conn:
                return conn.execute(control.faults.delete().where(control.faults.c.tenant == self.tenant)).rowcount
        doomed = [r.id for r in self.rules() if r.matcher.vendor == vendor]
        with self.engine.begin() as conn:
            return conn.execute(control.faults.delete().where(control.faults.c.id.in_(doomed))).rowcount

    def fire(self, vendor: str, method: str, path: str, own_path: str) -> FaultRule | None:
        table = control.faults
        for rule in self.rules():
            if not rule.matcher.matches_route(vendor, method, path, own_path) or not clock.chance(rule.probability):
                continue
            with control.writer(self.engine).begin() as conn:
                left = conn.execute(select(table.c.times_left).where(table.c.id == rule.id)).first()
                if left is None or (left[0] is not None and left[0] <= 0):
                    continue  # removed, or used up by another process meanwhile
                if left[0] == 1:
                    conn.execute(table.delete().where(table.c.id == rule.id))
                else:
                    times_left = None if left[0] is None else left[0] - 1
                    conn.execute(update(table).where(table.c.id == rule.id).values(times_left=times_left))
                    conn.execute(update(table).where(table.c.id == rule.id).values(hits=table.c.hits + 1))
            rule.hits += 1
            return rule
        return None


def _rule(row) -> FaultRule:
    rule = FaultRule.from_dict({**row["rule"], "id": row["id"], "hits": row["hits"]})
    rule.times = row["times_left"]
    return rule


class SharedRateLimiter(RateLimiter):
    """Calls counted in the control tables; windows measured on the wall clock, which every process shares."""

    def __init__(self, engine: Engine, tenant: str, name: str, limit: int, window_seconds: float):
        super().__init__(limit, window_seconds)
        self.engine, self.tenant, self.name = engine, tenant, name

    def _mine(self):
        return (control.hits.c.tenant == self.tenant) & (control.hits.c.limiter == self.name)

    def _count(self, conn, key: str, now: float) -> int:
        table = control.hits
        mine = self._mine() & (table.c.key == key)
        conn.execute(table.delete().where(mine & (table.c.at < now - self.window)))
        return conn.execute(select(func.count()).where(mine)).scalar_one()

    def allow(self, key: str) -> bool:
        now = time.time()
        with control.writer(self.engine).begin() as conn:
            if self._count(conn, key, now) >= self.limit:
                return False
            conn.execute(control.hits.insert().values(tenant=self.tenant, limiter=self.name, key=key, at=now))
            return True

    def exceeded(self, key: str) -> bool:
        with control.writer(self.engine).begin() as conn:
            return self._count(conn, key, time.time()) >= self.limit

    def register(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(control.hits.insert().values(tenant=self.tenant, limiter=self.name, key=key, at=time.time()))

    def forget(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(control.hits.delete().where(self._mine() & (control.hits.c.key == key)))

    def clear(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(control.hits.delete().where(self._mine()))


class Draws:
    """Deterministic draws: the nth draw since the last reset is always the same value, `Random(f"{seed}:{n}")`'s,
    whichever process makes it. `next_draw()` says what n is: a counter of this process, or of the database."""

    def __init__(self, seed: int, next_draw: Callable[[], int], restart: Callable[[], None]):
        self.seed, self._next_draw, self._restart = seed, next_draw, restart

    def _source(self) -> random.Random:
        return random.Random(f"{self.seed}:{self._next_draw()}")

    def randbytes(self, n: int) -> bytes:
        return self._source().randbytes(n)

    def shuffle(self, items: list) -> None:
        self._source().shuffle(items)

    def uniform(self, low: float, high: float) -> float:
        return self._source().uniform(low, high)

    def random(self) -> float:
        return self._source().random()

    def restart(self) -> None:
        self._restart()


@dataclass
class ControlPlane:
    """The journal, the fault rules, the rate limiters and the deterministic draws of one crowdmock."""

    journal: Journal
    faults: Faults
    make_limiter: Callable[[str, int, float], RateLimiter]
    make_draws: Callable[[int], Draws]
    engine: Engine | None = None  # the control tables' (None: in memory)
    tenant: str = "default"
    limiters: dict[str, RateLimiter] = field(default_factory=dict)

    @classmethod
    def in_memory(cls, journal_size: int, body_bytes: int) -> "ControlPlane":
        def draws(seed: int) -> Draws:
            count = [0]

            def next_draw() -> int:
                count[0] += 1
                return count[0]

            return Draws(seed, next_draw, lambda: count.__setitem__(0, 0))

        return cls(Journal(journal_size, body_bytes), Faults(), lambda _name, n, w: RateLimiter(n, w), draws)

    @classmethod
    def shared(cls, engine: Engine, tenant: str, journal_size: int, body_bytes: int) -> "ControlPlane":
        """A tenant's, in the control tables on `engine` (control.open_control)."""
        return cls(
            SharedJournal(engine, tenant, journal_size, body_bytes),
            SharedFaults(engine, tenant),
            lambda name, n, w: SharedRateLimiter(engine, tenant, name, n, w),
            lambda seed: Draws(
                seed,
                lambda: control.next_value(engine, tenant, "draws"),
                lambda: control.restart_sequence(engine, tenant, "draws"),
            ),
            engine,
            tenant,
        )

    def release(self) -> None:
        """Close the control tables' connections (at shutdown; they reopen when used again)."""
        if self.engine is not None:
            self.engine.dispose()

    def limiter(self, name: str, limit: int, window_seconds: float) -> RateLimiter:
        """The rate limiter `name` ("<vendor>.<what>", e.g. "ushahidi.register"), made on first use."""
        if name not in self.limiters:
            self.limiters[name] = self.make_limiter(name, limit, window_seconds)
        return self.limiters[name]

    def reset(self, vendor: str | None = None) -> None:
        """What `POST /__admin/reset` clears besides the data: the journal and the fault rules (the store's reset
        clears the counters, see `clear_counters`)."""
        self.journal.clear(vendor)
        self.faults.clear(vendor)

    def clear_counters(self, vendors: list[str]) -> None:
        """The rate counters of these vendors (after their data was reset or loaded from a snapshot), every
        process's when they are shared."""
        if self.engine is not None:
            table = control.hits
            with self.engine.begin() as conn:
                for vendor in vendors:
                    mine = (table.c.tenant == self.tenant) & table.c.limiter.startswith(f"{vendor}.")
                    conn.execute(table.delete().where(mine))
        for name, limiter in self.limiters.items():
            if name.split(".", 1)[0] in vendors:
                limiter.clear()
