"""The SQLite store: tables, first-start seeding from fixtures/, and fast reset to the seeded state."""

import asyncio
import os
import secrets
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from sqlalchemy import Table, delete, insert, select, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import StatementError
from sqlalchemy.schema import sort_tables
from sqlmodel import Field, SQLModel

from crowdmock.core import clock, counters, seedcheck
from crowdmock.core.db import WRITE, TableModel, close_engine, is_private, make_engine, remove_database
from crowdmock.core.dialect import DataVersion, create_data_version, qualified, sync_sequences
from crowdmock.core.fixtures import FixtureError, RecordError, UserFixtures, compose
from crowdmock.core.seedcache import SeedCache, code_digest, template_key

# A vendor's seed loader turns its fixtures folder into rows: [(table model, [row dict, ...]), ...].
SeedRows = list[tuple[type[SQLModel], list[dict]]]
SeedLoader = Callable[[Path], SeedRows]
# Runs in the seeding transaction after a vendor's rows are in, e.g. to date fixture items relative to now.
AfterSeed = Callable[[Connection], None]


class SeededVendor(Protocol):
    """What the store needs of a vendor (crowdmock.core.vendor.Vendor provides it)."""

    name: str
    fixture_identities: Mapping[str, tuple[str, ...]]

    def load_seed(self, folder: Path) -> SeedRows: ...

    def after_seed(self) -> AfterSeed | None: ...

    def import_models(self) -> None: ...


# PostgreSQL: the schemas holding seeded tables that resets and new tenants copy, one per seed (`<this>_<key>`);
# SQLite copies from a seeded file instead. Their own advisory lock, since tenants' writers hold different ones.
PRISTINE_SCHEMA = "crowdmock_pristine"
PRISTINE_LOCK = 0x63726F7770726973


class SeedState(TableModel, table=True):
    __tablename__ = "crowdmock_seed_state"
    vendor: str = Field(primary_key=True)
    seeded_at: float


class Secret(TableModel, table=True):
    """Secrets made for this database at its first start, e.g. the key that signs every token crowdmock issues
    when CROWDMOCK_TOKEN_SECRET is not set: tokens survive restarts on the same database and no two installs share
    one."""

    __tablename__ = "crowdmock_secret"
    name: str = Field(primary_key=True)
    value: str


class SchemaState(TableModel, table=True):
    """The crowdmock code (seedcache.code_digest) that last made sure this database has every table: a later start by
    the same code need not import every vendor's models to ask (~180 ms and ~7 MB of each restart)."""

    __tablename__ = "crowdmock_schema_state"
    id: int = Field(default=1, primary_key=True)
    code: str


class FixtureSource(TableModel, table=True):
    """Where the database's seed came from ("defaults", or a user folder: see UserFixtures.source), so that later
    starts and resets keep using it."""

    __tablename__ = "crowdmock_fixture_source"
    id: int = Field(default=1, primary_key=True)
    source: str


@lru_cache(maxsize=32)
def _cached_rows(vendor: str, loader: SeedLoader, fixtures_dir: Path) -> SeedRows:
    # Fixtures are parsed once per process; reset and every test's fresh store reuse the rows. Each row is
    # completed with the model's defaults, since a bulk insert takes its columns from the first row.
    return [
        (model, _without_unset_keys(model, [model(**row).model_dump() for row in rows]))
        for model, rows in loader(fixtures_dir / vendor)
    ]


def _without_unset_keys(model: type[SQLModel], rows: list[dict]) -> list[dict]:
    """Rows whose generated key (an autoincrement integer) is None in every row leave it to the database (SQLite
    takes a NULL as "the next one"; PostgreSQL refuses it)."""
    generated = [c.name for c in model.__table__.primary_key.columns if c.autoincrement in (True, "auto")]
    unset = [name for name in generated if all(row.get(name) is None for row in rows)]
    return [{k: v for k, v in row.items() if k not in unset} for row in rows] if unset else rows


