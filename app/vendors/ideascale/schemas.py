"""What the OpenAPI document says of requests beyond what the test suite's exchanges show
(tests/openapi_recorder.py): paging and order keys, numeric ids, and the content rules of texts."""

from crowdmock.core.db import MAX_INTEGER
from crowdmock.vendors.ideascale.listing import IDEA_ORDERS, MAX_INT, MEMBER_ORDERS

# No request field takes a shape of the caller's own.
OPEN_FIELDS: dict[str, dict] = {}


def parameter_schema(path: str, name: str) -> dict | None:
    """What the OpenAPI document says of a path or query parameter beyond its recorded type (listing.Paging,
    deps.parse_id): pages from 0, sizes from 1, Java ints; order keys per list; numeric ids."""
    if name in ("page", "size"):
        return {"type": "integer", "minimum": 0 if name == "page" else 1, "maximum": MAX_INT}
    if name == "order":
        return {"type": "string", "enum": sorted(MEMBER_ORDERS if "/members" in path else IDEA_ORDERS)}
    if name.endswith("_id"):
        return {"type": "integer", "minimum": 0, "maximum": MAX_INTEGER}
    return None


def request_fields() -> dict[str, dict]:
    """What the OpenAPI document says of request fields beyond what the test suite sent (tests/openapi_recorder.py)."""
    # content.check_text: some non-blank character, no control characters, no HTML tags (`<` left out whole).
    text = {
        "type": "string",
        "pattern": r"^[^\x00-\x08\x0b\x0c\x0e-\x1f<]*[^\s<\x00-\x1f][^\x00-\x08\x0b\x0c\x0e-\x1f<]*$",
    }
    return {
        "text": text,
        "title": text,
        "search.discussionIDs": {
            "type": "string",
            "pattern": r"^\d{1,18}(,\d{1,18})*$",
            "description": "Campaign ids.",
        },
    }
