"""New databases copy a seeded template from the seed cache instead of seeding (app/core/seedcache.py)."""

import json
import os
import sqlite3
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from crowdmock.core import clock
from crowdmock.main import create_app, open_store
from crowdmock.settings import Settings, default_fixtures
from tests.credentials import admin_headers

TAG = json.loads((default_fixtures() / "ushahidi" / "tags.json").read_text())[0]
VENDORS = ("crowdskout", "crowdynews", "dosomething", "ideascale", "ushahidi")


def _settings(tmp_path, name: str, **extra) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / name}", seed_cache=tmp_path / "cache", **extra)


def _templates(tmp_path) -> list:
    return sorted((tmp_path / "cache").glob("seed-*.sqlite3"))


def _dump(path, skip=("crowdmock_secret", "crowdmock_seed_state", "crowdynews_content")) -> dict:
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {n: sorted(conn.execute(f'SELECT * FROM "{n}"').fetchall()) for n in names if n not in skip}


def test_the_first_new_database_leaves_a_template_without_secrets_and_the_next_copies_it(tmp_path):
    first = open_store(_settings(tmp_path, "a.sqlite3"))
    first.start()
    [template] = _templates(tmp_path)
    with sqlite3.connect(template) as conn:
        assert conn.execute("SELECT count(*) FROM crowdmock_secret").fetchone() == (0,)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    second = open_store(_settings(tmp_path, "b.sqlite3"))
    second.start()
    assert _templates(tmp_path) == [template]
    assert _dump(tmp_path / "b.sqlite3") == _dump(tmp_path / "a.sqlite3")
    assert _dump(tmp_path / "b.sqlite3")["ushahidi_post"]  # seeded rows, not an empty copy
    assert second.token_secret and second.token_secret != first.token_secret  # each database its own
    assert set(second.seeded_vendors()) == set(VENDORS)


def test_a_copy_runs_the_after_seed_hooks_so_fixture_items_are_dated_to_its_own_start(tmp_path):
    open_store(_settings(tmp_path, "a.sqlite3")).start()
    later = datetime(2031, 5, 1, tzinfo=UTC).timestamp()
    store = open_store(_settings(tmp_path, "b.sqlite3"))
    with clock.using(clock.Clock(True, datetime.fromtimestamp(later, UTC))):
        store.start()
    with sqlite3.connect(tmp_path / "b.sqlite3") as conn:
        dated = conn.execute("SELECT date + age FROM crowdynews_content WHERE age IS NOT NULL").fetchall()
    assert dated and {round(d) for (d,) in dated} == {round(later)}
    assert all(at == later for at in store.seeded_vendors().values())


def test_an_existing_database_is_never_replaced_by_a_template(tmp_path):
    settings = _settings(tmp_path, "a.sqlite3")
    with TestClient(create_app(settings)) as client:
        headers = client.post("/__admin/tokens", json={"vendor": "ushahidi"}).json()["headers"]
        created = client.post(
            "/ushahidi/api/v3/posts", json={"title": "Kept", "content": "x", "form": {"id": 1}}, headers=headers
        )
        assert created.status_code == 200
    with TestClient(create_app(settings)) as client:
        assert client.get(f"/ushahidi/api/v3/posts/{created.json()['id']}", headers=headers).json()["title"] == "Kept"


def test_other_fixtures_make_another_template(tmp_path):
    open_store(_settings(tmp_path, "a.sqlite3")).start()
    mine = tmp_path / "mine" / "ushahidi"
    mine.mkdir(parents=True)
    (mine / "tags.json").write_text(json.dumps([{**TAG, "id": 9001, "tag": "Mine", "slug": "mine"}]))
    settings = _settings(tmp_path, "b.sqlite3", fixtures=tmp_path / "mine")
    open_store(settings).start()
    assert len(_templates(tmp_path)) == 2
    open_store(_settings(tmp_path, "c.sqlite3", fixtures=tmp_path / "mine")).start()
    with sqlite3.connect(tmp_path / "c.sqlite3") as conn:
        assert conn.execute("SELECT tag FROM ushahidi_tag WHERE id = 9001").fetchone() == ("Mine",)
    assert _dump(tmp_path / "c.sqlite3") == _dump(tmp_path / "b.sqlite3")


def test_an_unusable_cache_folder_only_means_seeding(tmp_path):
    (tmp_path / "cache").write_text("a file, not a folder")
    store = open_store(_settings(tmp_path, "a.sqlite3"))
    store.start()
    assert set(store.seeded_vendors()) == set(VENDORS)
    off = open_store(Settings(database_url=f"sqlite:///{tmp_path / 'b.sqlite3'}", seed_cache="off"))
    assert off.seed_cache is None
    off.start()
    assert _dump(tmp_path / "b.sqlite3") == _dump(tmp_path / "a.sqlite3")


def test_reset_after_a_copy_restores_the_seed(tmp_path):
    open_store(_settings(tmp_path, "a.sqlite3")).start()
    with TestClient(create_app(_settings(tmp_path, "b.sqlite3"))) as client:
        before = _dump(tmp_path / "b.sqlite3")
        headers = admin_headers(client.post, "ushahidi")
        assert client.delete("/ushahidi/api/v3/posts/8328", headers=headers).status_code == 200
        assert client.post("/__admin/reset").status_code == 200
        assert client.get("/ushahidi/api/v3/posts/8328", headers=headers).status_code == 200
    assert _dump(tmp_path / "b.sqlite3") == before


def test_a_stale_wal_beside_a_new_database_is_not_joined_to_a_copy(tmp_path):
    open_store(_settings(tmp_path, "a.sqlite3")).start()
    (tmp_path / "b.sqlite3-wal").write_bytes(b"")
    store = open_store(_settings(tmp_path, "b.sqlite3"))
    assert store.seed_cache.copy_into(store._seed_key(), tmp_path / "b.sqlite3", False) is False
    assert not os.path.exists(tmp_path / "b.sqlite3")
