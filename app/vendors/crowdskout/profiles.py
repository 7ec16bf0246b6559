"""Profiles: item validation by value type, create/update/delete semantics and the GET collection filters."""

import re
from datetime import date, datetime

from sqlmodel import Session, select

from crowdmock.core import clock
from crowdmock.core.db import get_row
from crowdmock.core.payload import whole_number
from crowdmock.vendors.crowdskout.collections import ALIASES, COLLECTIONS, FIELD_ALIASES, Collection
from crowdmock.vendors.crowdskout.models import Attribute, FieldOption, ItemCounter, Profile

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TITLES = {"mr", "mrs", "ms", "miss", "dr", "prof", "rev", "hon", "sir", "mx"}
SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "v", "phd", "md", "esq"}
NAME_PARTS = ("NameTitle", "FirstName", "MiddleName", "LastName", "NameSuffix")


class Invalid(Exception):
    """An item (or one of its values) that does not fit the reference; the item is dropped silently."""


# --- value types ----------------------------------------------------------------------------------------


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_date(value) -> str:
    if not isinstance(value, str) or not DATE.match(value):
        raise Invalid
    date.fromisoformat(value)
    return value


def _check_datetime(value) -> str:
    if not isinstance(value, str):
        raise Invalid
    text = value.strip().replace("Z", "+00:00")
    if re.search(r"[+-]\d{2}$", text):  # "+00" as in the reference's examples
        text += ":00"
    try:
        datetime.fromisoformat(text)
    except ValueError:
        raise Invalid from None
    return value


def _static(session: Session, field: str, value) -> dict:
    """A static object value {id, value}; a known option id or value is completed from the options."""
    if not isinstance(value, dict) or not ({"id", "value"} & value.keys()):
        raise Invalid
    ident, text = value.get("id"), value.get("value")
    if ident is not None and not (isinstance(ident, str) or _is_number(ident)):
        raise Invalid
    if text is not None and not isinstance(text, str) or ident is None and text is None:
        raise Invalid
    options = session.exec(select(FieldOption).where(FieldOption.field == field)).all()
    for option in options:
        if (ident is not None and str(ident) == option.option_id) or (ident is None and text == option.value):
            return {"id": _option_id(option.option_id), "value": option.value}
    if ident is None:
        # A new value: fields accept values beyond their listed options (docs: "not always exclusive").
        next_id = 1 + max((int(o.option_id) for o in options if o.option_id.isdigit()), default=0)
        session.add(FieldOption(field=field, option_id=str(next_id), value=text))
        return {"id": next_id, "value": text}
    return {"id": ident, "value": text}


def _option_id(raw: str):
    return int(raw) if raw.isdigit() else raw


def check_value(session: Session, field: str, kind: str, value):
    if value is None:
        return None
    if kind == "str":
        if not isinstance(value, str):
            raise Invalid
        return value
    if kind == "num":
        if not _is_number(value):
            raise Invalid
        return value
    if kind == "date":
        return _check_date(value)
    if kind == "datetime":
        return _check_datetime(value)
    if kind == "static":
        return _static(session, field, value)
    if kind == "poser":
        if not isinstance(value, dict) or not isinstance(value.get("value"), str):
            raise Invalid
        return {
            "id": value.get("id"),
            "externalId": value.get("externalId"),
            "service": value.get("service"),
            "value": value["value"],
        }
    if kind == "parent":
        if not isinstance(value, dict) or not isinstance(value.get("id"), str):
            raise Invalid
        if ALIASES.get(value.get("collection"), value.get("collection")) not in COLLECTIONS:
            raise Invalid
        return {"id": value["id"], "collection": value["collection"]}
    if kind == "static[]":
        if not isinstance(value, list):
            raise Invalid
        return [_static(session, field, v) for v in value]
    if kind == "str[]":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise Invalid
        return value
    if kind == "object":
        if not isinstance(value, dict):
            raise Invalid
        return value
    if kind == "list":
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise Invalid
        return value
    raise Invalid


# --- items ----------------------------------------------------------------------------------------------


def split_full_name(full: str) -> dict:
    tokens = full.split()
    parts: dict = dict.fromkeys(NAME_PARTS)
    if tokens and tokens[0].rstrip(".").lower() in TITLES:
        parts["NameTitle"] = tokens.pop(0)
    if len(tokens) > 1 and tokens[-1].rstrip(".").lower() in SUFFIXES:
        parts["NameSuffix"] = tokens.pop()
    if tokens:
        parts["FirstName"] = tokens[0]
    if len(tokens) > 1:
        parts["LastName"] = tokens[-1]
        parts["MiddleName"] = " ".join(tokens[1:-1]) or None
    return parts


def _names(item: dict, given: dict) -> None:
    """Names: FullName is split into its parts; changed parts rebuild FullName (docs/vendors/crowdskout.md §1.3)."""
    if isinstance(given.get("FullName"), str) and given["FullName"].strip():
        parsed = split_full_name(given["FullName"])
        for part in NAME_PARTS:
            item[part] = given[part] if part in given else parsed[part]
    elif any(part in given for part in NAME_PARTS):
        item["FullName"] = " ".join(item[p] for p in NAME_PARTS if item.get(p)) or None


