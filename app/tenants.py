"""How a named tenant's data is made, opened and dropped on the server's database (docs/parallel-tests.md), and how a
tenant is put together from its store and control plane. Here rather than in core because it needs the vendors.

- SQLite file: `<stem>.tenants/<name>.<generation>.sqlite3` beside the server's file, a copy of the default
  tenant's pristine file (milliseconds). A private server (`sqlite://`) gives each tenant a private file.
- PostgreSQL: the schema `t_<name>_<generation>` on the server's engine (one pool for every tenant), its tables
  filled from the pristine schema by the server.
"""

from pathlib import Path

from sqlalchemy import make_url

from crowdmock.core import clock, snapshot
from crowdmock.core.db import remove_database
from crowdmock.core.dialect import create_data_version
from crowdmock.core.fixtures import UserFixtures
from crowdmock.core.shared import ControlPlane
from crowdmock.core.store import Store, tenant_database_url
from crowdmock.core.tenancy import DEFAULT, Tenant
from crowdmock.settings import Settings
from crowdmock.vendors import VENDORS


def assemble(settings: Settings, name: str, store: Store, control: ControlPlane, template: str | None = None) -> Tenant:
    """A tenant on its store and control plane: started (seeded, or copied from `template`), with its own clock,
    deterministic draws and token secret."""
    seed = settings.random_seed if name == DEFAULT else f"{settings.random_seed}:{name}"
    tenant_clock = clock.Clock(settings.deterministic, settings.clock, control.make_draws(seed))
    store.after_reset.append(control.clear_counters)
    with clock.using(tenant_clock):
        store.start(template=template)
    secret = settings.token_secret
    if secret is None:
        # Deterministic runs on fresh databases must sign alike; otherwise each database has its own secret.
        secret = f"crowdmock-deterministic-{settings.random_seed}" if settings.deterministic else store.token_secret
    if name != DEFAULT:  # a tenant's credentials are refused by every other, whatever secret the server was given
        secret = f"{secret}:{name}"
    return Tenant(name, store, control, settings.model_copy(update={"token_secret": secret}), tenant_clock)


class TenantData:
    """The TenantMaker of a server (core/tenancy.py): `open_store(settings)` opens a store on a database (main.py),
    `control(name)` gives a tenant's control plane."""

    def __init__(self, settings: Settings, default: Tenant, open_store, control):
        self.settings, self.default, self.open_store, self.control = settings, default, open_store, control
        self.postgres = default.store.engine.dialect.name == "postgresql"

    def make(self, name: str, generation: str, source: dict | None) -> Tenant:
        fixtures = (source or {}).get("fixtures")
        self.drop(name, generation)  # anything left under its name by a server that was killed
        store = self._store(name, generation, fixtures)
        try:
            if self.postgres:
                with store.writer.begin() as conn:  # with its data version, which this very commit bumps
                    conn.exec_driver_sql(f'CREATE SCHEMA "{_schema(name, generation)}"')
                    create_data_version(conn)
            template = None if fixtures else self._template()
            tenant = assemble(self.settings, name, store, self.control(name), template)
            tenant.generation = generation
            if source and "snapshot" in source:
                snapshot.load(store, source["snapshot"])
        except BaseException:
            store.close()
            self.drop(name, generation)
            raise
        return tenant

    def attach(self, name: str, generation: str) -> Tenant:
        store = self._store(name, generation, None, follow=True)
        tenant = assemble(self.settings, name, store, self.control(name))
        tenant.generation = generation
        return tenant

    def close(self, tenant: Tenant) -> None:
        tenant.store.close()

    def drop(self, name: str, generation: str) -> None:
        if self.postgres:
            with self.default.store.writer.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{_schema(name, generation)}" CASCADE')
            return
        database = make_url(tenant_database_url(self.settings.database_url, name, generation)).database
        if database:  # a private one went with its engine
            remove_database(database)

    def clear_leftovers(self) -> None:
        """A one-process server's named tenants lived as long as it did: files a killed one left go at start."""
        url = make_url(self.settings.database_url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            path = Path(url.database)
            for leftover in path.with_name(f"{path.stem}.tenants").glob("*.sqlite3"):
                remove_database(str(leftover))

    def _template(self) -> str:
        """What a new tenant is a copy of: the default tenant's pristine file, or schema."""
        store = self.default.store
        return store.pristine_schema() if self.postgres else store.pristine_file()

    def _store(self, name: str, generation: str, fixtures: str | None, follow: bool = False) -> Store:
        """`follow`: data made already, which records its own seed's source."""
        default = self.default.store
        if self.postgres:
            engine = default.engine.execution_options(schema_translate_map={None: _schema(name, generation)})
            store = Store(
                engine, VENDORS, self.settings.fixtures_dir, owns_engine=False, data_version=default.version_reader
            )
        else:
            url = tenant_database_url(self.settings.database_url, name, generation)  # make_engine makes its folder
            store = self.open_store(self.settings.model_copy(update={"database_url": url, "fixtures": None}))
        if fixtures:
            store.user_fixtures, store.follow_recorded = UserFixtures(Path(fixtures)), False
        elif not follow:  # the default tenant's seed (the server's fixtures)
            store.user_fixtures, store.fixtures_dir = default.user_fixtures, default.fixtures_dir
        return store


def _schema(name: str, generation: str) -> str:
    return f"t_{name}_{generation}"
