"""Replicas: separate `crowdmock serve` processes on one PostgreSQL database behave as one crowdmock (the same data,
journal, counts, fault rules and tokens), and concurrent writers through both lose nothing. A real server
(tests/postgres.py), real processes, real sockets."""

import concurrent.futures
import itertools

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.credentials import admin_headers
from tests.reliability import workload

CONFIG = "/ushahidi/api/v3/config"
LOGIN = {"username": "batman", "password": "imB@tman789Kittycat$"}


@pytest.fixture(scope="module")
def replicas(postgres_server):
    url = postgres_server.new_database()
    started = [workload.start_server(url) for _ in range(2)]
    yield [base for _, base in started]
    for process, _ in started:
        process.terminate()
        _, errors = process.communicate(timeout=30)
        assert "Traceback" not in errors, errors[-2000:]


def _get(url: str) -> int:
    with httpx.Client(timeout=30) as client:
        return client.get(url).status_code


def test_a_fault_fires_exactly_times_times_across_replicas(replicas):
    one, two = replicas
    httpx.post(f"{one}/__admin/reset")
    spec = {"vendor": "ushahidi", "path": "/api/v3/config", "status": 503, "times": 5}
    assert httpx.post(f"{one}/__admin/faults", json=spec).status_code == 201
    urls = [base + CONFIG for base in itertools.islice(itertools.cycle(replicas), 30)]
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        statuses = list(pool.map(_get, urls))
    assert statuses.count(503) == 5 and statuses.count(200) == 25
    assert httpx.get(f"{two}/__admin/faults").json() == {"faults": []}


def test_every_replica_counts_every_request(replicas):
    one, two = replicas
    httpx.post(f"{two}/__admin/reset")
    urls = [base + CONFIG for base in itertools.islice(itertools.cycle(replicas), 200)]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        assert set(pool.map(_get, urls)) == {200}
    for base in replicas:
        counted = httpx.post(f"{base}/__admin/requests/count", json={"vendor": "ushahidi", "path": CONFIG})
        assert counted.json() == {"count": 200}


def test_a_write_and_a_reset_through_one_are_seen_through_the_other(replicas):
    one, two = replicas
    httpx.post(f"{one}/__admin/reset")
    headers = admin_headers(httpx.Client(base_url=one).post, "ushahidi")  # minted through one, used on two
    assert httpx.put(f"{two}/ushahidi/api/v3/tags/1", json={"tag": "Renamed"}, headers=headers).status_code == 200
    assert httpx.get(f"{one}/ushahidi/api/v3/tags/1").json()["tag"] == "Renamed"
    assert httpx.post(f"{one}/__admin/reset").status_code == 200
    assert httpx.get(f"{two}/ushahidi/api/v3/tags/1").json()["tag"] == "Emergency"


def test_concurrent_writers_through_both_replicas_lose_nothing(replicas):
    """Every vendor's writes through both replicas at once: each acknowledged write is there, read back through the
    other replica, and IdeaScale's comment count (a read-modify-write the writers' lock keeps whole) is exact."""
    one, two = replicas
    httpx.post(f"{one}/__admin/reset")
    creds = workload.credentials(one)
    before = workload.comment_count(one, creds)
    halves = [workload.Outcome(), workload.Outcome()]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda i: workload.run(replicas[i], 10, 4, creds, halves[i], first=100 * i), range(2)))
    for mine, other in ((halves[0], two), (halves[1], one)):
        assert {status for _, status in mine.statuses} <= {200, 201}, mine.statuses
        for vendor, idents in mine.created.items():
            assert len(idents) == 10
            assert {workload.find(other, creds, vendor, ident) for ident in idents} == {200}
    assert workload.comment_count(two, creds) == before + 20


