"""A user's own fixture folder (`crowdmock seed --fixtures DIR`, CROWDMOCK_FIXTURES): checked against the shape of
the default fixtures, then laid over them (or put instead of them) in a composed folder that the vendors' seed
loaders read like the default one.

DIR holds `<vendor>/<file>.json` like `fixtures/`, each file a JSON array of records shaped like the default file's.
On top of the defaults, a record replaces the default record with the same identity (its first field, e.g. `id`,
unless the vendor's descriptor names others in `fixture_identities`) and is added otherwise. Instead of the defaults
(`replace`), a vendor folder in DIR is the whole seed of that vendor: a file it lacks is an empty table."""

import atexit
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}
# An array of plain values (ids, labels) in the defaults may hold numbers or strings in a user's records: the vendors'
# lists take either (Ushahidi's select options are labels where its tags options are ids, its post `sets` ids are
# strings or numbers), and the defaults happening to use one says nothing about the other. Booleans, nulls, objects
# and arrays in such a list stay shape errors, and so does a value outside any array.
NUMBER_OR_STRING = frozenset({"integer", "number", "string"})
# A record's own fields may be null whatever the defaults show: vendors' real data leaves fields empty where the
# example records happen to have a value (Ushahidi's Base.yml: posts without a form or author, roles without a
# description). The fields that identify a record may not; the seed loaders and the database judge the rest, and
# what they refuse is reported by file, record and field (app/core/store.py). Values inside a field keep the
# defaults' shape.


class FixtureError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class RecordError(ValueError):
    """A seed loader's refusal of one field of a record it read (the store names the user's file and record)."""

    def __init__(self, file: str, record: dict, field: str, message: str):
        super().__init__(f"{file}.json: field {field!r}: {message}")
        self.file, self.record, self.field, self.message = file, record, field, message

    def problem(self, folder: Path) -> str:
        """The problem as the shape check words it, `folder` being the user's vendor folder."""
        path = folder / f"{self.file}.json"
        try:
            records = json.loads(path.read_text("utf-8"))
            where = f"record {records.index(self.record)}"
        except (OSError, ValueError):  # not the user's record: one of the defaults
            key, value = next(iter(self.record.items()), ("record", None))
            where = f"record with {key} {value!r}"
        return f"{path}: {where}: field {self.field!r}: {self.message}"


@dataclass(frozen=True)
class UserFixtures:
    folder: Path
    replace: bool = False

    @property
    def source(self) -> str:
        """How a database records where its seed came from."""
        return f"{'replace' if self.replace else 'merge'}:{self.folder.resolve()}"

    @classmethod
    def from_source(cls, source: str) -> "UserFixtures | None":
        mode, _, folder = source.partition(":")
        return cls(Path(folder), mode == "replace") if mode in ("merge", "replace") else None


def json_type(value) -> str:
    return "null" if value is None else JSON_TYPES.get(type(value), "unknown")


