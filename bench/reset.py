"""`/__admin/reset` latency with every vendor's full fixtures, on the real server (`crowdmock serve`, one uvicorn
worker, a SQLite file in WAL mode): median and p99 of N calls, after a warm-up; and the same for making a tenant
(`POST /__admin/tenants`, each deleted after). Results go to bench/results/.

    .venv/bin/python bench/reset.py [--calls 200]
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from crowdmock.testing import free_port

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "CROWDMOCK_DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"}
        cmd = [sys.executable, "-c", "from crowdmock.cli import main; main()", "serve", "--port", str(port)]
        server = subprocess.Popen([*cmd, "--log-level", "warning"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=base, timeout=30) as client:
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    try:
                        if client.get("/__admin/health").status_code == 200:
                            break
                    except httpx.TransportError:
                        time.sleep(0.05)
                for _ in range(5):
                    client.post("/__admin/reset")
                wall, server_ms = [], []
                for _ in range(args.calls):
                    started = time.perf_counter()
                    response = client.post("/__admin/reset")
                    wall.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, response.text
                    server_ms.append(response.json()["duration_ms"])
                tenants = []
                for n in range(args.calls):
                    started = time.perf_counter()
                    response = client.post("/__admin/tenants", json={"name": f"bench-{n}"})
                    tenants.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 201, response.text
                    client.delete(f"/__admin/tenants/bench-{n}")
        finally:
            server.terminate()
            server.wait(10)

    def summary(values: list[float]) -> dict:
        ordered = sorted(values)
        return {
            "median_ms": round(statistics.median(ordered), 2),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
        }

    result = {
        "benchmark": "admin-reset",
        "calls": args.calls,
        "round_trip": summary(wall),
        "server_side": summary(server_ms),
        "tenant_create": summary(tenants),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    out = ROOT / "bench" / "results" / "reset.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
