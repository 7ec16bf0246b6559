"""The Control API's resource kinds (docs/vendors/crowdynews.md §2.2, §2.3): their fields, defaults and validation, and
the documents they are stored as (`_id`, the audit fields, then the fields, in Mongo's key order)."""

import copy
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from crowdmock.core import clock
from crowdmock.vendors.crowdynews.casting import cast
from crowdmock.vendors.crowdynews.errors import CrowdynewsError, validation

HEX_ID = re.compile(r"^[0-9a-f]{24}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SERVICES = {
    "twitter": ("user", "keyword", "location"),
    "facebook": ("page",),
    "instagram": ("user", "tag", "location"),
    "youtube": ("user", "keyword", "location", "channel", "playlist"),
    "tumblr": ("user", "tag"),
    "vimeo": ("user", "album"),
    "flickr": ("tag",),
    "vk": ("user", "tag", "group"),
}
OPERATORS = ("equals", "gt", "gte", "lt", "lte", "pattern", "in", "patternin", "datediff", "exists")
COLLECTION_TYPES = ("breakingburner", "amplifinder", "realtime", "ranked")


def new_id() -> str:
    """A Mongo-style ObjectId: 4 bytes of time, then random bytes (24 hex characters)."""
    return f"{int(clock.time()):08x}{clock.token_hex(8)}"


def iso(moment: float) -> str:
    value = datetime.fromtimestamp(moment, UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def parse_iso(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # string, boolean, number, array, object, id, any
    required: bool = False
    default: object = None
    choices: tuple = ()
    ref: str | None = None  # a kind whose `_id` this field holds (array fields: every element)


@dataclass(frozen=True)
class Kind:
    name: str  # contracts, inputs, sets, lists, chains, collections, customizations, publications
    paths: tuple[str, ...]
    fields: tuple[Field, ...]
    label: str
    scoped: bool = True  # belongs to a contract (contractId)
    unique: tuple[str, ...] = ()
    list_filters: dict = field(default_factory=dict)  # query parameter -> document field


def _f(name, type_, required=False, default=None, choices=(), ref=None) -> Field:
    return Field(name, type_, required, default, choices, ref)


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "contracts",
            ("customer/contracts",),
            (
                _f("name", "string", True),
                _f("slug", "string"),
                _f("label", "string"),
                _f("active", "boolean", default=True),
                _f("email", "string"),
                _f("customerId", "id"),
                _f("productId", "id"),
                _f("filterId", "id", ref="chains"),
            ),
            "contract",
            scoped=False,
            unique=("slug",),
        ),
        Kind(
            "inputs",
            ("collection/inputs",),
            (
                _f("active", "boolean", default=True),
                _f("display", "boolean", default=True),
                _f("service", "string", True, choices=tuple(SERVICES)),
                _f("type", "string", True),
                _f("input", "string", True),
                _f("contractId", "id", True),
                _f("collectionId", "id", True, ref="collections"),
                _f("filterId", "id", ref="chains"),
                _f("latitude", "number"),
                _f("longitude", "number"),
                _f("radius", "number"),
            ),
            "input",
            list_filters={"collection_id": "collectionId"},
        ),
        Kind(
            "sets",
            ("collection/sets", "filter/sets"),
            (
                _f("contractId", "id", True),
                _f("name", "string", True),
                _f("preCondition", "object"),
                _f("active", "boolean", default=True),
                _f("rules", "array", default=[]),
                _f("or", "boolean", default=False),
            ),
            "filter set",
            unique=("name",),
        ),
        Kind(
            "lists",
            ("collection/lists", "filter/lists"),
            (
                _f("active", "boolean", default=True),
                _f("contractId", "id", True),
                _f("name", "string", True),
                _f("type", "string", True, choices=("strings", "patterns")),
                _f("entries", "array", default=[]),
            ),
            "filter list",
            unique=("name",),
        ),
        Kind(
            "chains",
            ("collection/chains", "filter/chains"),
            (
                _f("active", "boolean", default=True),
                _f("name", "string", True),
                _f("contractId", "id", True),
                _f("sets", "array", default=[], ref="sets"),
            ),
            "filter chain",
            unique=("name",),
        ),
        Kind(
            "collections",
            ("collection/collections",),
            (
                _f("name", "string", True),
                _f("slug", "string"),
                _f("type", "string", True, choices=COLLECTION_TYPES),
                _f("contractId", "id", True),
                _f("filterId", "id", ref="chains"),
                _f("description", "string"),
                _f("active", "boolean", default=True),
            ),
            "collection",
            unique=("slug",),
        ),
        Kind(
            "customizations",
            ("publication/customizations",),
            (
                _f("name", "string", True),
                _f("contractId", "id", True),
                _f("type", "string", True, choices=("css", "js")),
                _f("data", "string", True),
                _f("version", "string", default="1"),
                _f("description", "string"),
                _f("active", "boolean", default=True),
            ),
            "customization",
        ),
        Kind(
            "publications",
            ("publication/publications",),
            (
                _f("contractId", "id", True),
                _f("name", "string", True),
                _f("description", "string"),
                _f("definitionId", "string"),
                _f("properties", "object", default={}),
                _f("output", "array", default=[]),
                _f("active", "boolean", default=True),
            ),
            "publication",
        ),
    )
}
READ_ONLY = {"_id", "created", "createdBy", "lastModified", "lastModifiedBy", "customerId"}


