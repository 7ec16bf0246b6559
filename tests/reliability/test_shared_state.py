"""Shared state (core/shared.py, docs/scaling-out.md): every process on one database sees one journal, one set of
fault rules with their `times`, one set of rate counters and one deterministic draw sequence. Two apps on one file
stand for two processes; `crowdmock serve --workers 3` is the real thing."""

import concurrent.futures

import httpx
import pytest
from fastapi.testclient import TestClient

from crowdmock.main import create_app
from crowdmock.settings import Settings
from tests.reliability import workload

CONFIG = "/ushahidi/api/v3/config"
LOGIN = {"username": "batman", "password": "imB@tman789Kittycat$"}


@pytest.fixture
def two(tmp_path):
    """Two apps sharing one database file and its control tables."""
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    settings = Settings(database_url=url, shared_state=True, ushahidi_register_limit=2, deterministic=True)
    with TestClient(create_app(settings)) as a, TestClient(create_app(settings)) as b:
        yield a, b


def test_a_faults_times_are_used_up_across_processes(two):
    a, b = two
    rule = a.post("/__admin/faults", json={"vendor": "ushahidi", "path": "/api/v3/config", "status": 503, "times": 3})
    assert rule.status_code == 201
    assert [r["id"] for r in b.get("/__admin/faults").json()["faults"]] == [rule.json()["id"]]
    statuses = [(a if i % 2 else b).get(CONFIG).status_code for i in range(8)]
    assert sorted(statuses) == [200] * 5 + [503] * 3
    assert a.get("/__admin/faults").json() == b.get("/__admin/faults").json() == {"faults": []}


def test_every_process_counts_every_request(two):
    a, b = two
    for i in range(10):
        assert (a if i % 3 else b).get(CONFIG).status_code == 200
    matcher = {"vendor": "ushahidi", "path": "/api/v3/config"}
    assert a.post("/__admin/requests/count", json=matcher).json() == {"count": 10}
    assert b.post("/__admin/requests/count", json=matcher).json() == {"count": 10}
    newest = b.get("/__admin/requests", params={"limit": 1}).json()["requests"][0]
    assert (newest["method"], newest["path"], newest["status"]) == ("GET", CONFIG, 200)
    assert newest["headers"]["host"] == "testserver" and newest["response_body"].startswith("{")


def test_a_reset_through_one_clears_the_journal_and_faults_of_all(two):
    a, b = two
    a.get(CONFIG)
    a.post("/__admin/faults", json={"vendor": "ushahidi", "status": 500})
    assert b.post("/__admin/reset").status_code == 200
    assert a.get("/__admin/faults").json() == {"faults": []}
    assert a.post("/__admin/requests/count", json={}).json() == {"count": 0}


def test_rate_counters_are_shared(two):
    a, b = two
    body = {"realname": "R", "email": "r{}@example.com", "password": "testing1234"}
    answers = [
        client.post("/ushahidi/api/v3/register", json={**body, "email": body["email"].format(i)}).status_code
        for i, client in enumerate((a, b, a))
    ]
    assert answers[2] == 429 and 429 not in answers[:2]
    b.post("/__admin/reset")
    assert a.post("/ushahidi/api/v3/register", json={**body, "email": "after@example.com"}).status_code != 429


def _login(client) -> str:
    client.cookies.clear()  # a new session each time
    answer = client.post("/dosomething/api/v1/auth/login", json=LOGIN)
    assert answer.status_code == 200, answer.text
    return answer.json()["sessid"]


def test_deterministic_draws_never_repeat_across_processes(two):
    a, b = two
    assert len({_login(a if i % 2 else b) for i in range(6)}) == 6


def test_deterministic_draws_repeat_after_a_reset(two):
    a, b = two
    first = [_login(a if i % 2 else b) for i in range(3)]
    a.post("/__admin/reset")
    assert [_login(b if i % 2 else a) for i in range(3)] == first


def test_shared_state_needs_a_database_more_than_one_process_can_open():
    with pytest.raises(ValueError, match="sqlite:// is one process's"):
        create_app(Settings(database_url="sqlite://", shared_state=True))


def _fresh_get(url: str) -> int:
    with httpx.Client(timeout=30) as client:  # a new connection: any worker may take it
        return client.get(url).status_code