def test_a_killed_replica_loses_no_acknowledged_write(postgres_server):
    """SIGKILL in the middle of a write load: every write it acknowledged is there when a replica starts again, and
    no write was half applied (IdeaScale's comment count agrees with its comments)."""
    url = postgres_server.new_database()
    acknowledged = workload.kill_mid_load(url, 60)
    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(text(f"SELECT comment_count FROM ideascale_idea WHERE id = {workload.IDEA}")).scalar()
        rows = conn.execute(text(f"SELECT COUNT(*) FROM ideascale_comment WHERE idea_id = {workload.IDEA}")).scalar()
    engine.dispose()
    assert count == rows >= workload.IDEA_COMMENTS + len(acknowledged["ideascale"])
    workload.assert_readable(url, acknowledged)


def _fresh_login(base: str) -> tuple[int, str]:
    with httpx.Client(timeout=30) as client:
        answer = client.post(f"{base}/dosomething/api/v1/auth/login", json=LOGIN)
        return answer.status_code, answer.json()["sessid"] if answer.status_code == 200 else answer.text


def test_deterministic_replicas_draw_no_id_twice(postgres_server):
    url = postgres_server.new_database()
    started = [workload.start_server(url, deterministic="true") for _ in range(2)]
    try:
        bases = [base for _, base in started]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(_fresh_login, itertools.islice(itertools.cycle(bases), 30)))
    finally:
        for process, _ in started:
            process.terminate()
            process.wait(30)
    assert {status for status, _ in answers} == {200}, answers
    assert len({sessid for _, sessid in answers}) == 30


def test_the_dashboard_and_admin_docs_are_served_by_every_replica(replicas):
    for base in replicas:
        page = httpx.get(f"{base}/")
        assert page.status_code == 200 and "crowdmock" in page.text
        assert httpx.get(f"{base}/__admin/static/dashboard/dashboard.js").status_code == 200
        vendors = httpx.get(f"{base}/__admin/vendors").json()["vendors"]
        assert [v["name"] for v in vendors] == ["crowdskout", "crowdynews", "dosomething", "ideascale", "ushahidi"]


def _rows(store, vendor: str) -> dict:
    with store.engine.connect() as conn:
        return {t.name: sorted(map(tuple, conn.execute(t.select()))) for t in store.vendor_tables(vendor)}


def _open(url: str, **settings):
    from crowdmock.main import open_store
    from crowdmock.settings import Settings

    store = open_store(Settings(database_url=url, seed_cache="off", **settings))
    store.start()
    return store


def test_reset_copies_the_pristine_schema_back_exactly(postgres_server):
    """A reset copies every table from the seeded schema made at the first reset; the result equals a fresh seed
    table by table, other vendors are untouched, and new rows get ids after the copied ones."""
    store, fresh = _open(postgres_server.new_database()), _open(postgres_server.seeded_database())
    try:
        with store.writer.begin() as conn:
            for vendor in ("ushahidi", "ideascale"):
                for table in reversed(store.vendor_tables(vendor)):
                    conn.execute(table.delete())
        store.reset("ushahidi")
        assert _rows(store, "ushahidi") == _rows(fresh, "ushahidi")
        assert all(rows == [] for rows in _rows(store, "ideascale").values())
        store.reset()
        for vendor in ("crowdskout", "dosomething", "ideascale", "ushahidi"):
            assert _rows(store, vendor) == _rows(fresh, vendor)
        with store.writer.begin() as conn:
            added = conn.execute(
                text(
                    "INSERT INTO ushahidi_tag (tag, slug, type, priority, icon, created) "
                    "VALUES ('New', 'new', 'category', 0, 'tag', 0) RETURNING id"
                )
            ).scalar()
        assert added == 1 + max(row[0] for row in _rows(fresh, "ushahidi")["ushahidi_tag"])
    finally:
        store.close()
        fresh.close()


def test_a_store_seeded_from_other_fixtures_resets_to_them(postgres_server, tmp_path):
    """The pristine schema is named by the seed it holds: a store with other fixtures remakes it, and each store's
    reset brings back its own seed."""
    folder = tmp_path / "mine" / "ideascale"
    folder.mkdir(parents=True)
    (folder / "campaign_groups.json").write_text('[{"id": 1, "name": "Renamed"}]')
    url = postgres_server.new_database()
    defaults = _open(url)
    defaults.reset()
    mine = _open(url, fixtures=str(tmp_path / "mine"))
    group = text("SELECT name FROM ideascale_campaign_group WHERE id = 1")
    try:
        with mine.writer.begin() as conn:
            conn.execute(text("UPDATE ideascale_campaign_group SET name = 'Changed' WHERE id = 1"))
        mine.reset("ideascale")
        with mine.engine.connect() as conn:
            assert conn.execute(group).scalar() == "Renamed"
    finally:
        defaults.close()
        mine.close()


