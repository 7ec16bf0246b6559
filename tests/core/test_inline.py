"""Where sync route code runs (app/core/inline.py): a writing request's on the event loop when its store is SQLite,
everything else in FastAPI's threadpool, and other FastAPI apps in the process are left as they were."""

import asyncio
import threading

import httpx
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from pydantic import BaseModel, field_validator
from sqlmodel import text

from crowdmock.core.db import SessionDep
from crowdmock.core.tenancy import TENANT_KEY
from crowdmock.testing import serve


def probe_app(app) -> tuple[FastAPI, object]:
    """A FastAPI app whose routes report the thread their code runs in, served on `app`'s default tenant."""
    probe = FastAPI()

    @probe.get("/loop")
    async def loop_thread() -> dict:
        return {"thread": threading.get_ident()}

    @probe.post("/write")
    def write(db: SessionDep) -> dict:
        db.exec(text("SELECT 1"))
        return {"thread": threading.get_ident()}

    @probe.get("/read")
    def read(db: SessionDep) -> dict:
        return {"thread": threading.get_ident()}

    tenant = app.state.tenants.default

    async def on_the_tenant(scope, receive, send):
        scope[TENANT_KEY] = tenant
        await probe(scope, receive, send)

    return probe, on_the_tenant


def test_a_writing_request_runs_its_sync_code_on_the_event_loop_on_sqlite_only(app, settings):
    _, served = probe_app(app)
    with TestClient(served) as client:
        loop = client.get("/loop").json()["thread"]
        writer = client.post("/write").json()["thread"]
        reader = client.get("/read").json()["thread"]
    on_sqlite = settings.database_url.startswith("sqlite")
    assert (writer == loop) is on_sqlite  # PostgreSQL: a statement waits on the network, so in a worker thread
    assert reader != loop


def test_a_def_routes_answer_is_checked_on_the_event_loop(app):
    """FastAPI checks a `def` route's answer against its return annotation in a worker thread; crowdmock does it
    on the loop (microseconds of CPU, not worth a thread), while the route itself still runs in the threadpool."""
    checked_in = []

    class Answer(BaseModel):
        thread: int

        @field_validator("thread")
        @classmethod
        def note_the_thread(cls, value: int) -> int:
            checked_in.append(threading.get_ident())
            return value

    probe = FastAPI()

    @probe.get("/loop")
    async def loop_thread() -> dict:
        return {"thread": threading.get_ident()}

    @probe.get("/answer")
    def answer() -> Answer:
        return {"thread": threading.get_ident()}

    with TestClient(probe) as client:
        loop = client.get("/loop").json()["thread"]
        route = client.get("/answer").json()["thread"]
    assert route != loop
    assert checked_in == [loop]


def test_other_fastapi_apps_keep_the_threadpool(app):
    mine = FastAPI()

    @mine.post("/sync")
    def sync() -> dict:
        return {"thread": threading.get_ident()}

    @mine.get("/loop")
    async def loop_thread(request: Request) -> dict:
        return {"thread": threading.get_ident()}

    with TestClient(app) as crowdmock, TestClient(mine) as client:
        assert crowdmock.post("/ushahidi/api/v3/posts", json={}).status_code == 401  # a crowdmock write ran
        assert client.post("/sync").json()["thread"] != client.get("/loop").json()["thread"]


def test_two_hundred_requests_at_once_are_all_answered(settings):
    """Reads and writes at once, more than the pool's connections (core/db.py `connection_slots`). They hung for the
    pool's 30 s: on SQLite, code on the event loop waited for a connection only the loop gives back; on PostgreSQL,
    every worker thread waited for a connection whose holder needed a thread to go on."""
    token = {"api_token": "00000000-0000-4000-8000-000000000002"}

    async def burst(base: str) -> list[int]:
        limits = httpx.Limits(max_connections=200)
        async with httpx.AsyncClient(base_url=base, headers=token, timeout=20, limits=limits) as client:
            calls = [
                client.post("/ideascale/a/rest/v1/ideas/352809/comment", json={"text": f"at once {n}"})
                if n % 3 == 0
                else client.get("/ideascale/a/rest/v1/ideas/0/25")
                for n in range(200)
            ]
            return [response.status_code for response in await asyncio.gather(*calls)]

    with serve(settings.model_copy(update={"response_cache": False})) as base:
        assert asyncio.run(burst(base)) == [200] * 200
