"""Where SQLite and PostgreSQL truly differ, one SQL construct each, written once per dialect (vendor code stays
dialect-neutral by using these and SQLAlchemy expressions only).

- `JsonField(column, key)`: a JSON document's field as a comparable SQL value, the same expression in an index and
  in the lookups that should use it. SQLite: `json_extract(doc, '$.key')`; PostgreSQL: `(doc -> 'key')::jsonb`.
- `json_field_is(column, key, value)`: that field equals a JSON value, type included (`1`, `"1"` and `true` differ).
  `json_field_is_param(column, key, name)` is the same test with the value a parameter, for a statement built once
  and executed with `json_field_params(name, value)`.
- `DataVersion(engine)()`: a value that changes whenever any connection commits a change of data, for the response
  cache. SQLite: `PRAGMA data_version` (the control tables live in another file, so journal writes leave it alone).
  PostgreSQL: a counter row (`crowdmock_data_version`) that every transaction which wrote bumps just before its
  commit (`count_data_writes`), so the bump and the data become visible together, and the control tables' writes
  (every request's journal entry) do not count.
- Integers are 64-bit on both: SQLite's INTEGER is; on PostgreSQL every Integer column is created as BIGINT (unix
  times past 2038, ids a client makes up), since the code assumes 2**63 everywhere (core/db.py MAX_INTEGER).
- Text may hold U+0000 on SQLite; PostgreSQL refuses it. On PostgreSQL connections crowdmock's text parameters
  carry U+FFFD in its place (`nul_free_text_dumpers`), so such input is stored, not answered with a 500.
- `sync_sequences(conn, tables)`: after rows were inserted with their ids (seed, reset, snapshot), the next generated
  id follows the largest. SQLite does it by itself; PostgreSQL's sequences must be moved.

Keys are the code's own constants (they are written into the SQL), never a client's input.
"""

import contextlib
import json
import re
import sqlite3
import threading

from sqlalchemy import Integer, String, Table, and_, bindparam, event, literal
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import JSON


class JsonField(FunctionElement):
    # Cached compiled like any statement: the key, written into the SQL, is part of the cache key.
    inherit_cache = True
    _traverse_internals = [*FunctionElement._traverse_internals, ("key", InternalTraversal.dp_string)]
    name = "json_field"

    def __init__(self, column, key: str):
        self.key = key
        super().__init__(column)


@compiles(JsonField)
def _json_field_sqlite(element: JsonField, compiler, **kw) -> str:
    column = compiler.process(list(element.clauses)[0], **kw)
    return f"json_extract({column}, '$.{element.key}')"


@compiles(JsonField, "postgresql")
def _json_field_postgresql(element: JsonField, compiler, **kw) -> str:
    column = compiler.process(list(element.clauses)[0], **kw)
    return f"(({column} -> '{element.key}')::jsonb)"


class _JsonValue(FunctionElement):
    """A Python value as the dialect's JsonField sees it: both forms are bound parameters (so the statement is
    cached compiled and each use binds its own value): the JSON text, and the value as SQLite's json_extract gives
    it (text for a string, a number, 1/0 for true/false)."""

    inherit_cache = True
    name = "json_value"
    type = JSON()

    def __init__(self, json_text, value):
        super().__init__(json_text, value)


@compiles(_JsonValue)
def _json_value_sqlite(element: _JsonValue, compiler, **kw) -> str:
    return compiler.process(list(element.clauses)[1], **kw)


@compiles(_JsonValue, "postgresql")
def _json_value_postgresql(element: _JsonValue, compiler, **kw) -> str:
    return f"CAST({compiler.process(list(element.clauses)[0], **kw)} AS JSONB)"


def _sqlite_json_type(value) -> str:
    """SQLite's json_type() name of a JSON value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return "integer"
    return {float: "real", str: "text", list: "array", dict: "object"}.get(type(value), "null")


class _SqliteTypeCheck(FunctionElement):
    inherit_cache = True  # the key is part of the cache key, the type name a bound parameter
    _traverse_internals = [*FunctionElement._traverse_internals, ("key", InternalTraversal.dp_string)]
    name = "json_type_check"

    def __init__(self, column, key: str, type_name):
        self.key = key
        super().__init__(column, type_name)


@compiles(_SqliteTypeCheck)
def _type_check_sqlite(element: _SqliteTypeCheck, compiler, **kw) -> str:
    column, kind = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"json_type({column}, '$.{element.key}') = {kind}"


@compiles(_SqliteTypeCheck, "postgresql")
def _type_check_postgresql(element: _SqliteTypeCheck, compiler, **kw) -> str:
    return "TRUE"  # jsonb equality compares types already


def json_field_is(column, key: str, value) -> ColumnElement[bool]:
    json_text, type_name = literal(nul_free_json(value)), literal(_sqlite_json_type(value))
    return and_(
        JsonField(column, key) == _JsonValue(json_text, literal(value)), _SqliteTypeCheck(column, key, type_name)
    )


def json_field_is_param(column, key: str, name: str) -> ColumnElement[bool]:
    """json_field_is with the value given at execution, as the parameters `json_field_params(name, value)`."""
    value = _JsonValue(bindparam(f"{name}_json", type_=String()), bindparam(f"{name}_value"))
    return and_(
        JsonField(column, key) == value, _SqliteTypeCheck(column, key, bindparam(f"{name}_type", type_=String()))
    )


def json_field_params(name: str, value) -> dict:
    return {f"{name}_json": nul_free_json(value), f"{name}_value": value, f"{name}_type": _sqlite_json_type(value)}


def sync_sequences(conn: Connection, tables: list[Table]) -> None:
    if conn.dialect.name != "postgresql":
        return
    moves = []
    for table in tables:
        name = qualified(conn, table.name)
        for column in table.primary_key.columns:
            if column.autoincrement in (True, "auto") and isinstance(column.type, Integer):
                moves.append(
                    f"setval(pg_get_serial_sequence('{name}', '{column.name}'), "
                    f'COALESCE((SELECT MAX("{column.name}") FROM {name}), 0) + 1, false)'
                )
    if moves:  # one statement: one round trip
        conn.exec_driver_sql(f"SELECT {', '.join(moves)}")


def qualified(conn: Connection, table_name: str) -> str:
    """A table's name for raw SQL on this connection: in the schema its `schema_translate_map` puts it, if any."""
    schema = (conn.get_execution_options().get("schema_translate_map") or {}).get(None)
    return f'"{schema}"."{table_name}"' if schema else f'"{table_name}"'


