"""crowdmock against its in-run ceiling (`make bench`): the real server (`crowdmock serve`, one uvicorn worker,
journal on) pinned to one core and Debian's `wrk` pinned to the other, on loopback. Beside it, bench/ceiling.py on
the same uvicorn settings serves the very bytes crowdmock answered with; runs alternate ceiling, crowdmock,
ceiling, crowdmock so that the machine's drift cancels, and every figure is also a ratio to the ceiling.

Per vendor: GET of a seeded resource, GET of a list page, POST of a new resource (persisted), each at CONNECTIONS
connections for DURATION seconds after a warm-up (requests/s, p50, p99, non-2xx). Also: cold start (launch to the
first 200 of a vendor GET on a new database, median of 5), RSS idle and after the load, reset latency
(bench/reset.py), journal on versus off, and cost that grows with data (bench/growth.py). And the stack's floor
(bench/floor.py: the ceiling plus SQLModel on a WAL SQLite file): its cold start, RSS and one-row POSTs, which show
what no crowdmock on this stack can beat. Every crowdmock server starts from the run's seed cache, made first by
`crowdmock seed` as the image's is. Results: bench/results/bench.json and bench/results/bench.md.

    .venv/bin/python bench/run.py [--duration 10] [--vendors ushahidi,ideascale] [--quick]
"""

import argparse
import compileall
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.growth import EXTRA, GROWN, grow  # noqa: E402
from crowdmock.testing import free_port  # noqa: E402

RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "request.lua"
SERVER_CORE, LOAD_CORE = "0", "1"
CONNECTIONS = 32
ECHO_BODY = '{"title":"Bench {n}","content":"x","tags":["a","b"],"n":1}'  # what the ceiling's and floor's POSTs get


@dataclass
class Workload:
    vendor: str
    kind: str  # get, list, post
    path: str
    body: str | None = None  # `{n}` is replaced by a per-request counter (unique names)
    expect: tuple[int, ...] = (200,)

    @property
    def name(self) -> str:
        return f"{self.vendor}-{self.kind}"


WORKLOADS = [
    Workload("crowdskout", "get", "/crowdskout/v1/profile/1?collections=Names,EmailAddresses,Genders"),
    Workload("crowdskout", "list", "/crowdskout/v1/attribute"),
    Workload("crowdskout", "post", "/crowdskout/v1/profile", '{"profile":{"Names":[{"FullName":"Bench {n}"}]}}'),
    Workload("crowdynews", "get", "/crowdynews/v1/customer/contracts/5617895587c6f35d3b9a2b6f"),
    Workload("crowdynews", "list", "/crowdynews/v1/filter/sets?contract_id=5617895587c6f35d3b9a2b6f"),
    Workload(
        "crowdynews",
        "post",
        "/crowdynews/v1/filter/sets",
        '{"contractId":"5617895587c6f35d3b9a2b6f","name":"bench {n}"}',
        (201,),
    ),
    Workload("dosomething", "get", "/dosomething/api/v1/campaigns/362"),
    Workload("dosomething", "list", "/dosomething/api/v1/campaigns"),
    Workload("dosomething", "post", "/dosomething/api/v1/taxonomy_term", '{"term":{"vid":"5","name":"Bench {n}"}}'),
    Workload("ideascale", "get", "/ideascale/a/rest/v1/ideas/352809"),
    Workload("ideascale", "list", "/ideascale/a/rest/v1/ideas/0/25"),
    Workload(
        "ideascale",
        "post",
        "/ideascale/a/rest/v1/ideas/352809/comment",
        '{"text":"Bench comment {n}"}',
    ),
    Workload("ushahidi", "get", "/ushahidi/api/v3/posts/8328"),
    Workload("ushahidi", "list", "/ushahidi/api/v3/posts?limit=20"),
    Workload("ushahidi", "post", "/ushahidi/api/v3/posts", '{"title":"Bench {n}","content":"x","form":{"id":1}}'),
]