def slugify(name: str, sep: str = "-") -> str:
    return re.sub(r"[^a-z0-9]+", sep, name.lower()).strip(sep) or "collection"


def _rule(value, prop: str) -> None:
    if not isinstance(value, dict):
        raise validation(prop, value, "type", f"{prop} must be a rule object.")
    if value.get("operator") not in OPERATORS:
        raise validation(
            f"{prop}.operator", value.get("operator"), "enum", f"operator must be one of {', '.join(OPERATORS)}."
        )
    if not isinstance(value.get("field"), str) or not value["field"]:
        raise validation(f"{prop}.field", value.get("field"), "required", "field is required.")
    if "not" in value and not isinstance(value["not"], bool):
        raise validation(f"{prop}.not", value["not"], "type", "not must be a boolean.")
    if "listId" in value and not (isinstance(value["listId"], str) and HEX_ID.match(value["listId"])):
        raise validation(f"{prop}.listId", value["listId"], "type", "listId must be a resource id.")


def check(kind: Kind, doc: dict) -> None:
    """Rules beyond field types, on the merged document."""
    if kind.name == "inputs":
        service, type_ = doc.get("service"), doc.get("type")
        if type_ not in SERVICES.get(service, ()):
            message = f"type must be one of {', '.join(SERVICES.get(service, ()))} for service {service}."
            raise validation("type", type_, "enum", message)
        if type_ == "location":
            for prop, low, high in (("latitude", -90, 90), ("longitude", -180, 180), ("radius", 0, 10_000_000)):
                value = doc.get(prop)
                if value is None:
                    raise validation(prop, value, "required", f"{prop} is required for type location.")
                if not low <= value <= high or prop == "radius" and value <= 0:
                    raise validation(prop, value, "range", f"{prop} must be between {low} and {high}.")
    if kind.name == "sets":
        for n, rule in enumerate(doc.get("rules") or []):
            _rule(rule, f"rules[{n}]")
        if doc.get("preCondition") is not None:
            _rule(doc["preCondition"], "preCondition")
    if kind.name == "lists":
        for n, entry in enumerate(doc.get("entries") or []):
            if not isinstance(entry, str):
                raise validation(f"entries[{n}]", entry, "type", "entries must be strings.")
            if doc.get("type") == "patterns":
                match = re.fullmatch(r"/(.+)/([gimsuy]*)", entry)
                try:
                    re.compile(match.group(1)) if match else None
                except re.error:
                    match = None
                if match is None:
                    raise validation(f"entries[{n}]", entry, "regexp", "A pattern entry must look like /pattern/flags.")
    if kind.name == "contracts" and doc.get("email") is not None and not EMAIL.match(doc["email"]):
        raise validation("email", doc["email"], "regexp", "The provided email address is invalid.")
    if kind.name == "publications":
        for n, out in enumerate(doc.get("output") or []):
            if not isinstance(out, dict) or not isinstance(out.get("collectionId"), str):
                raise validation(f"output[{n}].collectionId", None, "required", "collectionId is required.")


