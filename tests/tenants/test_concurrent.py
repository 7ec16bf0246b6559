"""Tenants under concurrent load: `crowdmock serve --workers 2` on one SQLite file, three tenants each written to by
several threads at once over every vendor. Each tenant gets all its own writes, counts exactly its own requests,
and none of another's (IdeaScale's comment count, a read-modify-write, is exact per tenant)."""

import concurrent.futures

import httpx

from tests.reliability import workload

WRITES = 5  # per vendor and tenant


def test_three_tenants_written_at_once_through_two_workers_stay_exact(tmp_path):
    process, base = workload.start_server(f"sqlite:///{tmp_path / 'tenants.sqlite3'}", workers=2)
    try:
        bases = {name: f"{base}/t/{name}" for name in ("load-a", "load-b", "load-c")}
        creds = {name: workload.credentials(url) for name, url in bases.items()}
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            runs = {name: pool.submit(workload.run, url, WRITES, 4, creds[name]) for name, url in bases.items()}
            outcomes = {name: run.result() for name, run in runs.items()}
        for name, url in bases.items():
            outcome = outcomes[name]
            assert {status for _, status in outcome.statuses} <= {200, 201}, outcome.statuses
            assert set(outcome.reads) == {200}
            assert {v: len(ids) for v, ids in outcome.created.items()} == {v: WRITES for v in outcome.created}
            assert workload.comment_count(url, creds[name]) == workload.IDEA_COMMENTS + WRITES
            posts = httpx.post(f"{url}/__admin/requests/count", json={"method": "POST"}).json()["count"]
            assert posts == WRITES * len(outcome.created)
        # The default tenant saw none of it.
        assert httpx.post(f"{base}/__admin/requests/count", json={"method": "POST"}).json() == {"count": 0}
        assert workload.comment_count(base, workload.credentials(base)) == workload.IDEA_COMMENTS
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=30)
    assert "Traceback" not in errors, errors[-2000:]
