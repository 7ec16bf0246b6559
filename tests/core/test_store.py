"""The store: first-start seeding, persistence across restarts, WAL, and reset."""

from sqlalchemy import Table, text
from sqlmodel import Session, SQLModel, select

from crowdmock.core.db import make_engine
from crowdmock.core.seedcache import code_digest
from crowdmock.core.store import Store
from crowdmock.main import create_app
from crowdmock.settings import Settings
from crowdmock.vendors import VENDORS
from crowdmock.vendors.ushahidi.models import Post


def _store(url: str) -> Store:
    settings = Settings(database_url=url)
    store = Store(make_engine(url), VENDORS, settings.fixtures_dir)
    store.start()
    return store


def test_file_database_uses_wal(tmp_path):
    store = _store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_state_persists_across_restarts_and_is_not_reseeded(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    store = _store(url)
    with Session(store.engine) as session:
        session.delete(session.get(Post, 8328))
        session.add(Post(id=50000, title="Kept", created=0))
        session.commit()
    restarted = _store(url)
    with Session(restarted.engine) as session:
        assert session.get(Post, 8328) is None
        assert session.get(Post, 50000).title == "Kept"


def test_a_database_started_by_other_code_gets_the_tables_it_lacks(tmp_path):
    """A start by the code that last checked the tables skips the check (tests/core/test_startup.py); an upgrade's
    first start makes the tables the old code did not have, keeping every row."""
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    store = _store(url)
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE ushahidi_tos"))
        conn.execute(text("UPDATE crowdmock_schema_state SET code = 'older'"))
        conn.execute(text("UPDATE ushahidi_post SET title = 'Kept' WHERE id = 8328"))
    store.release()
    restarted = _store(url)
    with restarted.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM ushahidi_tos")).scalar() == 0
        assert conn.execute(text("SELECT title FROM ushahidi_post WHERE id = 8328")).scalar() == "Kept"
        assert conn.execute(text("SELECT code FROM crowdmock_schema_state")).all() == [(code_digest(),)]


def test_reset_restores_the_seeded_rows(tmp_path):
    store = _store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with Session(store.engine) as session:
        seeded = len(session.exec(select(Post)).all())
        session.delete(session.get(Post, 18100))
        session.add(Post(title="Extra", created=0))
        session.commit()
    assert store.reset("ushahidi") == ["ushahidi"]
    with Session(store.engine) as session:
        assert len(session.exec(select(Post)).all()) == seeded
        assert session.get(Post, 18100).title == "401 edits"


def test_serve_one_vendor_at_the_root():
    from fastapi.testclient import TestClient

    with TestClient(create_app(Settings(database_url="sqlite://", vendor="ushahidi"))) as client:
        body = client.get("/api/v3/posts/8328").json()
        assert body["url"] == "http://testserver/api/v3/posts/8328"
        assert client.get("/__admin/health").status_code == 200


def test_reset_copies_every_table_back_exactly(tmp_path):
    """Resets copy from a seeded database made at the first one; the result equals a fresh seed, table by table,
    and other vendors are untouched."""
    store = _store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    fresh = _store("sqlite://")

    def dump(s: Store, vendor: str) -> dict:
        with s.engine.connect() as conn:
            return {t.name: sorted(map(tuple, conn.execute(t.select()))) for t in s.vendor_tables(vendor)}

    with store.engine.begin() as conn:
        for vendor in ("ushahidi", "ideascale"):
            for table in store.vendor_tables(vendor):
                conn.execute(table.delete())
    store.reset("ushahidi")
    assert dump(store, "ushahidi") == dump(fresh, "ushahidi")
    assert all(rows == [] for rows in dump(store, "ideascale").values())
    store.reset()
    for vendor in ("crowdskout", "dosomething", "ideascale", "ushahidi"):
        assert dump(store, vendor) == dump(fresh, vendor)


def test_an_in_process_app_can_be_started_again():
    """Each TestClient context runs the app's startup and shutdown; a private database outlives a shutdown."""
    from fastapi.testclient import TestClient

    app = create_app(Settings(database_url="sqlite://"))
    for _ in range(2):
        with TestClient(app) as client:
            assert client.get("/ushahidi/api/v3/posts/8328").status_code == 200
            assert client.post("/__admin/reset").status_code == 200


def test_the_token_secret_is_made_per_database_and_never_shown(tmp_path):
    from fastapi.testclient import TestClient

    first = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'a.sqlite3'}"))
    again = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'a.sqlite3'}"))
    other = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'b.sqlite3'}"))
    secret = first.state.settings.token_secret
    assert len(secret) >= 40 and secret == again.state.settings.token_secret  # kept: tokens survive a restart
    assert other.state.settings.token_secret != secret  # no two installs share one
    assert secret not in repr(first.state.settings)
    with TestClient(first) as client:
        token = client.post("/__admin/tokens", json={"vendor": "ushahidi"}).json()["headers"]
        assert secret not in client.get("/__admin/snapshot").text
    with TestClient(again) as client:  # a token issued before the restart still works
        assert client.get("/ushahidi/api/v3/users/me", headers=token).status_code == 200
    fixed = create_app(Settings(database_url="sqlite://", token_secret="mine"))
    assert fixed.state.settings.token_secret == "mine"


def test_a_vendors_tables_are_listed_while_another_table_is_being_made(tmp_path):
    """SQLAlchemy lists a table in the metadata before it has made it (Table._new), so a thread importing one
    vendor's models shows the others a table without a name; a reset in another thread still lists its vendor's
    tables, parents first, as the metadata's own sort would."""
    url = f"sqlite:///{tmp_path / 'half.sqlite3'}"
    store = Store(make_engine(url), VENDORS, Settings(database_url=url).fixtures_dir)  # nothing listed yet
    half = object.__new__(Table)  # as Table._new adds it, before Table.__init__ has run
    SQLModel.metadata._add_table("zzz_being_made", None, half)
    try:
        tables = store.vendor_tables("ushahidi")
    finally:
        SQLModel.metadata._remove_table("zzz_being_made", None)
    assert tables == [t for t in SQLModel.metadata.sorted_tables if t.name.startswith("ushahidi_")]
