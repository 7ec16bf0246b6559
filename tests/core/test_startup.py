"""Start-up does little: vendor apps are built on their first request, and what they make is kept out of the
garbage collector's scans like the rest of start-up when gc_freeze is on."""

import gc

from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings


def test_a_vendor_app_is_built_on_its_first_request_only():
    app = create_app(Settings(database_url="sqlite://"))
    store = app.state.store
    with TestClient(app) as client:
        assert store.reset_hooks == {}  # no vendor built yet
        assert client.get("/ushahidi/api/v3/config").status_code == 200
        assert set(store.reset_hooks) == {"ushahidi"}
        assert client.get("/ideascale/a/rest/v1/ideas/0/1").status_code == 400  # IdeaScale wants its api_token
        assert set(store.reset_hooks) == {"ushahidi", "ideascale"}


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
