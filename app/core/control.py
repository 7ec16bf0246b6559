"""The control plane's state in the database, shared by every process on it (`CROWDMOCK_SHARED_STATE`,
docs/scaling-out.md): the request journal, fault rules, rate counters and the deterministic draw sequence.

With one process (the default `crowdmock serve`, the pytest plugin) they live in memory instead (the classes of
core/journal.py, core/faults.py, core/ratelimit.py and core/clock.py): the same answers over HTTP, without a
database write per request. The shared classes keep the same interfaces.

On SQLite the tables are in a file beside the database (`crowdmock.sqlite3` -> `crowdmock.control.sqlite3`): a
journal write then leaves the data's `data_version` alone, by which the response cache knows that nothing changed.
"""

from pathlib import Path

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import Engine, make_url

from crowdmock.core.db import WRITE, make_engine

metadata = MetaData()

# Every table holds every tenant's rows (core/tenancy.py), told apart by `tenant`.
journal = Table(
    "crowdmock_journal",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tenant", String, nullable=False),
    Column("time", Float, nullable=False),
    Column("vendor", String, nullable=False),
    Column("prefix", String, nullable=False),
    Column("method", String, nullable=False),
    Column("path", String, nullable=False),
    Column("query", String, nullable=False),
    Column("headers", JSON, nullable=False),  # [[name, value], ...] as received, latin-1
    Column("body", LargeBinary, nullable=False),
    Column("body_size", Integer, nullable=False),
    Column("status", Integer),
    Column("response_headers", JSON, nullable=False),
    Column("response_body", LargeBinary, nullable=False),
    Column("response_size", Integer, nullable=False),
    Column("duration_ms", Float, nullable=False),
    Column("unmatched", Boolean, nullable=False),
    Column("fault", Integer),
    Column("dropped", Boolean, nullable=False),
    Index("crowdmock_journal_tenant", "tenant", "id"),
    sqlite_autoincrement=True,  # ids never reused (after a clear, `after=<id>` readers must see new entries)
)

faults = Table(
    "crowdmock_fault",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tenant", String, nullable=False),
    Column("rule", JSON, nullable=False),  # FaultRule.as_dict()
    Column("times_left", Integer),  # None: fires until removed
    Column("hits", Integer, nullable=False, default=0),
    sqlite_autoincrement=True,  # a removed rule's id never names another
)

# One row per counted event of a rate limiter: (limiter, key) within its window.
hits = Table(
    "crowdmock_hit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tenant", String, nullable=False),
    Column("limiter", String, nullable=False),
    Column("key", String, nullable=False),
    Column("at", Float, nullable=False),
    Index("crowdmock_hit_key", "tenant", "limiter", "key", "at"),
)

sequences = Table(
    "crowdmock_sequence",
    metadata,
    Column("tenant", String, primary_key=True),
    Column("name", String, primary_key=True),
    Column("value", Integer, nullable=False),
)

# The named tenants of every process on the database (core/shared.py SharedTenants): each one's data is the file or
# schema of its generation, so that one deleted and made again is never confused with the old one.
tenants = Table(
    "crowdmock_tenant",
    metadata,
    Column("name", String, primary_key=True),
    Column("generation", String, nullable=False),
    Column("created", Float, nullable=False),
    Column("used", Float, nullable=False),  # wall clock, updated at most every TOUCH_EVERY seconds
)


def control_url(database_url: str) -> str:
    """Where the control tables live for a database (a private `sqlite://` one has none: one process only)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return database_url
    if url.database in (None, "", ":memory:"):
        raise ValueError("a private sqlite:// database belongs to one process: its state cannot be shared")
    path = Path(url.database)
    return str(url.set(database=str(path.with_name(f"{path.stem}.control{path.suffix or '.sqlite3'}"))))


# The control tables' own write lock on PostgreSQL (core/db.py, WRITE_LOCK): never the one data writers hold.
CONTROL_WRITE_LOCK = 0x63726F776D6F6363


def open_control(database_url: str) -> Engine:
    """The control tables' engine, tables created (every process does it; it is idempotent)."""
    engine = make_engine(control_url(database_url), write_lock=CONTROL_WRITE_LOCK)
    with engine.execution_options(**{WRITE: True}).begin() as conn:
        columns = (
            {c["name"] for c in inspect(conn).get_columns(journal.name)}
            if inspect(conn).has_table(journal.name)
            else set()
        )
        if columns and "tenant" not in columns:  # made by a crowdmock before tenants: its rows are transient state
            metadata.drop_all(conn)
        metadata.create_all(conn)
    return engine


def writer(engine: Engine) -> Engine:
    """Transactions that read and then write (take a fault's last use, count a hit) hold the write lock from their
    start (core/db.py), so that two processes cannot both take the last one."""
    return engine.execution_options(**{WRITE: True})


def next_value(engine: Engine, tenant: str, name: str) -> int:
    """The tenant's sequence's next value (1, 2, ...), drawn atomically across processes."""
    mine = (sequences.c.tenant == tenant) & (sequences.c.name == name)
    with writer(engine).begin() as conn:
        value = conn.execute(select(sequences.c.value).where(mine)).scalar()
        if value is None:
            conn.execute(sequences.insert().values(tenant=tenant, name=name, value=1))
            return 1
        conn.execute(update(sequences).where(mine).values(value=value + 1))
        return value + 1


def restart_sequence(engine: Engine, tenant: str, name: str) -> None:
    with writer(engine).begin() as conn:
        conn.execute(sequences.delete().where((sequences.c.tenant == tenant) & (sequences.c.name == name)))


def forget_tenant(conn, tenant: str) -> None:
    """Every control row of a tenant (it is being deleted)."""
    for table in (journal, faults, hits, sequences):
        conn.execute(table.delete().where(table.c.tenant == tenant))