def test_tenants_are_one_across_replicas_and_apart_from_each_other(replicas):
    """A tenant is a schema of its own: made through one replica, written through the other, faulted and counted
    across both, invisible from another tenant and from default, and gone for both once deleted."""
    first, second = (httpx.Client(base_url=base, timeout=60) for base in replicas)
    tag = "/ushahidi/api/v3/tags/1"
    with first, second:
        assert first.post("/__admin/tenants", json={"name": "pg-a"}).status_code == 201
        headers = admin_headers(lambda path, **kw: second.post("/t/pg-a" + path, **kw), "ushahidi")
        assert second.put(f"/t/pg-a{tag}", json={"tag": "Renamed"}, headers=headers).status_code == 200
        assert first.get(f"/t/pg-a{tag}").json()["tag"] == "Renamed"
        assert first.get(f"/t/pg-b{tag}").json()["tag"] == "Emergency"
        assert second.get(tag).json()["tag"] == "Emergency"
        assert first.get("/t/pg-b/ushahidi/api/v3/users/me", headers=headers).status_code == 401
        rule = {"vendor": "ushahidi", "path": "/api/v3/tags/1", "status": 503, "times": 2}
        assert second.post("/t/pg-a/__admin/faults", json=rule).status_code == 201
        statuses = [(first, second)[i % 2].get(f"/t/pg-a{tag}").status_code for i in range(4)]
        assert sorted(statuses) == [200, 200, 503, 503]
        assert first.get(f"/t/pg-b{tag}").status_code == 200
        matcher = {"vendor": "ushahidi", "path": "/api/v3/tags/1", "method": "GET"}
        assert second.post("/t/pg-a/__admin/requests/count", json=matcher).json() == {"count": 5}
        assert first.post("/t/pg-b/__admin/requests/count", json=matcher).json() == {"count": 2}
        assert second.delete("/__admin/tenants/pg-a").json() == {"status": "ok", "deleted": "pg-a"}
        assert first.get(f"/t/pg-a{tag}").json()["tag"] == "Emergency"


def test_a_tenant_seeded_from_other_fixtures_leaves_every_other_seed_alone(postgres_server, tmp_path):
    """Each seed has its own pristine schema: resetting a tenant made from a folder of fixtures never changes what
    the default tenant's resets, or new tenants, copy."""
    from fastapi.testclient import TestClient

    from crowdmock.main import create_app
    from crowdmock.settings import Settings

    folder = tmp_path / "mine" / "ideascale"
    folder.mkdir(parents=True)
    (folder / "campaign_groups.json").write_text('[{"id": 1, "name": "Renamed"}]')
    groups = "/ideascale/a/rest/v1/campaigns/groups"
    with TestClient(create_app(Settings(database_url=postgres_server.seeded_database()))) as client:

        def group_one(tenant: str) -> str:
            headers = admin_headers(lambda path, **kw: client.post(tenant + path, **kw), "ideascale")
            return next(g["name"] for g in client.get(tenant + groups, headers=headers).json() if g["id"] == 1)

        seeded = group_one("")
        assert (
            client.post("/__admin/tenants", json={"name": "mine", "fixtures": str(tmp_path / "mine")}).status_code
            == 201
        )
        assert client.post("/t/mine/__admin/reset").status_code == 200
        assert group_one("/t/mine") == "Renamed"
        assert client.post("/__admin/reset").status_code == 200
        assert group_one("") == seeded != "Renamed"
        assert group_one("/t/fresh") == seeded
        assert client.post("/t/mine/__admin/reset").status_code == 200
        assert group_one("/t/mine") == "Renamed"
