"""Snapshots: the whole store (or some vendors) as JSON, and loading one back.

Format: `{"format": "crowdmock-snapshot", "version": 1, "vendors": {vendor: {table: [row, ...]}}}`, every row an
object of all the table's columns; binary columns are base64 text. Loading checks every vendor, table, column and
value type first and then replaces the listed vendors' tables in one transaction, so a bad snapshot changes
nothing.
"""

import base64
import binascii
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Integer, LargeBinary, String, Table, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from crowdmock.core import clock
from crowdmock.core.store import Store

FORMAT, VERSION = "crowdmock-snapshot", 1
_SQLITE_INT = 2**63


class SnapshotError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def export(store: Store, vendors: list[str] | None = None) -> dict:
    out: dict[str, dict[str, list[dict]]] = {}
    with store.engine.connect() as conn:
        for vendor in vendors or list(store.vendors):
            tables = {}
            for table in store.vendor_tables(vendor):
                binary = [c.name for c in table.columns if isinstance(c.type, LargeBinary)]
                order = [c for c in table.primary_key.columns]
                rows = [dict(r) for r in conn.execute(select(table).order_by(*order)).mappings()]
                for row in rows:
                    for name in binary:
                        if row[name] is not None:
                            row[name] = base64.b64encode(row[name]).decode("ascii")
                tables[str(table.name)] = rows
            out[vendor] = tables
    return {"format": FORMAT, "version": VERSION, "exported_at": clock.now().isoformat(), "vendors": out}


def _value(column, value: Any) -> tuple[bool, Any]:
    """(valid, value to store) for one column."""
    if value is None:
        return column.nullable or bool(column.primary_key and column.autoincrement), None
    kind = column.type
    if isinstance(kind, JSON):
        return True, value
    if isinstance(kind, Boolean):
        return isinstance(value, bool), value
    if isinstance(kind, Integer):
        return isinstance(value, int) and not isinstance(value, bool) and -_SQLITE_INT <= value < _SQLITE_INT, value
    if isinstance(kind, Float):
        return isinstance(value, int | float) and not isinstance(value, bool), value
    if isinstance(kind, LargeBinary):
        try:
            return True, base64.b64decode(value, validate=True)
        except (binascii.Error, TypeError, ValueError):
            return False, None
    if isinstance(kind, String):
        return isinstance(value, str), value
    return True, value


def _rows(table: Table, rows: Any, problems: list[str]) -> list[dict]:
    if not isinstance(rows, list):
        problems.append(f"{table.name}: expected a list of rows")
        return []
    columns = {c.name: c for c in table.columns}
    clean = []
    for index, row in enumerate(rows):
        where = f"{table.name}[{index}]"
        if not isinstance(row, dict):
            problems.append(f"{where}: expected an object")
            continue
        unknown = sorted(set(row) - set(columns))
        if unknown:
            problems.append(f"{where}: unknown column(s) {', '.join(unknown)}")
        out = {}
        for name, column in columns.items():
            ok, value = _value(column, row.get(name))
            if not ok:
                problems.append(f"{where}.{name}: {row.get(name)!r} is not a valid {column.type}")
            out[name] = value
        clean.append(out)
    return clean


def load(store: Store, snapshot: Any) -> list[str]:
    """Replace the snapshot's vendors with its rows; returns their names. Raises SnapshotError."""
    if not isinstance(snapshot, dict):
        raise SnapshotError(["a snapshot is a JSON object"])
    problems: list[str] = []
    if snapshot.get("format") != FORMAT or snapshot.get("version") != VERSION:
        problems.append(f'expected "format": "{FORMAT}" and "version": {VERSION}')
    vendors = snapshot.get("vendors")
    if not isinstance(vendors, dict) or not vendors:
        raise SnapshotError([*problems, '"vendors" must be an object of vendor name -> tables'])
    plan: list[tuple[str, list[tuple[Table, list[dict]]]]] = []
    for vendor, tables in vendors.items():
        if vendor not in store.vendors:
            problems.append(f"unknown vendor {vendor!r}")
            continue
        if not isinstance(tables, dict):
            problems.append(f"{vendor}: expected an object of table name -> rows")
            continue
        known = {t.name: t for t in store.vendor_tables(vendor)}
        problems += [f"{vendor}: unknown table {name!r}" for name in sorted(set(tables) - set(known))]
        problems += [f"{vendor}: missing table {name!r}" for name in sorted(set(known) - set(tables))]
        plan.append((vendor, [(t, _rows(t, tables[t.name], problems)) for t in known.values() if t.name in tables]))
    if problems:
        raise SnapshotError(problems)
    try:
        with store.writer.begin() as conn:
            for vendor, tables in plan:
                store.replace_rows(conn, vendor, tables)
                store.mark_seeded(conn, vendor)
    except (IntegrityError, DBAPIError) as exc:
        raise SnapshotError([f"the rows do not fit the store: {exc.orig}"]) from None
    names = [vendor for vendor, _ in plan]
    store.run_after_reset(names)
    return names