@pytest.fixture(scope="module")
def workers(tmp_path_factory):
    database = tmp_path_factory.mktemp("workers") / "workers.sqlite3"
    process, base = workload.start_server(f"sqlite:///{database}", workers=3)
    yield base
    process.terminate()
    _, errors = process.communicate(timeout=30)
    assert "Traceback" not in errors, errors[-2000:]


def test_workers_fire_a_fault_exactly_times_times(workers):
    httpx.post(f"{workers}/__admin/reset")
    spec = {"vendor": "ushahidi", "path": "/api/v3/config", "status": 503, "times": 5}
    assert httpx.post(f"{workers}/__admin/faults", json=spec).status_code == 201
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(_fresh_get, [workers + CONFIG] * 40))
    assert statuses.count(503) == 5 and statuses.count(200) == 35


def test_workers_count_every_request_as_soon_as_it_is_answered(workers):
    httpx.post(f"{workers}/__admin/reset")
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(_fresh_get, [workers + CONFIG] * 200))
    assert statuses == [200] * 200
    counted = httpx.post(f"{workers}/__admin/requests/count", json={"vendor": "ushahidi", "path": CONFIG})
    assert counted.json() == {"count": 200}


def test_a_reset_through_one_worker_is_seen_by_the_next_request_to_any(workers):
    httpx.post(f"{workers}/__admin/reset")
    admin = httpx.post(f"{workers}/__admin/tokens", json={"vendor": "ushahidi", "user": "admin@ushahidi.com"})
    headers = admin.json()["headers"]
    assert httpx.put(f"{workers}/ushahidi/api/v3/tags/1", json={"tag": "Renamed"}, headers=headers).status_code == 200
    httpx.post(f"{workers}/__admin/faults", json={"vendor": "ushahidi", "status": 500})
    assert httpx.post(f"{workers}/__admin/reset").status_code == 200
    for _ in range(12):
        with httpx.Client() as client:
            assert client.get(f"{workers}/ushahidi/api/v3/tags/1").json()["tag"] == "Emergency"
    assert httpx.get(f"{workers}/__admin/faults").json() == {"faults": []}


def _fresh_login(base: str) -> tuple[int, str]:
    with httpx.Client(timeout=30) as client:
        answer = client.post(f"{base}/dosomething/api/v1/auth/login", json=LOGIN)
        return answer.status_code, answer.json()["sessid"] if answer.status_code == 200 else answer.text


def test_deterministic_workers_draw_no_id_twice(tmp_path):
    database = tmp_path / "deterministic.sqlite3"
    process, base = workload.start_server(f"sqlite:///{database}", workers=3, deterministic="true")
    try:
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(_fresh_login, [base] * 30))
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=30)
    assert {status for status, _ in answers} == {200}, answers
    assert len({sessid for _, sessid in answers}) == 30
    assert "Traceback" not in errors, errors[-2000:]


def test_ids_of_removed_faults_and_cleared_entries_are_never_reused(two):
    a, b = two
    first = a.post("/__admin/faults", json={"vendor": "ushahidi", "status": 500}).json()["id"]
    assert b.delete(f"/__admin/faults/{first}").status_code in (200, 204)
    assert a.post("/__admin/faults", json={"vendor": "ushahidi", "status": 500}).json()["id"] > first
    a.delete("/__admin/faults")
    a.get(CONFIG)
    last = b.get("/__admin/requests", params={"limit": 1}).json()["requests"][0]["id"]
    b.delete("/__admin/requests")
    a.get(CONFIG)
    assert b.get("/__admin/requests", params={"limit": 1}).json()["requests"][0]["id"] > last


def test_a_dropped_connection_is_recorded_before_the_client_sees_it(workers):
    httpx.post(f"{workers}/__admin/reset")
    spec = {"vendor": "ushahidi", "path": "/api/v3/config", "drop_connection": True, "times": 1}
    rule = httpx.post(f"{workers}/__admin/faults", json=spec).json()
    with pytest.raises(httpx.RemoteProtocolError), httpx.Client() as client:
        client.get(workers + CONFIG)
    with httpx.Client() as client:  # another connection: perhaps another worker
        newest = client.get(f"{workers}/__admin/requests", params={"limit": 1}).json()["requests"][0]
    assert (newest["path"], newest["status"], newest["fault"]) == (CONFIG, None, rule["id"])
