"""Many writers at once on every vendor, from threads against one server and against several uvicorn worker
processes on one SQLite file: every write is acknowledged once, nothing is lost or doubled, no "database is
locked" reaches a client, and a read-modify-write (a comment count) ends exactly right."""

import json
import os
import sqlite3
from collections import Counter

from crowdmock.settings import Settings, default_fixtures
from crowdmock.testing import serve
from tests.reliability import workload

WRITES_PER_VENDOR = int(os.environ.get("CROWDMOCK_LOAD_WRITES", "30"))
THREADS = 16


def _check(base: str, outcome: workload.Outcome, creds: dict) -> None:
    assert Counter(outcome.statuses) == {
        (v, 200 if v != "crowdynews" else 201): WRITES_PER_VENDOR for v in workload.VENDORS
    }
    assert outcome.reads == [200] * len(workload.VENDORS) * WRITES_PER_VENDOR
    for vendor, ids in outcome.created.items():
        assert len(set(ids)) == WRITES_PER_VENDOR, vendor  # no id handed out twice
        assert {workload.find(base, creds, vendor, i) for i in ids} == {200}, vendor
    assert workload.comment_count(base, creds) == workload.IDEA_COMMENTS + WRITES_PER_VENDOR


def test_threads_against_one_server(tmp_path):
    with serve(Settings(database_url=f"sqlite:///{tmp_path / 'threads.sqlite3'}")) as base:
        creds = workload.credentials(base)
        outcome = workload.run(base, WRITES_PER_VENDOR, THREADS, creds)
        _check(base, outcome, creds)


def test_worker_processes_on_one_database_file(tmp_path):
    # A new file: the three workers start together, and only one of them may seed it.
    database = tmp_path / "workers.sqlite3"
    process, base = workload.start_server(f"sqlite:///{database}", workers=3)
    try:
        creds = workload.credentials(base)
        outcome = workload.run(base, WRITES_PER_VENDOR, THREADS, creds)
        _check(base, outcome, creds)
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=30)
    assert "Traceback" not in errors and "database is locked" not in errors, errors[-2000:]
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT COUNT(*) FROM ideascale_idea").fetchone() == (300,)  # seeded once, not per worker
        seeded = len(json.loads((default_fixtures() / "ushahidi" / "posts.json").read_text()))
        assert db.execute("SELECT COUNT(*) FROM ushahidi_post").fetchone() == (seeded + WRITES_PER_VENDOR,)
