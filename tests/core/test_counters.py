"""Row counts kept by the database (core/counters.py): after every kind of write (routes, raw SQL, a reset, a
snapshot, a tenant's copy, an upgrade from code without them) each count table holds exactly what a GROUP BY of its
source table says. On the test run's backend."""

import pytest
from sqlalchemy import func, select, text

from crowdmock.core import counters
from crowdmock.core.db import make_engine
from crowdmock.core.store import Store
from crowdmock.settings import Settings
from crowdmock.vendors import VENDORS
from crowdmock.vendors.ideascale import models as ideascale_models  # noqa: F401  (their counts register on import)
from crowdmock.vendors.ushahidi import models as ushahidi_models  # noqa: F401
from tests.credentials import admin_headers

IDEASCALE = "/ideascale/a/rest/v1"
USHAHIDI = "/ushahidi/api/v3"


def kept(engine) -> dict[str, list[tuple]]:
    """Each count table's rows whose count is not 0 (a key whose rows all went keeps a 0)."""
    with engine.connect() as conn:
        return {
            count.table.name: sorted(
                tuple(row) for row in conn.execute(count.table.select().where(count.table.c.n != 0)).all()
            )
            for count in counters.COUNTS
        }


def counted(engine) -> dict[str, list[tuple]]:
    """The same, counted from the source tables now (Core statements: a tenant's engine reads its own schema)."""
    with engine.connect() as conn:
        out = {}
        for count in counters.COUNTS:
            keys = [count.source.c[c] for c in count.columns]
            query = select(*keys, func.count()).where(*(k.is_not(None) for k in keys)).group_by(*keys)
            out[count.table.name] = sorted(tuple(row) for row in conn.execute(query).all())
        return out


def assert_counts_right(engine) -> None:
    assert kept(engine) == counted(engine)


def test_every_count_is_kept_for_both_vendors_that_answer_with_them():
    names = {count.table.name for count in counters.COUNTS}
    assert names == {
        "ideascale_count_idea_author",
        "ideascale_count_idea_campaign",
        "ideascale_count_comment_author",
        "ideascale_count_vote_member",
        "ushahidi_count_post_status_type",
    }


def test_counts_follow_the_routes_writes_and_a_reset(app, client):
    engine = app.state.store.engine
    before = kept(engine)
    assert before["ideascale_count_idea_author"] and before["ushahidi_count_post_status_type"]
    assert_counts_right(engine)

    ideascale = admin_headers(client.post, "ideascale")
    made = client.post(f"{IDEASCALE}/ideas/352809/comment", headers=ideascale, json={"text": "Counted"})
    assert made.status_code == 200, made.text
    assert client.post(f"{IDEASCALE}/ideas/352809/vote/up", headers=ideascale).status_code in (200, 201)
    other = client.post(f"{IDEASCALE}/ideas/352809/comment", headers=ideascale, json={"text": "Gone"}).json()
    assert client.delete(f"{IDEASCALE}/comments/{other['id']}/delete", headers=ideascale).status_code == 200
    ushahidi = admin_headers(client.post, "ushahidi")
    post = client.post(
        f"{USHAHIDI}/posts", headers=ushahidi, json={"title": "Counted", "content": "x", "form": {"id": 1}}
    )
    assert post.status_code == 200, post.text
    moved = client.put(f"{USHAHIDI}/posts/{post.json()['id']}", headers=ushahidi, json={"status": "archived"})
    assert moved.status_code == 200, moved.text
    after = kept(engine)
    assert after != before
    assert_counts_right(engine)

    assert client.post("/__admin/reset").status_code == 200
    assert kept(engine) == before
    assert_counts_right(engine)


def test_counts_follow_a_clients_own_sql(app):
    engine = app.state.store.engine
    with engine.begin() as conn:
        conn.execute(text("UPDATE ushahidi_post SET status = 'draft' WHERE status = 'published'"))
        conn.execute(
            text("UPDATE ideascale_idea SET author_id = 2 WHERE id IN (SELECT id FROM ideascale_idea LIMIT 3)")
        )
        conn.execute(text("DELETE FROM ideascale_vote WHERE id IN (SELECT id FROM ideascale_vote LIMIT 2)"))
    assert (
        dict(((s, t), n) for s, t, n in kept(engine)["ushahidi_count_post_status_type"]).get(("published", "report"))
        is None
    )
    assert_counts_right(engine)