@dataclass
class Shape:
    """What the default fixtures show at one position: the JSON types, and for objects the keys every instance has
    and the shapes of their values; for arrays the shape of the items. `nullable`: null is accepted too."""

    types: set[str]
    required: set[str]
    fields: dict[str, "Shape"]
    items: "Shape | None"
    nullable: bool = False

    @classmethod
    def of(cls, values: list, identity: tuple[str, ...] = (), records: bool = True) -> "Shape":
        """`values`: a fixture file's records (their fields but `identity` nullable), or when not `records` the
        values at one position inside them."""
        types = {json_type(v) for v in values}
        objects = [v for v in values if isinstance(v, dict)]
        items = [item for v in values if isinstance(v, list) for item in v]
        keys = list(dict.fromkeys(k for o in objects for k in o))
        fields = {k: cls.of([o[k] for o in objects if k in o], records=False) for k in keys}
        if records:
            for key, field in fields.items():
                field.nullable = key not in {path.split(".")[0] for path in identity}
        return cls(
            types=types,
            required={k for k in keys if all(k in o for o in objects)},
            fields=fields,
            items=cls.of(items, records=False) if items else None,
        )

    def problems(self, value, where: str, top: bool = False, in_array: bool = False) -> list[str]:
        kind = json_type(value)
        if value is None and self.nullable:
            return []
        accepted = NUMBER_OR_STRING if in_array and self.types and self.types <= NUMBER_OR_STRING else self.types
        if self.types <= {"null"} or kind in accepted or (kind == "integer" and "number" in accepted):
            pass
        else:
            wanted = " or ".join(sorted(accepted))
            return [f"{where}: expected {wanted}, got {kind}"]
        found: list[str] = []
        if isinstance(value, dict) and self.fields:
            missing = [repr(k) for k in self.fields if k in self.required and k not in value]
            if missing:
                found.append(f"{where}: missing field{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
            for key, item in value.items():
                if key in self.fields:
                    found += self.fields[key].problems(item, f"{where}: field {key!r}" if top else f"{where}.{key}")
                elif top:
                    found.append(f"{where}: unknown field {key!r} (known: {', '.join(self.fields)})")
        elif isinstance(value, list) and self.items is not None:
            for i, element in enumerate(value):
                found += self.items.problems(element, f"{where}[{i}]", in_array=True)
        return found


def _identity(record: dict, paths: tuple[str, ...]) -> tuple:
    key = []
    for path in paths:
        value = record
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        key.append(json.dumps(value, sort_keys=True))
    return tuple(key)


def read_fixture(folder: Path, name: str) -> list[dict]:
    """The records of `folder/<name>.json`, as a vendor's seed loader reads them."""
    return json.loads((folder / f"{name}.json").read_text("utf-8"))


def _read(path: Path, problems: list[str]) -> list | None:
    try:
        data = json.loads(path.read_text("utf-8"))
    except UnicodeDecodeError:
        problems.append(f"{path}: not UTF-8 text")
        return None
    except json.JSONDecodeError as exc:
        problems.append(f"{path}: not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})")
        return None
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        problems.append(f"{path}: expected a JSON array of objects, like the default {path.parent.name}/{path.name}")
        return None
    return data


def compose(defaults: Path, user: UserFixtures, identities: dict[str, dict[str, tuple[str, ...]]]) -> Path:
    """Check `user.folder` against `defaults` and write the combined fixtures to a new temporary folder (deleted when
    the process exits). `identities`: vendor -> file stem -> the dotted paths that identify a record.
    Raises FixtureError listing every problem, each naming the file, record and field."""
    problems: list[str] = []
    if not user.folder.is_dir():
        raise FixtureError([f"{user.folder}: not a folder"])
    vendors = {p.name: p for p in sorted(user.folder.iterdir()) if p.is_dir() and not p.name.startswith(".")}
    for name in vendors:
        if name not in identities:
            problems.append(f"{user.folder / name}: not a vendor (known: {', '.join(identities)})")
    combined: dict[str, dict[str, list]] = {}
    for name, folder in vendors.items():
        if name not in identities:
            continue
        known = {p.stem: p for p in sorted((defaults / name).glob("*.json"))}
        for path in sorted(folder.glob("*.json")):
            if path.stem not in known:
                problems.append(f"{path}: not one of {name}'s fixture files ({', '.join(f'{s}.json' for s in known)})")
        combined[name] = {}
        for stem, default_path in known.items():
            default_records = json.loads(default_path.read_text("utf-8"))
            path = folder / f"{stem}.json"
            records = _read(path, problems) if path.exists() else []
            if records is None:
                continue
            paths = identities[name].get(stem) or (next(iter(default_records[0])),)
            shape = Shape.of(default_records, paths)
            seen: dict[tuple, int] = {}
            for i, record in enumerate(records):
                where = f"{path}: record {i}"
                found = shape.problems(record, where, top=True)
                problems += found
                if found:
                    continue
                key = _identity(record, paths)
                if key in seen:
                    label = ", ".join(f"{p} {k}" for p, k in zip(paths, key, strict=True))
                    problems.append(f"{where}: same {label} as record {seen[key]}")
                seen[key] = i
            replaced = {_identity(r, paths): r for r in records}
            if user.replace:
                combined[name][stem] = records
            else:
                kept = [replaced.pop(_identity(r, paths), r) for r in default_records]
                combined[name][stem] = kept + list(replaced.values())
    if problems:
        raise FixtureError(problems)

    target = Path(tempfile.mkdtemp(prefix="crowdmock-fixtures-"))
    atexit.register(shutil.rmtree, target, True)
    for vendor_folder in sorted(defaults.iterdir()):
        if vendor_folder.name not in combined:
            (target / vendor_folder.name).symlink_to(vendor_folder.resolve(), target_is_directory=True)
            continue
        (target / vendor_folder.name).mkdir()
        for stem, records in combined[vendor_folder.name].items():
            (target / vendor_folder.name / f"{stem}.json").write_text(json.dumps(records), "utf-8")
    return target
