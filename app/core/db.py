"""SQLModel engine (SQLite, WAL for files) and the session dependency."""

import contextlib
import os
import tempfile
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import JSON, Column, event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Field, Session, create_engine

# Private (`sqlite://`) databases and what deletes their file: at close_engine, at garbage collection or at exit.
_PRIVATE: "weakref.WeakKeyDictionary[Engine, weakref.finalize]" = weakref.WeakKeyDictionary()


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
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
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    if private:
        _PRIVATE[engine] = weakref.finalize(engine, remove_database, path)
    return engine


def close_engine(engine: Engine) -> None:
    """Close every connection (SQLite checkpoints the WAL on the last close); a private database is deleted."""
    engine.dispose()
    cleanup = _PRIVATE.pop(engine, None)
    if cleanup is not None:
        cleanup()


def remove_database(path: str) -> None:
    """Delete a SQLite file with its WAL and shared-memory files."""
    for name in (path, path + "-wal", path + "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(name)


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.store.engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def json_field(default=None) -> Any:
    """A SQLModel field stored as a JSON column (lists and objects of the vendors' payloads)."""
    return Field(default=default, sa_column=Column(JSON))
