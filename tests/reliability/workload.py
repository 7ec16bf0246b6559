"""A write load over every vendor, for the concurrency and crash tests: each write creates a record (or, on
IdeaScale, adds a comment to one idea, a read-modify-write of its comment count) and says how to find it again."""

import concurrent.futures
import itertools
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import httpx
import pytest

from crowdmock.testing import free_port
from tests.credentials import VENDORS, admin_headers

IDEA = 352809
IDEA_COMMENTS = 25  # seeded comments of idea 352809
CONTRACT = "565c4df4056e859526e62257"
USHAHIDI_POST = {"title": "Written", "content": "under load", "values": {}, "form": {"id": 4}}


def credentials(base: str) -> dict[str, dict]:
    """Request options with each vendor's administrator's credentials."""
    with httpx.Client(base_url=base) as client:
        return {vendor: {"headers": admin_headers(client.post, vendor)} for vendor in VENDORS}


def _write(client: httpx.Client, base: str, creds: dict, vendor: str, n: int) -> tuple[str, int, str | None]:
    """One write; (vendor, status, the new record's id or None)."""
    c = creds[vendor]
    if vendor == "crowdskout":
        body = {"profile": {"Names": [{"FullName": f"Writer {n}"}]}}
        r = client.post(f"{base}/crowdskout/v1/profile", json=body, **c)
        return vendor, r.status_code, r.is_success and str(r.json()["data"]["id"]) or None
    if vendor == "crowdynews":
        body = {"name": f"load-{n}", "type": "strings", "contractId": CONTRACT}
        r = client.post(f"{base}/crowdynews/collection/lists", json=body, **c)
        return vendor, r.status_code, r.is_success and r.json()["_id"] or None
    if vendor == "dosomething":
        r = client.post(f"{base}/dosomething/api/v1/users", json={"email": f"writer{n}@example.com"}, **c)
        return vendor, r.status_code, r.is_success and str(r.json()["uid"]) or None
    if vendor == "ideascale":
        r = client.post(f"{base}/ideascale/a/rest/v1/ideas/{IDEA}/comment", json={"text": f"comment {n}"}, **c)
        return vendor, r.status_code, r.is_success and str(r.json()["id"]) or None
    r = client.post(f"{base}/ushahidi/api/v3/posts", json=USHAHIDI_POST, **c)
    return vendor, r.status_code, r.is_success and str(r.json()["id"]) or None


@dataclass
class Outcome:
    statuses: list[tuple[str, int]] = field(default_factory=list)
    reads: list[int] = field(default_factory=list)  # statuses of reading each write back at once
    created: dict[str, list[str]] = field(default_factory=lambda: {v: [] for v in VENDORS})


def run(
    base: str,
    writes_per_vendor: int,
    threads: int,
    creds: dict,
    outcome: Outcome | None = None,
    stop=None,
    first: int = 0,
) -> Outcome:
    """Every vendor's writes interleaved over `threads` threads, numbered from `first` (names and e-mails must
    differ between runs on one store). `outcome` fills in as writes are acknowledged (so another thread can watch
    it); once `stop()` is true the writes not yet sent are dropped."""
    outcome = outcome if outcome is not None else Outcome()
    jobs = [(v, n) for n, v in itertools.product(range(first, first + writes_per_vendor), VENDORS)]

    def work(job):
        if stop is not None and stop():
            return None
        with httpx.Client(timeout=60) as client:
            try:
                written = _write(client, base, creds, *job)
            except httpx.TransportError:
                return None  # the server went away mid-request: not acknowledged
            try:  # reads (some of which write, like a session's last access) interleaved with the writes
                read = find(base, creds, job[0], written[2]) if written[2] else None
            except httpx.TransportError:
                read = None
            return written, read

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        for done in concurrent.futures.as_completed([pool.submit(work, job) for job in jobs]):
            result = done.result()
            if result is None:
                continue
            (vendor, status, ident), read = result
            if read is not None:
                outcome.reads.append(read)
            outcome.statuses.append((vendor, status))
            if ident is not None:
                outcome.created[vendor].append(ident)
    return outcome


def find(base: str, creds: dict, vendor: str, ident: str) -> int:
    """The status of reading a written record back."""
    c = creds[vendor]
    if vendor == "crowdskout":
        c = {**c, "params": {"collections": "Names"}}
    paths = {
        "crowdskout": f"/crowdskout/v1/profile/{ident}",
        "crowdynews": f"/crowdynews/collection/lists/{ident}",
        "dosomething": f"/dosomething/api/v1/users/{ident}/activity",
        "ideascale": f"/ideascale/a/rest/v1/comments/{ident}",
        "ushahidi": f"/ushahidi/api/v3/posts/{ident}",
    }
    return httpx.get(base + paths[vendor], **c).status_code


def comment_count(base: str, creds: dict) -> int:
    return httpx.get(f"{base}/ideascale/a/rest/v1/ideas/{IDEA}", **creds["ideascale"]).json()["commentCount"]


def start_server(database: str, workers: int = 1, **settings: str) -> tuple[subprocess.Popen, str]:
    """`crowdmock serve` as its own process (several uvicorn workers when asked, `settings` as CROWDMOCK_*
    variables); returns it and its base URL."""
    port = free_port()
    env = {**os.environ, "CROWDMOCK_DATABASE_URL": database}
    env.update({f"CROWDMOCK_{name.upper()}": value for name, value in settings.items()})
    command = [sys.executable, "-c", "from crowdmock.cli import main; main()", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--workers", str(workers), "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/__admin/health").status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail(f"server did not start: {process.communicate()[1][-2000:]}")
        time.sleep(0.05)


def kill_mid_load(database: str, acknowledged_before_kill: int) -> dict[str, list[str]]:
    """`crowdmock serve` on `database` under every vendor's writes, SIGKILLed (no shutdown, no checkpoint) once that
    many writes were acknowledged; the acknowledged writes' ids per vendor."""
    process, base = start_server(database)
    creds = credentials(base)
    outcome, killed = Outcome(), threading.Event()
    load = threading.Thread(target=run, args=(base, 200, 16, creds, outcome, killed.is_set), daemon=True)
    load.start()
    deadline = time.monotonic() + 120
    while len(outcome.statuses) < acknowledged_before_kill and time.monotonic() < deadline:
        time.sleep(0.01)
    process.kill()
    process.wait(10)
    killed.set()
    load.join(120)
    assert all(status < 300 for _, status in outcome.statuses)
    acknowledged = {vendor: list(ids) for vendor, ids in outcome.created.items()}
    assert sum(map(len, acknowledged.values())) >= acknowledged_before_kill
    return acknowledged


def assert_readable(database: str, acknowledged: dict[str, list[str]]) -> None:
    """A new server on the database reads every acknowledged write back."""
    process, base = start_server(database)
    try:
        creds = credentials(base)
        for vendor, ids in acknowledged.items():
            assert {find(base, creds, vendor, ident) for ident in ids} <= {200}, vendor
    finally:
        process.terminate()
        process.wait(30)
