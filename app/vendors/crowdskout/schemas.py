"""What the OpenAPI document says beyond what the test suite's exchanges show (tests/openapi_recorder.py)."""

from crowdmock.vendors.crowdskout.collections import COLLECTIONS
from crowdmock.vendors.crowdskout.models import ATTRIBUTE_TYPES

# A static field's option is `{id, value}`; ids of options a caller made up are kept as sent (profiles._static).
OPEN_FIELDS = {"id": {"type": ["number", "string", "null"]}, "value": {}}


def request_fields() -> dict[str, dict]:
    """What the OpenAPI document says of request fields beyond what the test suite sent (`parent.name` or `name`
    -> schema; tests/openapi_recorder.py): the values the handlers accept."""
    return {
        "access_token.grant_type": {"enum": ["authorization_code", "password"]},
        "attribute.type": {"enum": list(ATTRIBUTE_TYPES)},
        "collections": {
            "type": "string",
            "pattern": "^({0})(,({0}))*$".format("|".join(COLLECTIONS)),
            "description": "Comma-separated collection names.",
        },
    }
