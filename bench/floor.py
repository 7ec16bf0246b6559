"""The stack's floor (bench/run.py): the ceiling's app (bench/ceiling.py) plus what the contract's stack makes every
crowdmock carry, and nothing of crowdmock: SQLModel imported, an engine on a SQLite file in WAL mode with
synchronous=NORMAL (as app/core/db.py sets them) and one table. Its cold start and RSS are what no crowdmock can go
below; its POSTs insert the ceiling's validated item as one row, through a SQLModel session (`/orm`) and through the
sqlite3 module (`/raw`), and answer it as the ceiling's echo does.

    CEILING_BODIES=bodies.json FLOOR_DATABASE=/tmp/floor.sqlite3 uvicorn bench.floor:app
"""

import os
import sqlite3
import threading

from sqlalchemy import event
from sqlmodel import Field, Session, SQLModel, create_engine

from bench.ceiling import Item, app

DATABASE = os.environ["FLOOR_DATABASE"]

engine = create_engine(f"sqlite:///{DATABASE}", connect_args={"check_same_thread": False})


@event.listens_for(engine, "connect")
def _pragmas(dbapi_conn, _record):
    dbapi_conn.execute("PRAGMA journal_mode=WAL")
    dbapi_conn.execute("PRAGMA synchronous=NORMAL")


class FloorItem(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str
    content: str
    n: int = 0


SQLModel.metadata.create_all(engine)
_local = threading.local()  # one sqlite3 connection per worker thread


def _connection() -> sqlite3.Connection:
    if getattr(_local, "connection", None) is None:
        _local.connection = sqlite3.connect(DATABASE, isolation_level=None)
        _local.connection.execute("PRAGMA synchronous=NORMAL")
    return _local.connection


@app.post("/orm", status_code=201)
def insert_with_the_orm(item: Item) -> Item:
    with Session(engine, expire_on_commit=False) as session:
        session.add(FloorItem(title=item.title, content=item.content, n=item.n))
        session.commit()
    return item


@app.post("/raw", status_code=201)
def insert_with_sqlite3(item: Item) -> Item:
    connection = _connection()
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("INSERT INTO flooritem (title, content, n) VALUES (?, ?, ?)", (item.title, item.content, item.n))
    connection.execute("COMMIT")
    return item
