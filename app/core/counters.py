"""Row counts kept by the database: `RowCount(source, "name", *columns)` is a table of how many rows of `source` have
each value of `columns`, which triggers on `source` keep right as rows are inserted, deleted or moved. A count a
vendor answers with on every page (a member's ideas, a list's total) then costs one indexed read instead of a walk
over every counted row (docs/performance.md, Cost that grows).

Every write counts, whatever makes it: a route, a seed, a reset's or a tenant's copy, a snapshot, a client's own SQL.
The count tables are not the vendor's tables (their own MetaData), so snapshots, resets and `vendor_tables` never see
them. `ensure_all(conn)` makes them (and their triggers) next to the tables a `create_all` has just made, and counts
what is already there: a database made by older code gains them when this code first checks its schema."""

import contextlib
from collections.abc import Iterator

from sqlalchemy import Column, Integer, MetaData, Table, func
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from crowdmock.core.dialect import qualified

metadata = MetaData()


class RowCount:
    def __init__(self, source: Table, name: str, *columns: str):
        self.source, self.columns = source, columns
        keys = [Column(c, source.c[c].type, primary_key=True, autoincrement=False) for c in columns]
        self.table = Table(name, metadata, *keys, Column("n", Integer, nullable=False))
        COUNTS.append(self)

    def total(self, session: Session, *where) -> int:
        """The sum of the counts whose keys match `where` (0 when none do). An int: PostgreSQL sums `n`, a BIGINT
        there as every Integer (core/dialect.py), as numeric."""
        return int(session.exec(select(func.coalesce(func.sum(self.table.c.n), 0)).where(*where)).one())

    def ensure(self, conn: Connection) -> None:
        """The count table and its triggers, made anew and filled from the source's rows (one GROUP BY)."""
        self.drop_triggers(conn)
        self.table.drop(conn, checkfirst=True)
        self.table.create(conn)
        self.fill(conn)
        self.create_triggers(conn)

    def fill(self, conn: Connection) -> None:
        counts, source = qualified(conn, self.table.name), qualified(conn, self.source.name)
        keys, present = _names(self.columns), _present("", self.columns)
        conn.exec_driver_sql(
            f"INSERT INTO {counts} ({keys}, n) SELECT {keys}, count(*) FROM {source} WHERE {present} GROUP BY {keys}"
        )

    def create_triggers(self, conn: Connection) -> None:
        for statement in (_sqlite_triggers if conn.dialect.name == "sqlite" else _postgresql_triggers)(self, conn):
            conn.exec_driver_sql(statement)

    def drop_triggers(self, conn: Connection) -> None:
        name = self.table.name
        if conn.dialect.name == "sqlite":
            for event in ("insert", "delete", "update"):
                conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "{name}_{event}"')
        else:
            conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "{name}" ON {qualified(conn, self.source.name)}')

    def set_triggers(self, conn: Connection, on: bool) -> None:
        """Triggers off and on again within a transaction. SQLite: dropped and made again (its write lock is held,
        and readers of WAL are not blocked by DDL). PostgreSQL: `ALTER TABLE ... DISABLE TRIGGER`, which blocks
        writers but not readers; dropping one would lock readers out until the commit, and deadlock one that had
        already read another counted table."""
        if conn.dialect.name == "sqlite" and on:
            self.create_triggers(conn)
        elif conn.dialect.name == "sqlite":
            self.drop_triggers(conn)
        else:
            state = "ENABLE" if on else "DISABLE"
            conn.exec_driver_sql(f'ALTER TABLE {qualified(conn, self.source.name)} {state} TRIGGER "{self.table.name}"')


COUNTS: list[RowCount] = []


def ensure_all(conn: Connection) -> None:
    for count in COUNTS:
        count.ensure(conn)


@contextlib.contextmanager
def recounted(conn: Connection, tables: list[Table]) -> Iterator[None]:
    """For replacing the rows of `tables` in bulk in one transaction (a reset's copy, a seed, a snapshot): their
    counts' triggers are off meanwhile and the counts made again from the rows once at the end, one GROUP BY
    instead of a trigger run per row deleted and inserted (which made a reset of every vendor's fixtures 17 ms
    instead of 10, docs/performance.md). A failure rolls the transaction back, the triggers' state with it."""
    names = {table.name for table in tables}
    counts = [count for count in COUNTS if count.source.name in names]
    for count in counts:
        count.set_triggers(conn, on=False)
    yield
    for count in counts:
        conn.exec_driver_sql(f"DELETE FROM {qualified(conn, count.table.name)}")
        count.fill(conn)
        count.set_triggers(conn, on=True)


def _names(columns: tuple[str, ...], prefix: str = "") -> str:
    """`"a", "b"`, or `NEW."a", NEW."b"` with a prefix."""
    return ", ".join(f'{prefix}"{c}"' for c in columns)


def _present(prefix: str, columns: tuple[str, ...]) -> str:
    return " AND ".join(f'{prefix}"{c}" IS NOT NULL' for c in columns)


def _old_match(columns: tuple[str, ...]) -> str:
    return " AND ".join(f'"{c}" = OLD."{c}"' for c in columns)


def _sqlite_triggers(count: RowCount, conn: Connection) -> list[str]:
    # SQLite: a trigger's statements name tables unqualified (they are the trigger's own database's).
    name, source, keys = count.table.name, count.source.name, _names(count.columns)
    add = (
        f'INSERT INTO "{name}" ({keys}, n) SELECT {_names(count.columns, "NEW.")}, 1 '
        f"WHERE {_present('NEW.', count.columns)} ON CONFLICT ({keys}) DO UPDATE SET n = n + 1;"
    )
    remove = f'UPDATE "{name}" SET n = n - 1 WHERE {_old_match(count.columns)};'
    return [
        f'CREATE TRIGGER "{name}_insert" AFTER INSERT ON "{source}" BEGIN {add} END',
        f'CREATE TRIGGER "{name}_delete" AFTER DELETE ON "{source}" BEGIN {remove} END',
        f'CREATE TRIGGER "{name}_update" AFTER UPDATE OF {keys} ON "{source}" BEGIN {remove} {add} END',
    ]


def _postgresql_triggers(count: RowCount, conn: Connection) -> list[str]:
    """One function per count and schema. Its tables are named with their schema (a tenant's, or the one the
    default store's tables are in), so a client's session with another search_path still counts in the right one."""
    schema = (conn.get_execution_options().get("schema_translate_map") or {}).get(None)
    schema = schema or conn.exec_driver_sql("SELECT current_schema()").scalar()

    def named(table: str) -> str:
        return f'"{schema}"."{table}"'

    counts, source, function = named(count.table.name), named(count.source.name), named(f"{count.table.name}_count")
    keys = _names(count.columns)
    return [
        f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        IF {_present("OLD.", count.columns)} THEN
            UPDATE {counts} SET n = n - 1 WHERE {_old_match(count.columns)};
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        IF {_present("NEW.", count.columns)} THEN
            INSERT INTO {counts} ({keys}, n) VALUES ({_names(count.columns, "NEW.")}, 1)
            ON CONFLICT ({keys}) DO UPDATE SET n = {counts}.n + 1;
        END IF;
    END IF;
    RETURN NULL;
END $$""",
        f'CREATE TRIGGER "{count.table.name}" AFTER INSERT OR DELETE OR UPDATE OF {keys} ON {source} '
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
    ]
