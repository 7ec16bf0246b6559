"""SIGKILL in the middle of a write load: the database opens again, passes PRAGMA integrity_check, and holds every
write the server acknowledged (WAL with synchronous=NORMAL is durable against a killed process)."""

import sqlite3
import threading
import time

from tests.reliability import workload

ACKNOWLEDGED_BEFORE_KILL = 60


def test_killed_mid_load_keeps_every_acknowledged_write(tmp_path):
    database = tmp_path / "crash.sqlite3"
    process, base = workload.start_server(f"sqlite:///{database}")
    creds = workload.credentials(base)
    outcome, killed = workload.Outcome(), threading.Event()
    load = threading.Thread(target=workload.run, args=(base, 200, 16, creds, outcome, killed.is_set), daemon=True)
    load.start()
    deadline = time.monotonic() + 120
    while len(outcome.statuses) < ACKNOWLEDGED_BEFORE_KILL and time.monotonic() < deadline:
        time.sleep(0.01)
    process.kill()  # SIGKILL: no shutdown, no checkpoint
    process.wait(10)
    killed.set()
    load.join(120)
    acknowledged = {vendor: list(ids) for vendor, ids in outcome.created.items()}
    assert sum(map(len, acknowledged.values())) >= ACKNOWLEDGED_BEFORE_KILL
    assert all(status < 300 for _, status in outcome.statuses)

    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        # The comment count kept with the idea agrees with its comments: no write was half applied.
        (count,) = db.execute("SELECT comment_count FROM ideascale_idea WHERE id = ?", (workload.IDEA,)).fetchone()
        (rows,) = db.execute("SELECT COUNT(*) FROM ideascale_comment WHERE idea_id = ?", (workload.IDEA,)).fetchone()
        assert count == rows >= workload.IDEA_COMMENTS + len(acknowledged["ideascale"])

    process, base = workload.start_server(f"sqlite:///{database}")
    try:
        creds = workload.credentials(base)
        for vendor, ids in acknowledged.items():
            assert {workload.find(base, creds, vendor, ident) for ident in ids} <= {200}, vendor
    finally:
        process.terminate()
        process.wait(30)
