"""Seeded databases kept between runs, so that a new database starts as a file copy instead of being seeded.

Seeding parses every fixture into model rows and inserts them (~0.5 s); copying a seeded file takes milliseconds.
A template is named by a hash of crowdmock's code and the fixture files it was seeded from, so any change to
either makes (and uses) a new one. Templates hold no secret: each database still makes its own token secret.
The cache is a convenience: when its folder cannot be read or written, databases are seeded as before.
"""

import contextlib
import hashlib
import os
import secrets
import shutil
import sqlite3
import time
from functools import lru_cache
from pathlib import Path

import crowdmock

CODE = Path(crowdmock.__file__).resolve().parent
PREFIX = "seed-"
# Templates of other code or fixtures are deleted once unused this long (another install may still want its own).
STALE_SECONDS = 7 * 86400


@lru_cache(maxsize=8)
def template_key(fixtures_dir: Path, source: str) -> str:
    """What a seeded database depends on: crowdmock's Python code, the fixture files and where they came from."""
    digest = hashlib.sha256(source.encode() + b"\0" + code_digest().encode())
    for path in sorted(p for p in fixtures_dir.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(fixtures_dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A hash of crowdmock's Python code (~4 ms): what its tables and seeds are made from."""
    digest = hashlib.sha256()
    for path in sorted(CODE.rglob("*.py")):
        digest.update(str(path.relative_to(CODE)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


class SeedCache:
    def __init__(self, folder: Path):
        self.folder = folder

    def template(self, key: str) -> Path | None:
        path = self.folder / f"{PREFIX}{key}.sqlite3"
        return path if path.is_file() else None

    def copy_into(self, key: str, database: Path, private: bool) -> bool:
        """Make `database` a copy of the template; True if it now is. A named database is only created, never
        replaced: when another process makes it first (workers starting together), that one is kept. A private
        database is this process's own empty file."""
        template = self.template(key)
        if template is None or Path(f"{database}-wal").exists():  # a stale WAL would be replayed onto the copy
            return False
        staging = database.with_name(f".{database.name}.{secrets.token_hex(4)}")
        try:
            shutil.copyfile(template, staging)
            with contextlib.suppress(OSError):
                os.utime(template)  # still in use: not stale
            if private:
                os.replace(staging, database)
                return True
            os.link(staging, database)  # fails if the database exists by now
            return True
        except OSError:
            return False
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.remove(staging)

    def save(self, key: str, database: Path) -> None:
        """Keep a copy of a database that was just seeded (before any request changed it), without its secrets."""
        if self.template(key) is not None:
            return
        staging = self.folder / f".{PREFIX}{key}.{secrets.token_hex(4)}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            source = sqlite3.connect(database)
            target = sqlite3.connect(staging)
            try:
                source.backup(target)
                target.execute("DELETE FROM crowdmock_secret")
                target.commit()
                target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                source.close()
                target.close()
            os.replace(staging, self.folder / f"{PREFIX}{key}.sqlite3")
            self._drop_stale()
        except (OSError, sqlite3.Error):
            with contextlib.suppress(OSError):
                os.remove(staging)

    def _drop_stale(self) -> None:
        cutoff = time.time() - STALE_SECONDS
        for path in self.folder.glob(f"{PREFIX}*.sqlite3"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()
