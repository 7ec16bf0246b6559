"""Start-up does little: vendor apps are built on their first request, and what they make is kept out of the
garbage collector's scans like the rest of start-up when gc_freeze is on."""

import gc
import os
import subprocess
import sys

from fastapi.testclient import TestClient

from crowdmock.main import LazyApp, create_app
from crowdmock.settings import Settings


def test_a_vendor_app_is_built_on_its_first_request_only():
    app = create_app(Settings(database_url="sqlite://"))

    def built() -> set[str]:
        return {
            m.path.strip("/") for m in app.router.routes if isinstance(getattr(m, "app", None), LazyApp) and m.app._app
        }

    with TestClient(app) as client:
        assert built() == set()
        assert client.get("/ushahidi/api/v3/config").status_code == 200
        assert built() == {"ushahidi"}
        assert client.get("/ideascale/a/rest/v1/ideas/0/1").status_code == 400  # IdeaScale wants its api_token
        assert built() == {"ushahidi", "ideascale"}


def test_with_gc_freeze_a_vendor_app_built_later_is_frozen_too():
    app = create_app(Settings(database_url="sqlite://", gc_freeze=True))
    try:
        with TestClient(app) as client:
            after_start = gc.get_freeze_count()
            assert after_start > 0
            assert client.get("/ushahidi/api/v3/config").status_code == 200
            assert gc.get_freeze_count() > after_start
    finally:
        gc.unfreeze()


LOADED_MODELS = """
import sys
from fastapi.testclient import TestClient
from crowdmock.main import create_app
from crowdmock.settings import Settings

def loaded():
    return sorted(m.split(".")[2] for m in sys.modules if m.startswith("crowdmock.vendors.") and m.endswith(".models"))

app = create_app(Settings(database_url="sqlite:///" + sys.argv[1]))
print(loaded())
with TestClient(app) as client:
    assert client.get("/ushahidi/api/v3/config").status_code == 200
    print(loaded())
"""


def test_a_database_copied_from_the_seed_cache_starts_without_the_vendors_models(tmp_path):
    """A vendor's models are imported when it is first used: Crowdynews' dating of its items, which runs at every
    start, names its one table without them, and a database this code has started before is known to have every
    table (core/store.py SchemaState)."""

    def start(name: str) -> list[str]:
        env = {**os.environ, "CROWDMOCK_SEED_CACHE": str(tmp_path / "cache")}
        run = subprocess.run(
            [sys.executable, "-c", LOADED_MODELS, str(tmp_path / name)],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        return run.stdout.splitlines()

    every = str(["crowdskout", "crowdynews", "dosomething", "ideascale", "ushahidi"])
    assert start("seeded.sqlite3") == [every, every]  # the first database is seeded: every vendor's rows
    assert start("copied.sqlite3") == [str([]), str(["ushahidi"])]
    assert start("seeded.sqlite3") == [str([]), str(["ushahidi"])]  # started again: its tables were checked


SERVING_IMPORTS = """
import asyncio, sys
from crowdmock.main import create_app
from crowdmock.settings import Settings

app = create_app(Settings(database_url="sqlite://"))

async def get(path):
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"localhost")], "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    sent = []
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}
    async def send(message):
        sent.append(message)
    await app(scope, receive, send)
    return sent[0]["status"]

async def main():
    for path in ("/crowdskout/v1/profile/1", "/crowdynews/v1/filter/sets", "/dosomething/api/v1/campaigns/362",
                 "/ideascale/a/rest/v1/ideas/0/1", "/ushahidi/api/v3/posts/8328"):
        print(await get(path))
    print(sorted(m for m in ("httpx", "crowdmock.core.tls", "crowdmock.testing", "pydantic.v1") if m in sys.modules))

asyncio.run(main())
"""


def test_serving_every_vendor_imports_no_http_client_and_nothing_of_tls(tmp_path):
    """httpx (with the CLI it brings: ~30 ms and ~5 MB) is imported only to deliver a webhook; TLS only with HTTPS;
    `pydantic.v1` never (FastAPI would import it to ask whether each route's types are its models)."""
    run = subprocess.run(
        [sys.executable, "-c", SERVING_IMPORTS], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["401", "401", "200", "400", "200", "[]"]
