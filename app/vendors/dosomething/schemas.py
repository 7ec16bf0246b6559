"""What the OpenAPI document says of requests beyond what the test suite's exchanges show
(tests/openapi_recorder.py): Drupal's numeric ids in paths."""

from crowdmock.core.db import MAX_INTEGER

ID_PARAMETERS = ("nid", "sid", "rbid", "fid", "kid", "tid", "uid")
# No request field takes a shape of the caller's own.
OPEN_FIELDS: dict[str, dict] = {}


def parameter_schema(path: str, name: str) -> dict | None:
    """What the OpenAPI document says of a path parameter beyond its recorded type: Drupal's numeric ids (a `.json`
    suffix on the path is the format, not part of the id)."""
    if name in ID_PARAMETERS:
        return {"type": "integer", "minimum": 0, "maximum": MAX_INTEGER}
    return None


def request_fields() -> dict[str, dict]:
    """What the OpenAPI document says of request fields beyond what the test suite sent: nothing yet."""
    return {}
