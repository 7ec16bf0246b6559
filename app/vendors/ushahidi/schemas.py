"""Ushahidi's wire format: W3C timestamps, {id, url} references and the per-resource field order."""

from datetime import UTC, datetime


def w3c(ts: int | None) -> str | None:
    """Unix time -> `2014-11-11T08:40:51+00:00`, as the v3 formatters render `created`/`updated`."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def parse_time(value) -> int | None:
    """ISO 8601, W3C, `YYYY-MM-DD HH:MM:SS` (UTC without offset) or unix seconds -> unix int, else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return int(text)
    text = text.replace("Z", "+00:00").replace("/", "-")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


def ref_id(obj: dict, name: str) -> int | None:
    """The id behind `name` in a payload: `{"form": {"id": 1}}`, `{"form": 1}` or `{"form_id": 1}`."""
    value = obj.get(name, obj.get(f"{name}_id"))
    if isinstance(value, dict):
        value = value.get("id")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def empty_as_list(value):
    """PHP renders an empty associative array as `[]` (seed: post 8328 `"values": []`)."""
    return value if value else []


# Values whose shape is the caller's, echoed back as sent (the OpenAPI document leaves them open; see
# tests/openapi_recorder.py): saved filters, view and attribute settings, post values, export columns.
OPEN_FIELDS = {
    name: {}
    for name in (
        "filter",
        "filters",
        "view_options",
        "options",
        "config",
        "values",
        "fields",
        "header_row",
        "hxl_heading_row",
        "maps_to",
        "fixed",
        "metadata",
        "role",
        "published_to",
    )
}


ROLE_NAMES = {"type": "array", "items": {"type": "string", "minLength": 1}, "description": "Role names."}


def request_fields() -> dict[str, dict]:
    """What the OpenAPI document says of request fields beyond what the test suite sent (`resource.name` or `name`
    -> schema; tests/openapi_recorder.py): the values each resource's validation accepts."""
    from crowdmock.vendors.ushahidi.routes.forms import ATTRIBUTE_TYPES
    from crowdmock.vendors.ushahidi.routes.messages import CONTACT_TYPES, MESSAGE_STATUSES
    from crowdmock.vendors.ushahidi.routes.sets import VIEWS

    return {
        "view": {"enum": list(VIEWS)},
        "token.grant_type": {"enum": ["password", "client_credentials", "refresh_token"]},
        "tags.type": {"enum": ["category", "status"]},
        "contacts.type": {"enum": list(CONTACT_TYPES)},
        "messages.direction": {"const": "outgoing"},
        "messages.status": {"enum": list(MESSAGE_STATUSES)},
        "posts.status": {"enum": ["published", "draft", "archived"]},
        "posts.type": {"enum": ["report", "update", "revision"]},
        "stats.group_by": {"enum": ["status", "form", "tags", "attribute"]},
        "attributes.type": {"enum": sorted(ATTRIBUTE_TYPES)},
        "email": {"format": "email"},
        "author_email": {"format": "email"},
        "post_date": {"format": "date-time"},
        "password": {"minLength": 7},
        "color": {"type": "string", "pattern": "^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"},
        "collections.role": ROLE_NAMES,
        "savedsearches.role": ROLE_NAMES,
        "tags.role": ROLE_NAMES,
    }
