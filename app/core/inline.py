"""Where a vendor's plain `def` routes and dependencies run: on the event loop when the request's store is SQLite,
in FastAPI's threadpool otherwise.

FastAPI hands every sync endpoint and dependency to a worker thread. For SQLite that buys nothing: a statement is
microseconds of CPU under the GIL, and a write waits for the store's write turn (an asyncio lock, core/store.py)
before it begins, so no statement ever waits on another of this process. The hops themselves cost 0.15-0.45 ms of
CPU per request (a thread woken, the GIL passed back and forth, the loop woken), a fifth of a POST's
(docs/performance.md). On PostgreSQL a statement waits on the network, and the threadpool lets other requests run
meanwhile, so there it stays.

`install()` points FastAPI's two call sites at `run_sync`, which runs inline only while the tenant layer
(core/tenancy.py) has set ON_LOOP for a request of crowdmock's; any other FastAPI app in the process keeps its
threadpool."""

import contextvars
from collections.abc import Callable

import fastapi.dependencies.utils
import fastapi.routing
from starlette.concurrency import run_in_threadpool

ON_LOOP: contextvars.ContextVar[bool] = contextvars.ContextVar("crowdmock_sync_on_loop", default=False)


async def run_sync(func: Callable, *args, **kwargs):
    if ON_LOOP.get():
        return func(*args, **kwargs)
    return await run_in_threadpool(func, *args, **kwargs)


def install() -> None:
    """Before any vendor app is built (FastAPI binds the function into a route when it builds it)."""
    fastapi.routing.run_in_threadpool = run_sync
    fastapi.dependencies.utils.run_in_threadpool = run_sync
