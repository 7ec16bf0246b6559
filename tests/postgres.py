"""A real PostgreSQL server for the tests: Debian's `postgresql` package, a temporary data directory, a free loopback
port, run as the `postgres` user when the tests run as root; stopped at the end. `.ci/run` installs the package;
without it the PostgreSQL tests are skipped (CI sets CROWDMOCK_REQUIRE_POSTGRES=1, which makes that a failure)."""

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from crowdmock.testing import free_port


def _bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


class PostgresServer:
    def __init__(self):
        self.bin = _bin()
        self.folder = Path(tempfile.mkdtemp(prefix="crowdmock-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        self._seeded: str | None = None

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    def start(self) -> "PostgresServer":
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start"
        )
        return self

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self, template: str | None = None) -> str:
        """A new database's URL: empty, or a copy of `template` (PostgreSQL copies its files: milliseconds)."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
        engine.dispose()
        return self.url(name)

    def seeded_database(self) -> str:
        """A new database holding the seeded store, copied from one seeded once per server."""
        if not self._seeded:
            from crowdmock.main import open_store
            from crowdmock.settings import Settings

            url = self.new_database()
            store = open_store(Settings(database_url=url, seed_cache="off"))
            store.start()
            store.close()
            self._seeded = url.rsplit("/", 1)[1]
        return self.new_database(self._seeded)


def available() -> bool:
    return _bin() is not None and (os.geteuid() != 0 or shutil.which("runuser") is not None)


def skip_or_fail(reason: str):
    if os.environ.get("CROWDMOCK_REQUIRE_POSTGRES"):
        pytest.fail(reason)
    pytest.skip(reason)