# PostgreSQL: the data version row, and the connection info key of a transaction that wrote.
DATA_VERSION_TABLE = "crowdmock_data_version"
_WROTE = "crowdmock_wrote"
_WRITES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "CREATE", "DROP", "ALTER")


def create_data_version(conn: Connection) -> None:
    """PostgreSQL: the data version's row, made once per database (every process runs it; it is idempotent)."""
    if conn.dialect.name == "postgresql":
        name = qualified(conn, DATA_VERSION_TABLE)
        conn.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS {name} (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)")
        conn.exec_driver_sql(f"INSERT INTO {name} VALUES (1, 0) ON CONFLICT DO NOTHING")


def count_data_writes(engine: Engine) -> None:
    """PostgreSQL: a transaction that wrote bumps the data version right before it commits. The row is locked only
    between that update and the commit, so no writer waits on it while holding other rows."""

    @event.listens_for(engine, "before_cursor_execute")
    def _note_write(conn, _cursor, statement, _parameters, _context, _executemany):
        if _WROTE not in conn.info and statement.lstrip()[:8].upper().startswith(_WRITES):
            conn.info[_WROTE] = qualified(conn, DATA_VERSION_TABLE)

    @event.listens_for(engine, "commit")
    def _bump(conn):
        name = conn.info.pop(_WROTE, None)
        if name is not None:  # raw cursor: this runs inside SQLAlchemy's commit
            with conn.connection.dbapi_connection.cursor() as cursor:
                cursor.execute(f"UPDATE {name} SET n = n + 1 WHERE id = 1")

    @event.listens_for(engine, "rollback")
    def _forget(conn):
        conn.info.pop(_WROTE, None)

    @event.listens_for(engine, "checkin")
    def _forget_on_return(_dbapi_connection, record):
        record.info.pop(_WROTE, None)


class DataVersion:
    """`sharing`: on PostgreSQL, another DataVersion of the same server (the default tenant's) whose connection this
    one uses: a tenant's schema is asked on one connection per process, not one per tenant."""

    def __init__(self, engine: Engine, sharing: "DataVersion | None" = None):
        self.engine = engine
        schema = (engine.get_execution_options().get("schema_translate_map") or {}).get(None)  # a tenant's
        self._table = f'"{schema}".{DATA_VERSION_TABLE}' if schema else DATA_VERSION_TABLE
        self._owner = sharing if sharing is not None and engine.dialect.name == "postgresql" else self
        self._connection = None
        self._lock = threading.Lock()  # one statement at a time on the shared connection (worker threads)

    def __call__(self) -> object:
        return self._owner._ask(self._table)

    def _ask(self, table: str) -> object:
        with self._lock:
            try:
                return self._read(table)
            except Exception:  # the server restarted or dropped an idle connection: a new one, once
                self._close()
                return self._read(table)

    def _read(self, table: str) -> object:
        if self._connection is None:
            self._connection = self._open()
        if self.engine.dialect.name == "sqlite":
            return self._connection.execute("PRAGMA data_version").fetchone()[0]
        return self._connection.execute(f"SELECT n FROM {table} WHERE id = 1").fetchone()[0]

    def _open(self):
        if self.engine.dialect.name == "sqlite":
            return sqlite3.connect(self.engine.url.database, check_same_thread=False, isolation_level=None)
        args, options = self.engine.dialect.create_connect_args(self.engine.url)
        connection = self.engine.dialect.connect(*args, **options)  # its own, outside the pool
        connection.autocommit = True
        return connection

    def close(self) -> None:
        """Close its connection (one it shares is its owner's to close)."""
        if self._owner is self:
            with self._lock:
                self._close()

    def _close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.close()
            self._connection = None


@compiles(Integer, "postgresql")
def _integer_postgresql(element: Integer, compiler, **kw) -> str:
    return "BIGINT"


# A JSON escape of U+0000 (`\u0000` not itself escaped: an even number of backslashes before it).
_ESCAPED_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")


def nul_free_json(value) -> str:
    """JSON text (as SQLAlchemy writes it) with U+0000 written as U+FFFD: PostgreSQL's jsonb refuses it, as its text
    does (nul_free_text_dumpers). The PostgreSQL engines' JSON serializer, and the JSON text of a comparison."""
    text = json.dumps(value)
    return _ESCAPED_NUL.sub(r"\1\\ufffd", text) if "\\u0000" in text else text


def nul_free_text_dumpers() -> list[tuple[type, type]]:
    """psycopg dumpers of str that write U+FFFD for U+0000, registered on crowdmock's own connections only."""
    from psycopg.types.string import StrBinaryDumper, StrDumperUnknown

    class NulFreeText(StrDumperUnknown):
        def dump(self, obj: str):
            return super().dump(obj.replace("\x00", "\ufffd"))

    class NulFreeBinary(StrBinaryDumper):
        def dump(self, obj: str):
            return super().dump(obj.replace("\x00", "\ufffd"))

    return [(str, NulFreeText), (str, NulFreeBinary)]
