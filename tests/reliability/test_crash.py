"""SIGKILL in the middle of a write load: the database opens again, passes PRAGMA integrity_check, and holds every
write the server acknowledged (WAL with synchronous=NORMAL is durable against a killed process)."""

import sqlite3

from tests.reliability import workload

ACKNOWLEDGED_BEFORE_KILL = 60


def test_killed_mid_load_keeps_every_acknowledged_write(tmp_path):
    database = tmp_path / "crash.sqlite3"
    acknowledged = workload.kill_mid_load(f"sqlite:///{database}", ACKNOWLEDGED_BEFORE_KILL)
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        # The comment count kept with the idea agrees with its comments: no write was half applied.
        (count,) = db.execute("SELECT comment_count FROM ideascale_idea WHERE id = ?", (workload.IDEA,)).fetchone()
        (rows,) = db.execute("SELECT COUNT(*) FROM ideascale_comment WHERE idea_id = ?", (workload.IDEA,)).fetchone()
        assert count == rows >= workload.IDEA_COMMENTS + len(acknowledged["ideascale"])
    workload.assert_readable(f"sqlite:///{database}", acknowledged)