@dataclass
class Server:
    process: subprocess.Popen
    base: str
    log: Path

    def rss_mb(self) -> float:
        """Resident memory of the process (uvicorn runs the app in it: one worker, no reload)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


_CLIENT: list[httpx.Client] = []


def client() -> httpx.Client:
    """The run's one client: a new httpx client costs ~18 ms (its TLS context), which cold starts would count."""
    if not _CLIENT:
        _CLIENT.append(httpx.Client(timeout=30))
    return _CLIENT[0]


def wait_ready(url: str, headers: dict | None = None, timeout: float = 60) -> float:
    """Seconds until `url` answers 200."""
    started = time.perf_counter()
    deadline = started + timeout
    while time.perf_counter() < deadline:
        try:
            if client().get(url, headers=headers, timeout=5).status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            pass
        time.sleep(0.005)
    raise RuntimeError(f"{url} did not answer 200 within {timeout} s")


def start_crowdmock(
    workdir: Path,
    env_extra: dict | None = None,
    database: Path | None = None,
    url: str | None = None,
    workers: int = 1,
) -> Server:
    port = free_port()
    database = database or workdir / "bench.sqlite3"
    env = {
        **os.environ,
        "CROWDMOCK_DATABASE_URL": url or f"sqlite:///{database}",
        "CROWDMOCK_SEED_CACHE": str(workdir / "seeds"),  # the run's own: its first server seeds, the rest copy
        **(env_extra or {}),
    }
    log = workdir / f"crowdmock-{port}.log"
    command = [str(ROOT / ".venv" / "bin" / "crowdmock"), "serve", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(
        ["taskset", "-c", SERVER_CORE, *command],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    return Server(process, f"http://127.0.0.1:{port}", log)


def fill_seed_cache(workdir: Path) -> None:
    """The run's seed cache, made as the Dockerfile makes the image's (`crowdmock seed`): every server of the run
    then starts from a copy, as every start of an install but its first does (that one is `first_start_ms`)."""
    env = {
        **os.environ,
        "CROWDMOCK_DATABASE_URL": f"sqlite:///{workdir / 'seed.sqlite3'}",
        "CROWDMOCK_SEED_CACHE": str(workdir / "seeds"),
    }
    command = [str(ROOT / ".venv" / "bin" / "crowdmock"), "seed"]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)


def start_ceiling(workdir: Path, bodies: Path, floor: Path | None = None) -> Server:
    """The bare app, with the uvicorn settings of `crowdmock serve` (app/cli.py) but crowdmock's own protocol; with
    `floor` (a database file) the stack's floor (bench/floor.py) instead."""
    port = free_port()
    log = workdir / f"{'floor' if floor else 'ceiling'}-{port}.log"
    command = [
        str(ROOT / ".venv" / "bin" / "uvicorn"),
        "bench.floor:app" if floor else "bench.ceiling:app",
        "--port",
        str(port),
        "--log-level",
        "info",
        "--timeout-graceful-shutdown",
        "5",
    ]
    env = {**os.environ, "CEILING_BODIES": str(bodies), **({"FLOOR_DATABASE": str(floor)} if floor else {})}
    process = subprocess.Popen(
        ["taskset", "-c", SERVER_CORE, *command], cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    return Server(process, f"http://127.0.0.1:{port}", log)


@dataclass
class Run:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    errors: int


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, method: str, headers: dict, body: str | None, duration: float) -> Run:
    env = {
        **os.environ,
        "BENCH_METHOD": method,
        "BENCH_HEADERS": "\n".join(f"{k}: {v}" for k, v in headers.items()),
        "BENCH_BODY": body or "",
        "BENCH_RUN": str(time.time_ns()),
    }
    command = ["taskset", "-c", LOAD_CORE, "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{round(duration)}s", "--latency"]
    out = subprocess.run(
        [*command, "-s", str(LUA), url], env=env, capture_output=True, text=True, check=True, timeout=duration + 60
    ).stdout
    if "Latency Distribution" not in out or not re.search(r"^\s+99%", out, re.M):
        raise RuntimeError(f"wrk gave no latencies for {method} {url}:\n{out}")
    latency = dict(re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", out, re.M))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return Run(
        requests_per_s=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50_ms=_ms(latency["50"]),
        p99_ms=_ms(latency["99"]),
        requests=int(re.search(r"(\d+) requests in", out).group(1)),
        non_2xx=int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0,
        errors=sum(int(g) for g in errors.groups()) if errors else 0,
    )


def credentials(base: str, vendor: str) -> dict[str, str]:
    """The vendor administrator's credentials as headers (tests/credentials.py folds cookies and query tokens)."""
    from tests.credentials import admin_headers

    return admin_headers(lambda path, **kwargs: client().post(base + path, **kwargs), vendor)


@dataclass
class Comparison:
    workload: str
    crowdmock: list[Run] = field(default_factory=list)
    ceiling: list[Run] = field(default_factory=list)

    def summary(self) -> dict:
        def mean(runs: list[Run], attr: str) -> float:
            return statistics.fmean(getattr(r, attr) for r in runs)

        ours, bare = mean(self.crowdmock, "requests_per_s"), mean(self.ceiling, "requests_per_s")
        return {
            "workload": self.workload,
            "crowdmock_rps": round(ours),
            "ceiling_rps": round(bare),
            "ratio": round(ours / bare, 2),
            "p50_ms": round(mean(self.crowdmock, "p50_ms"), 2),
            "p99_ms": round(mean(self.crowdmock, "p99_ms"), 2),
            "p99_over_p50": round(mean(self.crowdmock, "p99_ms") / mean(self.crowdmock, "p50_ms"), 1),
            "non_2xx": sum(r.non_2xx + r.errors for r in self.crowdmock),
            "ceiling_p50_ms": round(mean(self.ceiling, "p50_ms"), 2),
        }


def compare(
    workload: Workload, crowdmock: Server, ceiling: Server, headers: dict, duration: float, rounds: int
) -> Comparison:
    method = "POST" if workload.body else "GET"
    ceiling_path = "/echo" if workload.body else f"/{workload.name}"
    ceiling_body = ECHO_BODY if workload.body else None
    json_headers = {**headers, "Content-Type": "application/json"} if workload.body else headers
    result = Comparison(workload.name)
    wrk(crowdmock.base + workload.path, method, json_headers, workload.body, 2)  # warm-up
    wrk(ceiling.base + ceiling_path, method, {"Content-Type": "application/json"}, ceiling_body, 2)
    for _ in range(rounds):
        result.ceiling.append(
            wrk(ceiling.base + ceiling_path, method, {"Content-Type": "application/json"}, ceiling_body, duration)
        )
        result.crowdmock.append(wrk(crowdmock.base + workload.path, method, json_headers, workload.body, duration))
    return result


def journal_cost(workdir: Path, workload: Workload, duration: float, rounds: int) -> dict:
    """Throughput with the journal on (the default) and off, on two new servers, runs alternating."""
    servers = {
        "on": start_crowdmock(workdir, None, workdir / "journal-on.sqlite3"),
        "off": start_crowdmock(workdir, {"CROWDMOCK_JOURNAL_SIZE": "0"}, workdir / "journal-off.sqlite3"),
    }
    try:
        headers = {}
        for name, server in servers.items():
            wait_ready(server.base + "/__admin/health")
            headers[name] = credentials(server.base, workload.vendor)
            wrk(server.base + workload.path, "GET", headers[name], None, 2)
        runs: dict[str, list[float]] = {"on": [], "off": []}
        for _ in range(rounds):
            for name, server in servers.items():
                runs[name].append(wrk(server.base + workload.path, "GET", headers[name], None, duration).requests_per_s)
    finally:
        for server in servers.values():
            server.stop()
    on, off = statistics.fmean(runs["on"]), statistics.fmean(runs["off"])
    return {"workload": workload.name, "on_rps": round(on), "off_rps": round(off), "cost": round(1 - on / off, 3)}


def stack_floor(workdir: Path, bodies: Path, ceiling: Server, duration: float, rounds: int) -> dict:
    """The stack's floor (bench/floor.py) beside the ceiling: RSS idle, and POSTs inserting a row through a SQLModel
    session and through the sqlite3 module against the ceiling's echo, runs alternating."""
    floor = start_ceiling(workdir, bodies, workdir / "floor.sqlite3")
    json_headers = {"Content-Type": "application/json"}
    targets = {"ceiling": ceiling.base + "/echo", "orm": floor.base + "/orm", "raw": floor.base + "/raw"}
    try:
        wait_ready(floor.base + "/health")
        time.sleep(1)
        rss = floor.rss_mb()
        for url in targets.values():
            wrk(url, "POST", json_headers, ECHO_BODY, 2)  # warm-up
        runs: dict[str, list[float]] = {name: [] for name in targets}
        for _ in range(rounds):
            for name, url in targets.items():
                runs[name].append(wrk(url, "POST", json_headers, ECHO_BODY, duration).requests_per_s)
    finally:
        floor.stop()
    rps = {name: statistics.fmean(values) for name, values in runs.items()}
    return {
        "rss_idle_mb": round(rss, 1),
        "ceiling_post_rps": round(rps["ceiling"]),
        "orm_post_rps": round(rps["orm"]),
        "orm_post_ratio": round(rps["orm"] / rps["ceiling"], 2),
        "raw_post_rps": round(rps["raw"]),
        "raw_post_ratio": round(rps["raw"] / rps["ceiling"], 2),
    }


def growth_cost(workdir: Path, vendors: list[str], duration: float, rounds: int) -> list[dict]:
    """bench/growth.py: per vendor, the first list page of its main table and its POST on a store with EXTRA more
    rows in that table against the seeded store, response cache off on both, runs alternating."""
    seeded, grown = workdir / "growth-seeded.sqlite3", workdir / "growth-grown.sqlite3"
    first = start_crowdmock(workdir, None, seeded)  # a seeded store from the run's seed cache, checkpointed on stop
    wait_ready(first.base + "/__admin/health")
    first.stop()
    shutil.copy(seeded, grown)
    sizes = grow(grown, EXTRA, vendors)
    uncached = {"CROWDMOCK_RESPONSE_CACHE": "false"}
    servers = {"seeded": start_crowdmock(workdir, uncached, seeded), "grown": start_crowdmock(workdir, uncached, grown)}
    rows = []
    try:
        for server in servers.values():
            wait_ready(server.base + "/__admin/health")
        for spec in (g for g in GROWN if g.vendor in vendors):
            post = next(w for w in WORKLOADS if w.vendor == spec.vendor and w.kind == "post")
            headers = {name: credentials(server.base, spec.vendor) for name, server in servers.items()}
            row = {"vendor": spec.vendor, "table": spec.table, "rows": sizes[spec.table], "note": spec.note}
            for kind, workload in (("list", Workload(spec.vendor, "list", spec.list_path)), ("post", post)):
                method = "POST" if workload.body else "GET"
                runs: dict[str, list[float]] = {"seeded": [], "grown": []}
                for name, server in servers.items():
                    h = {**headers[name], "Content-Type": "application/json"} if workload.body else headers[name]
                    wrk(server.base + workload.path, method, h, workload.body, 2)  # warm-up
                for _ in range(rounds):
                    for name, server in servers.items():
                        h = {**headers[name], "Content-Type": "application/json"} if workload.body else headers[name]
                        run = wrk(server.base + workload.path, method, h, workload.body, duration)
                        if run.non_2xx or run.errors:
                            raise RuntimeError(f"{name} {method} {workload.path}: {run.non_2xx} non-2xx")
                        runs[name].append(run.requests_per_s)
                ours, base = statistics.fmean(runs["grown"]), statistics.fmean(runs["seeded"])
                row[f"{kind}_seeded_rps"], row[f"{kind}_grown_rps"] = round(base), round(ours)
                row[f"{kind}_ratio"] = round(ours / base, 2)
            rows.append(row)
            print(json.dumps(row), flush=True)
    finally:
        for server in servers.values():
            server.stop()
    return rows


def cold_start(workdir: Path, bodies: Path, url_path: str, headers_for: str, times: int = 5) -> dict:
    """Launch to the first 200 of a vendor GET on a new database (copied from the run's seed cache), and of the
    ceiling's and the floor's GET; medians of `times`. Also once with an empty seed cache (the first start of an
    install)."""

    def launch(database: Path, env: dict | None = None) -> float:
        started = time.perf_counter()
        server = start_crowdmock(workdir, env, database)
        try:
            wait_ready(server.base + "/__admin/health", timeout=60)
            headers = credentials(server.base, headers_for)
            # The token is minted after health; the GET with it is the first vendor call.
            wait_ready(server.base + url_path, headers)
            return time.perf_counter() - started
        finally:
            server.stop()

    def launch_bare(floor: Path | None = None) -> float:
        started = time.perf_counter()
        server = start_ceiling(workdir, bodies, floor)
        try:
            wait_ready(server.base + "/health")
            return time.perf_counter() - started
        finally:
            server.stop()

    ours, bare, floors = [], [], []
    for n in range(times):
        ours.append(launch(workdir / f"cold-{n}.sqlite3"))
        bare.append(launch_bare())
        floors.append(launch_bare(workdir / f"cold-floor-{n}.sqlite3"))
    first = launch(workdir / "cold-first.sqlite3", {"CROWDMOCK_SEED_CACHE": str(workdir / "empty-seeds")})
    ours_ms, bare_ms, floor_ms = (statistics.median(values) * 1000 for values in (ours, bare, floors))
    return {
        "crowdmock_ms": round(ours_ms),
        "ceiling_ms": round(bare_ms),
        "ratio": round(ours_ms / bare_ms, 2),
        "first_start_ms": round(first * 1000),
        "floor_ms": round(floor_ms),
        "floor_ratio": round(floor_ms / bare_ms, 2),
    }


def scale_out(workdir: Path, ceiling: Server, duration: float, rounds: int) -> dict:
    """One process on SQLite (as every row above), `--workers 2` on SQLite and one process on PostgreSQL (a real
    server, tests/postgres.py; the control plane shared in the last two): launch to the first vendor 200, Ushahidi's
    GET and POST against the ceiling's (runs alternating), and the medians of 10 resets and of making 10 tenants."""
    from tests.postgres import PostgresServer, available

    get, post = (next(w for w in WORKLOADS if w.name == name) for name in ("ushahidi-get", "ushahidi-post"))
    setups = [("SQLite, 1 process", {}), ("SQLite, --workers 2", {"workers": 2})]
    server = PostgresServer().start() if available() else None
    if server is not None:
        setups.append(("PostgreSQL, 1 process", {"url": server.seeded_database()}))
    rows = []
    try:
        for n, (name, options) in enumerate(setups):
            started = time.perf_counter()
            crowdmock = start_crowdmock(workdir, None, workdir / f"scale-{n}.sqlite3", **options)
            try:
                wait_ready(crowdmock.base + "/__admin/health")
                headers = credentials(crowdmock.base, "ushahidi")
                wait_ready(crowdmock.base + get.path, headers)
                cold = (time.perf_counter() - started) * 1000
                measured = [compare(w, crowdmock, ceiling, headers, duration, rounds).summary() for w in (get, post)]
                resets, tenants = [], []
                for _ in range(10):
                    began = time.perf_counter()
                    httpx.post(crowdmock.base + "/__admin/reset", timeout=60).raise_for_status()
                    resets.append((time.perf_counter() - began) * 1000)
                for k in range(10):
                    began = time.perf_counter()
                    made = httpx.post(crowdmock.base + "/__admin/tenants", json={"name": f"scale-{k}"}, timeout=60)
                    tenants.append((time.perf_counter() - began) * 1000)
                    made.raise_for_status()
                    httpx.delete(f"{crowdmock.base}/__admin/tenants/scale-{k}", timeout=60)
            finally:
                crowdmock.stop()
            rows.append(
                {
                    "setup": name,
                    "cold_start_ms": round(cold),
                    "get_rps": measured[0]["crowdmock_rps"],
                    "get_ratio": measured[0]["ratio"],
                    "post_rps": measured[1]["crowdmock_rps"],
                    "post_ratio": measured[1]["ratio"],
                    "reset_ms": round(statistics.median(resets), 1),
                    "tenant_ms": round(statistics.median(tenants), 1),
                }
            )
            print(json.dumps(rows[-1]), flush=True)
    finally:
        if server is not None:
            server.stop()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--vendors", default="crowdskout,crowdynews,dosomething,ideascale,ushahidi")
    parser.add_argument("--quick", action="store_true", help="3 s runs, one round, no cold start or reset")
    parser.add_argument("--no-scale-out", action="store_true", help="without the --workers 2 and PostgreSQL rows")
    parser.add_argument("--no-growth", action="store_true", help="without the 50,000-row stores (bench/growth.py)")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.rounds = 3, 1
    if not shutil.which("wrk"):
        print("bench needs Debian's wrk (apt-get install wrk; `make bench` installs it as root)", file=sys.stderr)
        return 2
    vendors = args.vendors.split(",")
    workloads = [w for w in WORKLOADS if w.vendor in vendors]
    # Bytecode as an install has it (pip and the Dockerfile compile it): with PYTHONDONTWRITEBYTECODE set, an
    # editable checkout would otherwise compile every changed module on each of the run's starts.
    for folder in ("app", "bench"):
        compileall.compile_dir(ROOT / folder, quiet=1)
    report: dict = {
        "connections": CONNECTIONS,
        "duration_s": args.duration,
        "rounds": args.rounds,
        "cpus": os.cpu_count(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        fill_seed_cache(workdir)
        crowdmock = start_crowdmock(workdir)
        wait_ready(crowdmock.base + "/__admin/health")
        headers = {v: credentials(crowdmock.base, v) for v in vendors}
        bodies = {}
        for w in workloads:
            if not w.body:
                response = httpx.get(crowdmock.base + w.path, headers=headers[w.vendor], timeout=30)
                assert response.status_code in w.expect, (w.name, response.status_code, response.text[:300])
                bodies[w.name] = response.text
        bodies_file = workdir / "bodies.json"
        bodies_file.write_text(json.dumps(bodies))
        ceiling = start_ceiling(workdir, bodies_file)
        wait_ready(ceiling.base + "/health")
        time.sleep(1)
        report["rss_idle_mb"] = {"crowdmock": round(crowdmock.rss_mb(), 1), "ceiling": round(ceiling.rss_mb(), 1)}
        comparisons = []
        try:
            for w in workloads:
                comparison = compare(w, crowdmock, ceiling, headers[w.vendor], args.duration, args.rounds)
                comparisons.append(comparison.summary())
                print(json.dumps(comparisons[-1]), flush=True)
            report["rss_after_load_mb"] = {
                "crowdmock": round(crowdmock.rss_mb(), 1),
                "ceiling": round(ceiling.rss_mb(), 1),
            }
        finally:
            crowdmock.stop()
        report["workloads"] = comparisons
        # Journal on (the default) against off, on the first vendor's GET: two new servers, runs interleaved.
        first = next(w for w in workloads if w.kind == "get")
        report["journal"] = journal_cost(workdir, first, args.duration, args.rounds)
        report["floor"] = stack_floor(workdir, bodies_file, ceiling, args.duration, args.rounds)
        if not args.quick:
            report["cold_start"] = cold_start(workdir, bodies_file, first.path, first.vendor)
        if not args.no_growth:
            report["growth"] = growth_cost(workdir, vendors, args.duration, args.rounds)
        if not args.no_scale_out:
            report["scale_out"] = scale_out(workdir, ceiling, args.duration, args.rounds)
        ceiling.stop()
    if not args.quick:
        subprocess.run([sys.executable, str(ROOT / "bench" / "reset.py")], cwd=ROOT, capture_output=True, check=True)
        report["reset"] = json.loads((RESULTS / "reset.json").read_text())
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / ("bench-quick.json" if args.quick else "bench.json")).write_text(json.dumps(report, indent=2) + "\n")
    (RESULTS / ("bench-quick.md" if args.quick else "bench.md")).write_text(markdown(report))
    print(markdown(report))
    return 0


def markdown(report: dict) -> str:
    lines = [
        f"{report['connections']} connections, {report['duration_s']} s × {report['rounds']} rounds per figure, "
        f"server and wrk on separate cores.",
        "",
        "| workload | crowdmock req/s | ceiling req/s | ratio | to the floor | p50 ms | p99 ms | p99/p50 | non-2xx |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    floor_post = report["floor"]["orm_post_rps"]
    for c in report["workloads"]:
        to_floor = f"{c['crowdmock_rps'] / floor_post:.2f}" if c["workload"].endswith("-post") else ""
        lines.append(
            f"| {c['workload']} | {c['crowdmock_rps']} | {c['ceiling_rps']} | {c['ratio']} | {to_floor} | "
            f"{c['p50_ms']} | {c['p99_ms']} | {c['p99_over_p50']} | {c['non_2xx']} |"
        )
    lines += ["", "POSTs are also given as a ratio to the floor's POST (one row through a SQLModel session, below)."]
    lines.append("")
    idle, after = report["rss_idle_mb"], report.get("rss_after_load_mb", {})
    floor_rss = report["floor"]["rss_idle_mb"]
    lines.append(
        f"RSS idle: crowdmock {idle['crowdmock']} MB, ceiling {idle['ceiling']} MB "
        f"({idle['crowdmock'] / idle['ceiling']:.2f}x), the floor {floor_rss} MB "
        f"({idle['crowdmock'] / floor_rss:.2f}x); after the load: crowdmock {after.get('crowdmock')} MB "
        f"(+{after.get('crowdmock', 0) - idle['crowdmock']:.1f} MB)."
    )
    j = report["journal"]
    lines.append(f"Journal on/off ({j['workload']}): {j['on_rps']} / {j['off_rps']} req/s, cost {j['cost']:.1%}.")
    if "cold_start" in report:
        c = report["cold_start"]
        lines.append(
            f"Cold start: crowdmock {c['crowdmock_ms']} ms, ceiling {c['ceiling_ms']} ms ({c['ratio']}x), the floor "
            f"{c['floor_ms']} ms ({c['crowdmock_ms'] / c['floor_ms']:.2f}x); the first start of an install (empty "
            f"seed cache): {c['first_start_ms']} ms."
        )
    f, c = report["floor"], report.get("cold_start")
    started = f"cold start {c['floor_ms']} ms ({c['floor_ratio']}x the ceiling's); " if c else ""
    lines.append(
        "The stack's floor (bench/floor.py: the ceiling plus SQLModel on a WAL SQLite file, nothing of crowdmock): "
        + started
        + f"RSS idle {f['rss_idle_mb']} MB ({f['rss_idle_mb'] / idle['ceiling']:.2f}x); POST inserting one row "
        f"through a SQLModel session {f['orm_post_rps']} req/s ({f['orm_post_ratio']}x the ceiling's echo, "
        f"{f['ceiling_post_rps']}), through the sqlite3 module {f['raw_post_rps']} req/s ({f['raw_post_ratio']}x)."
    )
    if "reset" in report:
        r = report["reset"]
        lines.append(f"Reset: {json.dumps(r)}")
    if "growth" in report:
        lines += [
            "",
            f"With {EXTRA:,} more rows in each vendor's main table (bench/growth.py), against the seeded store, "
            "response cache off on both:",
            "",
            "| vendor | table | list seeded req/s | list grown req/s | ratio | POST seeded req/s | POST grown req/s "
            "| ratio |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in report["growth"]:
            table = f"{row['table']} ({row['note']})" if row["note"] else row["table"]
            lines.append(
                f"| {row['vendor']} | {table} | {row['list_seeded_rps']} | {row['list_grown_rps']} | "
                f"{row['list_ratio']} | {row['post_seeded_rps']} | {row['post_grown_rps']} | {row['post_ratio']} |"
            )
    if "scale_out" in report:
        lines += [
            "",
            "Scaling out (docs/scaling-out.md), Ushahidi, the server processes on the one server core as above:",
            "",
            "| setup | cold start ms | GET req/s | GET ratio | POST req/s | POST ratio | reset ms | new tenant ms |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in report["scale_out"]:
            lines.append(
                f"| {row['setup']} | {row['cold_start_ms']} | {row['get_rps']} | {row['get_ratio']} | "
                f"{row['post_rps']} | {row['post_ratio']} | {row['reset_ms']} | {row['tenant_ms']} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