class Store:
    def __init__(
        self,
        engine: Engine,
        vendors: Mapping[str, SeededVendor],
        fixtures_dir: Path,
        *,
        user_fixtures: UserFixtures | None = None,
        follow_recorded: bool = True,
        seed_cache: SeedCache | None = None,
        owns_engine: bool = True,
        data_version: DataVersion | None = None,
    ):
        """`fixtures_dir`: the default fixtures. `user_fixtures`: seed from these laid over them; None: from the
        source this database recorded (when `follow_recorded`), else the defaults. `seed_cache`: where seeded
        databases are kept, for new databases to copy."""
        self.engine = engine
        self.owns_engine = owns_engine  # False: a tenant's schema on the server's engine, which outlives it
        self._seed_from_schema = False  # a tenant's schema is filled from the pristine schema (PostgreSQL)
        self.vendors = vendors
        self.default_fixtures = fixtures_dir
        self.fixtures_dir = fixtures_dir  # what the loaders read: the defaults, or them composed with a user's
        self.user_fixtures = user_fixtures
        self.follow_recorded = follow_recorded
        self.seed_cache = seed_cache
        self._tables: dict[str, list[Table]] = {}
        self._checked: set[tuple[str, Path]] = set()  # vendors whose rows of the user's fixtures were checked
        # Connections of writing requests: their transactions begin with SQLite's write lock (app/core/db.py).
        self.writer = engine.execution_options(**{WRITE: True})
        self._write_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self.ready = False
        self.token_secret: str | None = None  # this database's own, made at its first start
        # The seeded copy that resets copy from: its file (SQLite), or its schema (PostgreSQL).
        self._pristine: str | None = None
        # Called with the vendors' names after a reset or a snapshot load (the control plane clears their counters).
        self.after_reset: list[Callable[[list[str]], None]] = []
        # A tenant's schema on the server's engine asks its data version on the server's connection (`data_version`).
        self._data_version = DataVersion(engine, sharing=data_version)

    @property
    def version_reader(self) -> DataVersion:
        """What reads this store's data version (its connection is shared with tenants' stores on PostgreSQL)."""
        return self._data_version

    def data_version(self) -> object:
        """A value that changes whenever anything commits to the database, whoever commits (core/dialect.py)."""
        return self._data_version()

    def write_turn(self) -> asyncio.Lock:
        """The lock that writing requests of this process take in turn. Waiting for it yields to the event loop;
        waiting for SQLite's lock would block it (and with it the request that holds the lock)."""
        loop = asyncio.get_running_loop()
        if loop not in self._write_turns:
            self._write_turns[loop] = asyncio.Lock()
        return self._write_turns[loop]

    def vendor_tables(self, vendor: str) -> list[Table]:
        """The vendor's tables, parents first. Kept once its models are imported (resets ask for them per vendor,
        twice; sorting every table of the metadata takes ~70 µs)."""
        if vendor not in self._tables:
            self.vendors[vendor].import_models()
            prefix = f"{vendor}_"
            # Only the vendor's own tables, whole once its models module is imported. Another thread may be importing
            # another vendor's models meanwhile, and SQLAlchemy lists a table in the metadata before it has made it
            # (it has no name yet): the metadata's sorted_tables would read every table. list() copies the dict at
            # once, under the GIL.
            own = [table for key, table in list(SQLModel.metadata.tables.items()) if key.startswith(prefix)]
            self._tables[vendor] = sort_tables(sorted(own, key=lambda table: table.key))
        return self._tables[vendor]

    def start(self, reseed: bool = False, template: str | None = None) -> None:
        """Create missing tables and seed every vendor that has never been seeded in this database (every vendor
        when `reseed`, or when the fixtures differ from those it was seeded from). Raises FixtureError.

        All of it is one write transaction, so worker processes starting together on one new database seed it
        once: the first creates and seeds, the others wait for the lock and then find it seeded. A new SQLite file
        starts as a copy of the seed cache's template when there is one, and leaves one when there was not; a new
        tenant's file is a copy of `template` (the default tenant's pristine file)."""
        if template is not None and self.engine.dialect.name != "sqlite":  # a tenant's schema: copied from this one
            self._seed_from_schema, self._pristine, key, copied = True, template, None, False
        elif template is not None and (new_file := self._new_file()) is not None:  # a tenant's own new file
            shutil.copyfile(template, new_file[0])
            key, copied = None, True
        else:
            new_file = self._new_file() if self.seed_cache is not None else None
            key = self._seed_key() if new_file else None
            copied = key is not None and self.seed_cache.copy_into(key, *new_file)
        try:
            with self.writer.begin() as conn:
                seeded = self._start(conn, reseed, copied)
        except (
            StatementError
        ) as exc:  # what seedcheck does not foresee (a foreign key, a constraint of several columns)
            if self.user_fixtures is None:
                raise
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise FixtureError([f"{self.user_fixtures.folder}: {reason}; nothing was changed"]) from exc
        if key is not None and not copied and seeded == set(self.vendors):
            # Before this process serves; other workers on the new database are still starting by then.
            self.seed_cache.save(key, new_file[0])
        self.ready = True

    def _new_file(self) -> tuple[Path, bool] | None:
        """The database file and whether it is private, if it is a SQLite file with nothing in it yet."""
        if self.engine.dialect.name != "sqlite" or not self.engine.url.database:
            return None
        path = Path(self.engine.url.database)
        if is_private(self.engine):
            return (path, True) if path.is_file() and path.stat().st_size == 0 else None
        return None if path.exists() else (path, False)

    @property
    def source(self) -> str:
        """Where the seed comes from: "defaults" or the user's fixtures (UserFixtures.source)."""
        return self.user_fixtures.source if self.user_fixtures else "defaults"

    def _seed_key(self) -> str:
        """The seed cache's name for this store's seed."""
        self._compose()
        return template_key(self.fixtures_dir, self.source)

    def _start(self, conn: Connection, reseed: bool, copied: bool) -> set[str]:
        """The vendors it seeded; a copied template's are only dated to now (their after-seed hooks)."""
        own_tables = [SeedState.__table__, FixtureSource.__table__, Secret.__table__, SchemaState.__table__]
        SQLModel.metadata.create_all(conn, tables=own_tables)
        create_data_version(conn)
        self.token_secret = conn.execute(select(Secret.value).where(Secret.name == "token")).scalar()
        if self.token_secret is None:
            self.token_secret = secrets.token_urlsafe(32)
            conn.execute(insert(Secret.__table__), [{"name": "token", "value": self.token_secret}])
        recorded = conn.execute(select(FixtureSource.source)).scalar()
        if self.user_fixtures is None and recorded and self.follow_recorded:
            self.user_fixtures = UserFixtures.from_source(recorded)
        source = self.source
        self._compose()
        seeded = set(conn.execute(select(SeedState.vendor)).scalars())
        changed = (recorded or "defaults") != source
        pending = [v for v in self.vendors if reseed or changed or v not in seeded]
        # A copy has every table the code knows (its template was made by this code), and so has a database this
        # code has started before.
        code = code_digest()
        if not copied and conn.execute(select(SchemaState.code)).scalar() != code:
            for vendor in self.vendors:
                self.vendor_tables(vendor)  # imports the models, so that create_all knows all their tables
            for vendor in pending:
                self.rows(vendor)  # a loader imports its models too
            SQLModel.metadata.create_all(conn)
            counters.ensure_all(conn)
            conn.execute(delete(SchemaState.__table__))
            conn.execute(insert(SchemaState.__table__), [{"id": 1, "code": code}])
        if self._seed_from_schema:
            for vendor in pending:
                self._copy_vendor(conn, vendor)
        else:
            self._insert_seed(conn, pending)
        if copied:  # the vendors seeded just now had theirs in _insert_seed
            for vendor in self.vendors:
                if vendor not in pending:
                    self._after_seed(conn, vendor)
        if recorded != source:
            conn.execute(delete(FixtureSource.__table__))
            conn.execute(insert(FixtureSource.__table__), [{"id": 1, "source": source}])
        return set(pending)

    def _compose(self) -> None:
        """Point the loaders at the user's fixtures laid over the defaults (once: composing writes a folder)."""
        if self.user_fixtures and self.fixtures_dir == self.default_fixtures:
            identities = {name: vendor.fixture_identities for name, vendor in self.vendors.items()}
            self.fixtures_dir = compose(self.default_fixtures, self.user_fixtures, identities)

    def _after_seed(self, conn: Connection, vendor: str) -> None:
        hook = self.vendors[vendor].after_seed()
        if hook is not None:
            hook(conn)
        self.mark_seeded(conn, vendor)

    def reset(self, vendor: str | None = None) -> list[str]:
        names = [vendor] if vendor else list(self.vendors)
        if self.engine.dialect.name == "sqlite":
            self._copy_pristine(names)
        else:
            self._copy_pristine_schema(names)
        self.run_after_reset(names)
        return names

    def run_after_reset(self, vendors: list[str]) -> None:
        for hook in self.after_reset:
            hook(vendors)

    def replace_rows(self, conn: Connection, vendor: str, rows: Iterable[tuple[Table, list[dict]]]) -> None:
        """The vendor's tables emptied and filled with `rows` (a seed, a snapshot), in the caller's transaction: their
        counts made once at the end (core/counters.py `recounted`) and their id sequences moved past the rows."""
        tables = self.vendor_tables(vendor)
        with counters.recounted(conn, tables):
            for table in reversed(tables):
                conn.execute(delete(table))
            for table, values in rows:
                if values:
                    conn.execute(insert(table), values)
        sync_sequences(conn, tables)

    def mark_seeded(self, conn: Connection, vendor: str) -> None:
        conn.execute(delete(SeedState.__table__).where(SeedState.vendor == vendor))
        conn.execute(insert(SeedState.__table__), [{"vendor": vendor, "seeded_at": clock.time()}])

    def release(self) -> None:
        """Close every connection (the WAL is checkpointed); the store opens new ones when used again."""
        self._close_version_connection()
        self.engine.dispose()

    def _close_version_connection(self) -> None:
        self._data_version.close()

    def close(self) -> None:
        """On shutdown: close the database cleanly and delete the seeded copy."""
        self._close_version_connection()
        if self.owns_engine:
            close_engine(self.engine)
        if self._pristine is not None and self.engine.dialect.name == "sqlite":
            remove_database(self._pristine)
            self._pristine = None

    def rows(self, vendor: str) -> SeedRows:
        if self.fixtures_dir == self.default_fixtures or self.user_fixtures is None:
            return _cached_rows(vendor, self.vendors[vendor].load_seed, self.fixtures_dir)
        folder = self.user_fixtures.folder
        try:  # a user's records passed the shape check; a loader may still find something it cannot use
            rows = _cached_rows(vendor, self.vendors[vendor].load_seed, self.fixtures_dir)
        except RecordError as exc:
            raise FixtureError([exc.problem(folder / vendor)]) from exc
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise FixtureError([f"{folder / vendor}: the {vendor} fixtures cannot be loaded: {exc!r}"]) from exc
        if (vendor, self.fixtures_dir) not in self._checked:
            problems = seedcheck.problems(folder, vendor, rows)
            if problems:
                raise FixtureError(problems)
            self._checked.add((vendor, self.fixtures_dir))
        return rows

    def seeded_vendors(self) -> dict[str, float]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(SeedState.vendor, SeedState.seeded_at))
            return {vendor: seeded_at for vendor, seeded_at in rows}

    def pristine_file(self) -> str:
        """SQLite: a seeded database file, without secrets, made at the first ask (a copy of the seed cache's template,
        or seeded): what resets copy tables from and new tenants start as."""
        if self._pristine is None:
            fd, path = tempfile.mkstemp(prefix="crowdmock-seed-", suffix=".sqlite3")
            os.close(fd)
            weakref.finalize(self, remove_database, path)
            template = self.seed_cache.template(self._seed_key()) if self.seed_cache is not None else None
            if template is not None:
                shutil.copyfile(template, path)
            else:
                pristine = Store(make_engine(f"sqlite:///{path}"), self.vendors, self.fixtures_dir)
                pristine.start()
                with pristine.engine.begin() as conn:
                    conn.execute(delete(Secret.__table__))
                pristine.engine.dispose()
            self._pristine = path
        return self._pristine

    def _copy_pristine(self, vendors: list[str]) -> None:
        """Reset by copying each table from the pristine file: SQLite copies the rows itself (INSERT ... SELECT over
        ATTACH), several times faster than inserting them from Python."""
        pristine = self.pristine_file()
        with self.writer.connect() as conn:
            raw = conn.connection.dbapi_connection  # ATTACH cannot run inside a transaction; SQLAlchemy would begin one
            raw.execute("ATTACH DATABASE ? AS pristine", (pristine,))
            try:
                with conn.begin():
                    for vendor in vendors:
                        self._copy_vendor(conn, vendor)
            finally:
                raw.execute("DETACH DATABASE pristine")

    def _copy_pristine_schema(self, vendors: list[str]) -> None:
        """PostgreSQL: reset by copying each table from a pristine schema in the same database: the server copies
        the rows itself."""
        with self.writer.begin() as conn:
            self._ensure_pristine_schema(conn)
            for vendor in vendors:
                self._copy_vendor(conn, vendor)

    def pristine_schema(self) -> str:
        """PostgreSQL: this store's pristine schema, made now if it is missing (what new tenants' schemas are filled
        from)."""
        with self.writer.begin() as conn:
            return self._ensure_pristine_schema(conn)

    def _ensure_pristine_schema(self, conn: Connection) -> str:
        """The seeded schema `crowdmock_pristine_<seed key>`, made by the first process that needs it and kept: a
        store with other fixtures (a tenant's, another replica's) has its own, so none overwrites another's."""
        if self._pristine is None:
            schema = f"{PRISTINE_SCHEMA}_{self._seed_key()[:16]}"
            # Made once across processes and tenants (whose writers hold different locks): its own lock.
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PRISTINE_LOCK})")
            found = conn.execute(text("SELECT 1 FROM pg_namespace WHERE nspname = :name"), {"name": schema}).first()
            if found is None:
                self._make_pristine_schema(conn, schema)
            self._pristine = schema
        return self._pristine

    def _make_pristine_schema(self, conn: Connection, schema: str) -> None:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        own = conn.get_execution_options().get("schema_translate_map")  # a tenant's schema
        conn.execution_options(schema_translate_map={None: schema})  # in place, until set back
        for vendor in self.vendors:
            self.vendor_tables(vendor)  # imports the models, so that create_all knows all their tables
        SQLModel.metadata.create_all(conn)
        counters.ensure_all(conn)
        self._insert_seed(conn, list(self.vendors))
        conn.execution_options(schema_translate_map=own)

    def _copy_vendor(self, conn: Connection, vendor: str) -> None:
        """Copy a vendor's tables from the pristine copy (SQLite: the attached file; PostgreSQL: its schema)."""
        sqlite = conn.dialect.name == "sqlite"
        source = "pristine" if sqlite else f'"{self._pristine}"'
        tables = self.vendor_tables(vendor)
        statements = [f"DELETE FROM {qualified(conn, table.name)}" for table in reversed(tables)]
        for table in tables:
            target = f'main."{table.name}"' if sqlite else qualified(conn, table.name)
            columns = ", ".join(f'"{c.name}"' for c in table.columns)
            statements.append(f'INSERT INTO {target} ({columns}) SELECT {columns} FROM {source}."{table.name}"')
        with counters.recounted(conn, tables):
            if sqlite:
                for statement in statements:
                    conn.exec_driver_sql(statement)
            else:  # one round trip
                conn.exec_driver_sql(";\n".join(statements))
                sync_sequences(conn, tables)
        self._after_seed(conn, vendor)

    def _seed(self, vendors: Iterable[str]) -> None:
        with self.writer.begin() as conn:
            self._insert_seed(conn, vendors)

    def _insert_seed(self, conn: Connection, vendors: Iterable[str]) -> None:
        for vendor in vendors:
            self.replace_rows(conn, vendor, ((model.__table__, rows) for model, rows in self.rows(vendor)))
            self._after_seed(conn, vendor)


def tenant_database_url(database_url: str, tenant: str, generation: str) -> str:
    """Where a named tenant's data lives on SQLite: a file in `<stem>.tenants/` beside the server's file, or a
    private database when the server's is private."""
    url = make_url(database_url)
    if url.database in (None, "", ":memory:"):
        return "sqlite://"
    path = Path(url.database)
    return str(url.set(database=str(path.with_name(f"{path.stem}.tenants") / f"{tenant}.{generation}.sqlite3")))