def _attribute_value(session: Session, item: dict) -> None:
    """Attributes items: the attribute must exist; its type decides the value's type."""
    ident = whole_number(item.get("AttributeId"))
    attribute = get_row(session, Attribute, ident) if isinstance(ident, int) and not isinstance(ident, bool) else None
    if attribute is None:
        raise Invalid
    item["AttributeName"], item["AttributeType"] = attribute.name, attribute.type
    value = item.get("AttributeValue")
    if value is None:
        return
    options = {str(o["id"]): o["value"] for o in attribute.options or []}

    def choice(v) -> dict:
        if not isinstance(v, dict):
            raise Invalid
        if str(v.get("id")) in options:
            return {"id": int(v["id"]) if str(v["id"]).isdigit() else v["id"], "value": options[str(v["id"])]}
        match = [k for k, text in options.items() if text == v.get("value")]
        if not match:
            raise Invalid
        return {"id": int(match[0]) if match[0].isdigit() else match[0], "value": v["value"]}

    kind = attribute.type
    if kind == "Text":
        item["AttributeValue"] = check_value(session, "", "str", value)
    elif kind == "Number":
        item["AttributeValue"] = check_value(session, "", "num", value)
    elif kind == "Date":
        item["AttributeValue"] = _check_date(value)
    elif kind == "Datetime":
        item["AttributeValue"] = _check_datetime(value)
    elif kind == "Tag":
        flag = value.get("id") if isinstance(value, dict) else value
        if flag not in (True, "true", "yes", "Yes", 1):
            raise Invalid
        item["AttributeValue"] = {"id": "true", "value": "Yes"}
    elif kind == "Radio":
        item["AttributeValue"] = choice(value)
    elif kind == "Checkbox":
        if not isinstance(value, list):
            raise Invalid
        item["AttributeValue"] = [choice(v) for v in value]


def build_item(session: Session, collection: Collection, given: dict, base: dict | None = None) -> dict:
    """A complete item (every field of the reference, in order) from `given` over `base`; raises Invalid."""
    if not isinstance(given, dict):
        raise Invalid
    given = {FIELD_ALIASES.get(k, k): v for k, v in given.items()}
    item = {"id": None, **dict.fromkeys(collection.fields)} if base is None else dict(base)
    for field, kind in collection.fields.items():
        if field in given and kind != "any":
            item[field] = check_value(session, field, kind, given[field])
        elif field in given:
            item[field] = given[field]
    if collection.name == "Names":
        _names(item, given)
    if collection.name == "Attributes":
        _attribute_value(session, item)
    if all(item[f] is None for f in collection.fields):
        raise Invalid  # insufficient information
    return item


def next_item_id(session: Session, collection: Collection):
    if collection.interaction:
        return str(clock.uuid4())
    counter = session.get(ItemCounter, collection.name) or ItemCounter(collection=collection.name)
    counter.last_id += 1
    session.add(counter)
    return counter.last_id


# --- profiles -------------------------------------------------------------------------------------------


def _collection(name: str) -> Collection | None:
    return COLLECTIONS.get(ALIASES.get(name, name))


def apply_profile(session: Session, profile: Profile, body: dict, creating: bool) -> list[str]:
    """Add, update and delete items of `profile` from a Profile Object; returns the collections touched."""
    stored = {k: list(v) for k, v in (profile.collections or {}).items()}
    touched = []
    for name, items in body.items():
        collection = _collection(name)
        if collection is None or not isinstance(items, list):
            continue  # unknown collections and malformed lists are dropped like invalid items
        current = stored.get(collection.name, [])
        for given in items:
            if not isinstance(given, dict):
                continue
            ident = given.get("id")
            existing = next((i for i, it in enumerate(current) if it["id"] == ident), None) if ident else None
            if not creating and ident and given.get("delete") is True:
                if existing is not None:
                    current.pop(existing)
                continue
            try:
                if creating or not ident:
                    item = build_item(session, collection, given)
                    item["id"] = next_item_id(session, collection)
                    current.append(item)
                elif existing is not None:
                    current[existing] = build_item(session, collection, given, base=current[existing])
            except Invalid:
                continue
        stored[collection.name] = current
        touched.append(collection.name)
    profile.collections = stored
    return touched


def render_profile(profile: Profile, collections: list[str]) -> dict:
    data = profile.collections or {}
    return {"id": profile.id, **{name: data.get(name, []) for name in collections}}


def _sort_key(value):
    if isinstance(value, dict):
        value = value.get("value")
    return (value is None, str(value).lower() if isinstance(value, str) else value)


def select_items(items: list[dict], collection: str, query: dict[str, str]) -> list[dict]:
    """`{C}_{Field}[_{SubField}]=value` filters, `{C}_sort=±Field[,±Field2]` and `{C}_limit=N`."""
    prefix = f"{collection}_"
    fields = COLLECTIONS[collection].fields
    for key, wanted in query.items():
        if not key.startswith(prefix) or key[len(prefix) :] in ("sort", "limit"):
            continue
        field, _, sub = key[len(prefix) :].partition("_")
        if field not in fields:
            continue

        def matches(item: dict, field=field, sub=sub, wanted=wanted) -> bool:
            value = item.get(field)
            if isinstance(value, dict):
                value = value.get(sub or "value")
            return value is not None and str(value).lower() == wanted.lower()

        items = [item for item in items if matches(item)]
    for spec in reversed([s.strip() for s in query.get(f"{prefix}sort", "").split(",") if s.strip()]):
        field = spec.lstrip("+-")
        if field in fields:
            items = sorted(items, key=lambda it, f=field: _sort_key(it.get(f)), reverse=spec.startswith("-"))
    limit = query.get(f"{prefix}limit", "")
    if limit.isdigit():
        items = items[: int(limit)]
    return items