# Schema paths inside array and rule values: what each element or rule field is cast to (casting.cast).
ITEMS = {("lists", "entries"): "string", ("chains", "sets"): "id"}
RULE_FIELDS = {"operator": "string", "field": "string", "not": "boolean", "listId": "id"}
SUBDOCUMENTS = {("sets", "rules"), ("sets", "preCondition"), ("publications", "output")}


def _cast_rules(kind: Kind, name: str, value):
    """A filter set's rules are subdocuments: their fields are cast like the document's own."""
    rules = [(f"rules[{n}]", r) for n, r in enumerate(value)] if name == "rules" else [(name, value)]
    for prop, rule in rules:
        for key, type_ in RULE_FIELDS.items():
            if isinstance(rule, dict) and rule.get(key) is not None:
                rule[key] = cast(f"{prop}.{key}", type_, rule[key])
    if kind.name == "publications" and name == "output":
        for n, out in enumerate(value):
            if isinstance(out, dict) and out.get("collectionId") is not None:
                out["collectionId"] = cast(f"output[{n}].collectionId", "id", out["collectionId"])
    return value


def clean(kind: Kind, body, partial: bool) -> dict:
    """The writable fields of a request body, cast as Mongoose casts them (casting.py); required ones must be there
    unless partial."""
    if not isinstance(body, dict):
        raise CrowdynewsError(400, "The request body must be a JSON object.")
    out = {}
    for f in kind.fields:
        if f.name not in body or f.name in READ_ONLY:
            if f.required and not partial:
                raise validation(f.name, None, "required", f"{f.name} is required.")
            continue
        value = body[f.name]
        if value is not None:
            value = cast(f.name, f.type, value, ITEMS.get((kind.name, f.name)))
        if value is not None and (kind.name, f.name) in SUBDOCUMENTS:
            value = _cast_rules(kind, f.name, value)
        if value is None:
            if f.required:
                raise validation(f.name, None, "required", f"{f.name} is required.")
            out[f.name] = None
            continue
        if f.choices and value not in f.choices:
            raise validation(f.name, value, "enum", f"{f.name} must be one of {', '.join(f.choices)}.")
        if f.type == "string" and f.required and not value.strip():
            raise validation(f.name, value, "required", f"{f.name} is required.")
        out[f.name] = value
    return out


def new_document(kind: Kind, values: dict, consumer: str, customer_id: str) -> dict:
    now = iso(clock.time())
    doc = {"_id": new_id(), "created": now, "createdBy": consumer, "lastModified": now, "lastModifiedBy": consumer}
    for f in kind.fields:
        if f.name in values:
            doc[f.name] = values[f.name]
        elif f.default is not None:
            doc[f.name] = (
                list(f.default)
                if isinstance(f.default, list)
                else dict(f.default)
                if isinstance(f.default, dict)
                else f.default
            )
    if kind.name == "contracts":
        doc["customerId"] = customer_id
        doc.setdefault("slug", re.sub(r"\s+", "_", values["name"].strip()))
    if kind.name == "collections":
        doc.setdefault("slug", slugify(values["name"]))
    return doc


def updated_document(kind: Kind, doc: dict, values: dict, consumer: str, replace: bool) -> dict:
    """PUT replaces the writable fields (defaults for the ones left out); PATCH changes the ones given."""
    out = dict(doc)
    if replace:
        for f in kind.fields:
            if f.name in READ_ONLY or kind.name == "contracts" and f.name == "customerId":
                continue
            if f.name in values:
                out[f.name] = values[f.name]
            elif f.default is not None:
                out[f.name] = copy.deepcopy(f.default)
            else:
                out.pop(f.name, None)
    else:
        out.update(values)
    if kind.name == "customizations" and values.get("data") not in (None, doc.get("data")) and "version" not in values:
        version = str(doc.get("version", "1"))
        out["version"] = str(int(version) + 1) if version.isdigit() else version
    out["lastModified"], out["lastModifiedBy"] = iso(clock.time()), consumer
    return out


KIND_BY_PATH = {path: kind for kind in KINDS.values() for path in kind.paths}
