"""What the database would refuse of a user's fixtures, found before inserting and named by file, record and field.

The shape check (core/fixtures.py) lets a record's fields be null and knows nothing of the tables; the seed loaders
turn records into rows. This looks at those rows against their table's columns: a null where the column needs a
value, a value of a JSON type the column cannot hold (SQLite would store it anyway, PostgreSQL refuses it), a repeated
value in a unique column. Each is traced back to the user's record that holds it."""

import json
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import BigInteger, Boolean, Float, Integer, Numeric, String, Table, TypeDecorator

from crowdmock.core.fixtures import json_type

# The JSON types a column of each kind takes (a boolean is no number to PostgreSQL).
ACCEPTED = (
    (Boolean, {"boolean", "integer"}),
    (Integer, {"integer"}),
    ((Float, Numeric), {"integer", "number"}),
    (String, {"string"}),
)


# PostgreSQL's INTEGER (SQLite would store more) and text (no NUL character): both backends refuse the same values.
INT32 = (-(2**31), 2**31 - 1)


def _type(column):
    """The column's SQL type (SQLModel's `str` columns are a decorated String)."""
    return column.type.impl if isinstance(column.type, TypeDecorator) else column.type


def _out_of_range(column, value) -> str | None:
    kind = _type(column)
    int32 = isinstance(kind, Integer) and not isinstance(kind, BigInteger)
    if int32 and isinstance(value, int) and not INT32[0] <= value <= INT32[1]:
        return f"expected an integer from {INT32[0]} to {INT32[1]}, got {value}"
    if isinstance(kind, String) and isinstance(value, str) and "\x00" in value:
        return "expected text without NUL characters"
    return None


def _accepted(column) -> set[str] | None:
    for kinds, accepted in ACCEPTED:
        if isinstance(_type(column), kinds):
            return accepted
    return None  # JSON and others take any value


def _generated(column) -> bool:
    return column.primary_key and column.autoincrement in (True, "auto") and isinstance(column.type, Integer)


class UserRecords:
    """The records of a user's vendor folder, to find the one a row came from."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.records: list[tuple[Path, int, dict]] = []
        for path in sorted(folder.glob("*.json")):
            try:
                records = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError):
                continue
            self.records += [(path, i, r) for i, r in enumerate(records) if isinstance(r, dict)]

    def find(self, row: dict, table: Table, column: str, value) -> tuple[str, object] | None:
        """Where the record that `row` came from holds `column` (or `column` without `_id`, a reference), and what it
        holds there: the record holding `value` there that looks most like `row` (the most fields alike), else for a
        null one holding something the loader read as null; None if no record fits."""
        names = [column, column.removesuffix("_id")] if column.endswith("_id") else [column]
        best, place = (0, 0), None
        for path, i, record in self.records:
            name = next((n for n in names if n in record), None)
            if name is None:
                continue
            held = _same(_plain(record[name]), value)
            if not held and value is not None:
                continue
            alike = sum(1 for k, v in record.items() if k in row and _same(_plain(v), row[k]))
            if (held, alike) > best:
                best, place = (held, alike), (f"{path}: record {i}: field {name!r}", record[name])
        return place


def _plain(value):
    """A reference object (`{"id": 1, "url": ...}`) stands for its id."""
    return value.get("id") if isinstance(value, dict) and "id" in value else value


def _same(a, b) -> bool:
    return a == b and type(a) is type(b) or (a is None and b is None)


def problems(user_folder: Path, vendor: str, seed: Iterable[tuple[type, list[dict]]]) -> list[str]:
    """What the database would refuse of `seed` (the rows a vendor's loader made of the composed fixtures)."""
    user = UserRecords(user_folder / vendor)
    found: list[str] = []
    for model, rows in seed:
        table: Table = model.__table__
        columns = [c for c in table.columns if not _generated(c)]
        unique = [c for c in table.columns if c.unique or (c.primary_key and len(table.primary_key.columns) == 1)]
        seen: dict[str, dict] = {c.name: {} for c in unique}
        for row in rows:
            for column in columns:
                value = row.get(column.name)
                if value is None:
                    if not column.nullable and column.name in row:
                        found.append(_where(user, row, table, column.name, value, "expected a value, got null"))
                    continue
                accepted, kind = _accepted(column), json_type(value)
                if accepted is not None and kind not in accepted and kind != "unknown":
                    wanted = " or ".join(sorted(accepted))
                    found.append(_where(user, row, table, column.name, value, f"expected {wanted}, got {kind}"))
                elif (message := _out_of_range(column, value)) is not None:
                    found.append(_where(user, row, table, column.name, value, message))
            for column in unique:
                value = row.get(column.name)
                if value is None:
                    continue
                key = json.dumps(value, sort_keys=True, default=str)
                if key in seen[column.name]:
                    message = f"another record has {value!r} too (it must be unique)"
                    found.append(_where(user, row, table, column.name, value, message))
                seen[column.name][key] = row
    return list(dict.fromkeys(found))


def _where(user: UserRecords, row: dict, table: Table, column: str, value, message: str) -> str:
    found = user.find(row, table, column, value)
    if found is None:  # a value the loader made, or one of a default record
        keys = ", ".join(f"{c.name} {row.get(c.name)!r}" for c in table.primary_key.columns)
        return f"{user.folder}: table {table.name} ({keys}): column {column!r}: {message}"
    place, held = found
    if value is None and held is not None:
        return f"{place}: {json.dumps(held)} reads as no value, and one is needed"
    return f"{place}: {message}"