def test_counts_survive_a_snapshot_load(app, client):
    snapshot = client.get("/__admin/snapshot", params={"vendor": "ideascale"}).json()
    ideascale = admin_headers(client.post, "ideascale")
    assert client.post(f"{IDEASCALE}/ideas/352809/comment", headers=ideascale, json={"text": "Gone"}).status_code == 200
    assert client.post("/__admin/snapshot", json=snapshot).status_code == 200
    assert_counts_right(app.state.store.engine)


def test_a_new_tenant_has_its_own_right_counts(app, client):
    assert client.post("/__admin/tenants", json={"name": "counted"}).status_code in (200, 201)
    headers = admin_headers(lambda path, **kw: client.post("/t/counted" + path, **kw), "ideascale")
    made = client.post(f"/t/counted{IDEASCALE}/ideas/352809/comment", headers=headers, json={"text": "Tenant"})
    assert made.status_code == 200, made.text
    tenant = app.state.tenants.find("counted")
    assert_counts_right(tenant.store.engine)
    assert kept(tenant.store.engine) != kept(app.state.store.engine)
    assert_counts_right(app.state.store.engine)


@pytest.mark.skipif(
    __import__("tests.conftest", fromlist=["BACKEND"]).BACKEND != "sqlite", reason="a file of older code: SQLite"
)
def test_a_database_of_code_without_counts_gains_them_counted(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    settings = Settings(database_url=url)
    store = Store(make_engine(url), VENDORS, settings.fixtures_dir)
    store.start()
    engine = store.engine
    expected = counted(engine)
    with engine.begin() as conn:  # what code before the counts left: no count tables, no triggers, another digest
        for count in counters.COUNTS:
            for trigger in ("insert", "delete", "update"):
                conn.execute(text(f'DROP TRIGGER "{count.table.name}_{trigger}"'))
            conn.execute(text(f'DROP TABLE "{count.table.name}"'))
        conn.execute(text("UPDATE crowdmock_schema_state SET code = 'older'"))
        conn.execute(text("DELETE FROM ideascale_comment WHERE id IN (SELECT id FROM ideascale_comment LIMIT 1)"))
    store.release()
    restarted = Store(make_engine(url), VENDORS, settings.fixtures_dir)
    restarted.start()
    assert kept(restarted.engine) != expected  # one comment fewer than when the counts went
    assert_counts_right(restarted.engine)
    with restarted.engine.begin() as conn:  # and its triggers count again
        conn.execute(text("DELETE FROM ushahidi_post WHERE id = 8328"))
    assert_counts_right(restarted.engine)


def test_a_snapshot_that_does_not_fit_leaves_the_counts_and_their_triggers(app, client):
    """A bulk load drops the triggers for its while; when it fails, the rollback brings them back."""
    snapshot = client.get("/__admin/snapshot", params={"vendor": "ideascale"}).json()
    comments = snapshot["vendors"]["ideascale"]["ideascale_comment"]
    comments.append(dict(comments[0]))  # the same primary key twice
    before = kept(app.state.store.engine)
    refused = client.post("/__admin/snapshot", json=snapshot)
    assert refused.status_code == 422 and "do not fit" in refused.text, refused.text
    assert kept(app.state.store.engine) == before
    ideascale = admin_headers(client.post, "ideascale")
    assert (
        client.post(f"{IDEASCALE}/ideas/352809/comment", headers=ideascale, json={"text": "Still"}).status_code == 200
    )
    assert kept(app.state.store.engine) != before
    assert_counts_right(app.state.store.engine)


@pytest.mark.skipif(
    __import__("tests.conftest", fromlist=["BACKEND"]).BACKEND != "postgresql", reason="table locks: PostgreSQL"
)
def test_a_reset_does_not_wait_for_readers_of_the_counted_tables(app):
    """Turning the triggers off takes a lock that readers do not hold up (dropping them would wait for every open
    read of the table, and deadlock with one that goes on to read another counted table)."""
    import threading

    store = app.state.store
    done: list = []
    with store.engine.connect() as reader:
        reader.execute(text("SELECT count(*) FROM ideascale_comment")).one()  # a read transaction left open
        resetting = threading.Thread(target=lambda: done.append(store.reset("ideascale")), daemon=True)
        resetting.start()
        resetting.join(timeout=20)
        finished = done == [["ideascale"]]
        reader.execute(text("SELECT count(*) FROM ideascale_idea")).one()
        reader.rollback()  # lets a reset that waited go on
    resetting.join(timeout=20)
    assert finished, "the reset waited for a reader"
    assert_counts_right(store.engine)
