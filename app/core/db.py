"""SQLModel engine (SQLite, WAL for files) and the session dependency."""

import asyncio
import contextlib
import functools
import os
import tempfile
import time
import weakref
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from pydantic import ConfigDict
from sqlalchemy import JSON, Column, Table, event, insert, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import configure_mappers
from sqlalchemy.pool import NullPool, Pool
from sqlalchemy.sql.dml import Insert
from sqlmodel import Field, Session, SQLModel, create_engine

from crowdmock.core.dialect import nul_free_json
from crowdmock.core.inline import ON_LOOP, for_store, on_loop
from crowdmock.core.tenancy import tenant_of

T = TypeVar("T")

# SQLite's INTEGER is 64-bit: a larger id cannot be stored, so no row has it (and binding it raises OverflowError).
MAX_INTEGER = 2**63 - 1

# Execution option of a connection that will write: its transaction starts with SQLite's write lock.
WRITE = "crowdmock_write"
# Methods whose requests may write.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Private (`sqlite://`) databases and what deletes their file: at close_engine, at garbage collection or at exit.
_PRIVATE: "weakref.WeakKeyDictionary[Engine, weakref.finalize]" = weakref.WeakKeyDictionary()


def make_engine(url: str, write_lock: int | None = None) -> Engine:
    """`write_lock`: on PostgreSQL, the advisory lock this engine's writers take (WRITE_LOCK by default)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return _postgres_engine(url, WRITE_LOCK if write_lock is None else write_lock)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url)
    private = parsed.database in (None, "", ":memory:")
    if private:
        # `sqlite://` is a private database that lives as long as the engine. Not SQLite's :memory: database:
        # that is one connection, which concurrent requests would share (one's rollback ends another's
        # transaction). A temporary file (in RAM where /dev/shm exists) gives each connection its own.
        folder = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
        fd, path = tempfile.mkstemp(prefix="crowdmock-", suffix=".sqlite3", dir=folder)
        os.close(fd)
        url = f"sqlite:///{path}"
    else:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # Checking a connection out never waits: code that runs on the event loop (core/inline.py) would wait for one
    # that only the event loop can give back. SQLite has no connection limit; ten are kept between requests.
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=10, max_overflow=-1)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        raw = conn.connection.dbapi_connection
        if conn.get_execution_options().get(WRITE):
            # A writer takes SQLite's write lock before it reads, so read-modify-write requests in several threads
            # or processes queue up (busy_timeout) instead of losing updates. Left to the sqlite3 module, the
            # transaction would begin at the first write, after reads that may be stale by then.
            raw.isolation_level = None
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            # Readers read outside a transaction, as the sqlite3 module does by default; one that writes anyway (a
            # GET that touches a session) begins at its first write and, holding no stale snapshot, waits for the
            # lock like any writer instead of failing with "database is locked".
            raw.isolation_level = ""

    if private:
        _PRIVATE[engine] = weakref.finalize(engine, remove_database, path)
    return engine


# The advisory lock every writing transaction on a PostgreSQL database takes first: writers queue up across processes
# and replicas as SQLite's write lock makes them (read-modify-writes lose nothing), released at commit or rollback.
# The control tables' writers take another (core/control.py): a request holding the data's may still count a call.
WRITE_LOCK = 0x63726F776D6F636B  # "crowmock"


def _postgres_engine(url: str, write_lock: int) -> Engine:
    # Two engines per process (data, control tables) and a version connection: 31 connections at most, so that
    # three replicas fit PostgreSQL's default max_connections (100).
    engine = create_engine(url, pool_size=5, max_overflow=10, pool_pre_ping=True, json_serializer=nul_free_json)

    @event.listens_for(engine, "connect")
    def _nul_free_text(dbapi_conn, _record):
        from crowdmock.core.dialect import nul_free_text_dumpers

        for python_type, dumper in nul_free_text_dumpers():
            dbapi_conn.adapters.register_dumper(python_type, dumper)

    @event.listens_for(engine, "begin")
    def _begin(conn):
        options = conn.get_execution_options()
        if options.get(WRITE):
            # A tenant's schema (core/tenancy.py) has a lock of its own: tenants' writers never wait for each other.
            schema = (options.get("schema_translate_map") or {}).get(None)
            key = write_lock if schema is None else write_lock ^ zlib.crc32(schema.encode())
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({key})")

    if write_lock == WRITE_LOCK:  # the data's engine (not the control tables'): its writes change the data version
        from crowdmock.core.dialect import count_data_writes

        count_data_writes(engine)
    return engine


class DatabaseUnavailable(RuntimeError):
    pass


def wait_for_database(url: str, seconds: float) -> None:
    """Connect to a database server until it answers (a database container is often still starting), for at most
    `seconds`; then DatabaseUnavailable names the URL without its password. SQLite files need no wait."""
    if make_url(url).get_backend_name() == "sqlite":
        return
    engine = create_engine(url, poolclass=NullPool)
    deadline = time.monotonic() + seconds
    try:
        while True:
            try:
                with engine.connect():
                    return
            except OperationalError as exc:
                if time.monotonic() >= deadline:
                    shown = make_url(url).render_as_string(hide_password=True)
                    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
                    raise DatabaseUnavailable(
                        f"the database {shown} did not answer in {seconds:g} s: {reason}"
                    ) from None
                time.sleep(0.5)
    finally:
        engine.dispose()


def close_engine(engine: Engine) -> None:
    """Close every connection (SQLite checkpoints the WAL on the last close); a private database is deleted."""
    engine.dispose()
    cleanup = _PRIVATE.pop(engine, None)
    if cleanup is not None:
        cleanup()


def is_private(engine: Engine) -> bool:
    """Whether the engine's database is a `sqlite://` one's temporary file (this engine's alone)."""
    return engine in _PRIVATE


def remove_database(path: str) -> None:
    """Delete a SQLite file with its WAL and shared-memory files."""
    for name in (path, path + "-wal", path + "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(name)


def parse_id(value: str | int) -> int | None:
    """A record id given as ASCII digits (or an int) within SQLite's INTEGER range; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value)
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= MAX_INTEGER else None


def lookup_id(text: str) -> int | None:
    """A decimal id to filter by: None unless ASCII digits; digits beyond SQLite's INTEGER become -1, an id no row
    has (binding them would fail), so that the filter matches nothing rather than being ignored."""
    if not (text.isascii() and text.isdigit()):
        return None
    ident = parse_id(text)
    return -1 if ident is None else ident


def read_columns(session: Session, statement, params: dict | None = None):
    """A prebuilt statement that reads columns (no entities), run on the session's connection: the ORM's execution
    costs twice the statement's. Pending ORM changes are flushed first, as the ORM's autoflush would."""
    session.flush()
    return session.connection().execute(statement, params)


@functools.cache
def _insert_of(table: Table) -> tuple[Insert, tuple[str, ...], tuple[str, ...]]:
    """A table's INSERT, built once, with its columns' keys and its primary key's."""
    return insert(table), tuple(c.key for c in table.columns), tuple(c.key for c in table.primary_key.columns)


def insert_row(session: Session, row: SQLModel) -> None:
    """`row` written by one Core INSERT on the session's connection, after the session's pending changes (as a flush
    orders them), its generated key set on it; the row does not join the session. A create whose answer needs no
    more of the ORM: the ORM's flush of a new row costs more than the statement."""
    statement, columns, key = _insert_of(type(row).__table__)
    values = {c: getattr(row, c) for c in columns if c not in key or getattr(row, c) is not None}
    session.flush()
    generated = session.connection().execute(statement, values).inserted_primary_key
    for name, value in zip(key, generated, strict=True):
        setattr(row, name, value)


M = TypeVar("M", bound=SQLModel)


def new_row(model: type[M], **values: Any) -> M:
    """A new row of a table model: its fields' defaults and `values`, built as the ORM builds a row it loads (an
    instance with its ORM state, the values put in place) rather than by SQLModel's constructor, which sets every
    field through the ORM's and pydantic's attribute hooks (~45 µs for Ushahidi's 35-column post: docs/performance
    .md). Like the constructor of a table model, it does not validate `values`; the fields they name are the row's
    `model_fields_set`, as the constructor's. A name that is no field is refused."""
    unknown = values.keys() - model.model_fields.keys()
    if unknown:
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    mapper = inspect(model)
    if not mapper.configured:  # the constructor or a query would have configured it; a row made here must too
        configure_mappers()
    row = mapper.class_manager.new_instance()
    constant, computed = _defaults_of(model)
    fields = row.__dict__
    fields.update(constant)
    for name, field in computed:
        if name not in values:  # a factory is called only for what is not given, as by the constructor
            fields[name] = field.get_default(call_default_factory=True)
    fields.update(values)
    object.__setattr__(row, "__pydantic_fields_set__", set(values))
    return row


_IMMUTABLE = (type(None), bool, int, float, str, bytes)


@functools.cache
def _defaults_of(model: type[SQLModel]) -> tuple[dict[str, Any], tuple[tuple[str, Any], ...]]:
    """A model's field defaults: those that can be shared by every row, and the fields whose default is made anew
    for each row (a factory, or a mutable value pydantic copies). A required field has none: left unset, as by
    SQLModel's constructor."""
    constant, computed = {}, []
    for name, field in model.model_fields.items():
        if field.is_required():
            continue
        if field.default_factory is None and isinstance(field.default, _IMMUTABLE):
            constant[name] = field.default
        else:
            computed.append((name, field))
    return constant, tuple(computed)


def held(session: Session, row: T) -> T:
    """`row`, kept alive until the session closes: the session's identity map holds rows weakly, so a row looked up
    in one function and dropped is read again by the next `session.get`; a held one is found without a query."""
    if row is not None:
        session.info.setdefault("held", []).append(row)
    return row


def get_row(session: Session, model: type, ident: Any):
    """`session.get`, answering None for a primary key outside SQLite's INTEGER range instead of failing."""
    keys = ident if isinstance(ident, tuple) else (ident,)
    if any(isinstance(k, int) and not -MAX_INTEGER - 1 <= k <= MAX_INTEGER for k in keys):
        return None
    return session.get(model, ident)


_SLOTS: "weakref.WeakKeyDictionary[Pool, weakref.WeakKeyDictionary]" = weakref.WeakKeyDictionary()


def connection_slots(engine: Engine) -> contextlib.AbstractAsyncContextManager:
    """As many requests as the engine's pool lends connections to without waiting (no limit where it never makes a
    checkout wait, as SQLite's). Past that a request waits on the event loop, not in a worker thread: there every
    thread could end up waiting for a connection whose holder needs a thread to go on (PostgreSQL's pool lends 15,
    FastAPI's threadpool has 40 threads)."""
    pool = engine.pool
    overflow = getattr(pool, "_max_overflow", -1)
    if overflow < 0:
        return contextlib.nullcontext()
    per_loop = _SLOTS.setdefault(pool, weakref.WeakKeyDictionary())
    loop = asyncio.get_running_loop()
    if loop not in per_loop:
        per_loop[loop] = asyncio.Semaphore(pool.size() + overflow)
    return per_loop[loop]


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session for the request, once its pool can lend a connection (`connection_slots`). A request that may write
    holds the store's write turn (one writer per process at a time, waiting without blocking the event loop) and its
    transaction begins with SQLite's write lock; on SQLite its sync routes and dependencies then run on the event
    loop (core/inline.py)."""
    store = tenant_of(request).store
    if request.method in SAFE_METHODS:
        async with connection_slots(store.engine):
            with Session(store.engine, expire_on_commit=False) as session:
                yield session
        return
    async with store.write_turn(), connection_slots(store.engine):
        # Holding the turn, its sync code never waits on a lock of this process: on SQLite it runs on the event loop
        # (core/inline.py).
        token = ON_LOOP.set(on_loop(store.engine))
        try:
            with Session(store.writer, expire_on_commit=False) as session:
                yield session
        finally:
            ON_LOOP.reset(token)


SessionDep = Annotated[Session, Depends(get_session)]


def store_reader(find: Callable[[Request, Session], T]) -> Callable[..., Awaitable[T]]:
    """A dependency answering `find(request, session)`, a read of the request's store that a vendor makes on every
    request (its caller): on the event loop for SQLite, a hop to the threadpool saved, in the threadpool otherwise
    (core/inline.py `for_store`)."""

    async def read(request: Request, session: SessionDep) -> T:
        return await for_store(session, find, request, session)

    read.__name__ = read.__qualname__ = find.__name__
    return read


class TableModel(SQLModel):
    """The base of every table model of crowdmock's. Pydantic builds a model's validator and serializer when the
    model is first validated or dumped rather than when its class is made: a table model is mostly built from rows,
    and the 70 tables' validators were 1.1 MB that a server used for one vendor never needs (docs/performance.md)."""

    model_config = ConfigDict(defer_build=True)


def json_field(default=None) -> Any:
    """A SQLModel field stored as a JSON column (lists and objects of the vendors' payloads)."""
    return Field(default=default, sa_column=Column(JSON))
