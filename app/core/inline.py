"""Where a vendor's plain `def` routes and dependencies run: on the event loop when the request's store is SQLite,
in FastAPI's threadpool otherwise.

FastAPI hands every sync endpoint and dependency to a worker thread. For SQLite that buys nothing: a statement is
microseconds of CPU under the GIL, and a write waits for the store's write turn (an asyncio lock, core/store.py)
before it begins, so no statement ever waits on another of this process. The hops themselves cost 0.15-0.45 ms of
CPU per request (a thread woken, the GIL passed back and forth, the loop woken), a fifth of a POST's
(docs/performance.md). On PostgreSQL a statement waits on the network, and the threadpool lets other requests run
meanwhile, so there it stays.

`install()` points FastAPI's two call sites at `run_sync`, which runs inline only while a writing request of
crowdmock's holds its store's write turn (core/db.py `get_session` sets ON_LOOP); any other FastAPI app in the
process keeps its threadpool. One call is never worth a thread: FastAPI checks a `def` route's answer against its
return annotation (`-> dict`) in the threadpool too, a pure-CPU copy of the dict taking microseconds.

A vendor's dependency that reads its store on every request (the caller's credentials, core/db.py `store_reader`)
runs that read through `for_store` by the same rule, reads included: SQLite readers wait for no lock, and a pool
checkout there never waits (core/db.py `connection_slots`)."""

import contextvars
from collections.abc import Callable
from typing import TypeVar

import fastapi.dependencies.utils
import fastapi.routing
from fastapi._compat import ModelField
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

T = TypeVar("T")

ON_LOOP: contextvars.ContextVar[bool] = contextvars.ContextVar("crowdmock_sync_on_loop", default=False)


_VALIDATE_ANSWER = ModelField.validate


async def run_sync(func: Callable, *args, **kwargs):
    if ON_LOOP.get() or getattr(func, "__func__", None) is _VALIDATE_ANSWER:
        return func(*args, **kwargs)
    return await run_in_threadpool(func, *args, **kwargs)


def on_loop(engine: Engine) -> bool:
    """Whether sync code working on `engine`'s database runs on the event loop (SQLite) rather than in a thread."""
    return engine.dialect.name == "sqlite"


async def for_store(session: Session, func: Callable[..., T], *args) -> T:
    """`func(*args)`, a read of `session`'s store: on the event loop for SQLite, in the threadpool otherwise."""
    if on_loop(session.get_bind()):
        return func(*args)
    return await run_in_threadpool(func, *args)


def install() -> None:
    """Before any vendor app is built (FastAPI binds the function into a route when it builds it)."""
    fastapi.routing.run_in_threadpool = run_sync
    fastapi.dependencies.utils.run_in_threadpool = run_sync
