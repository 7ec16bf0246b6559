"""Each vendor's documented error body, for tests that throw arbitrary input at every vendor."""

from crowdmock.vendors import VENDORS

# Each vendor's own test (its descriptor's), and the admin API's `{"error": ...}`.
ERROR_SHAPES = {
    **{name: vendor.is_error_body for name, vendor in VENDORS.items()},
    "admin": lambda body: isinstance(body, dict) and "error" in body,
}


def body_of(response):
    """The JSON body, the text when it is not JSON, None when empty."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def is_detail(body) -> bool:
    """FastAPI's own error shape, which must never reach a client."""
    return isinstance(body, dict) and "detail" in body
