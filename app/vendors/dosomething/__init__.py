"""DoSomething.org API v1 (https://www.dosomething.org/api/v1), served at /dosomething."""

from crowdmock.core.vendor import Vendor


def is_error_body(body) -> bool:
    """Drupal Services' JSON array of messages, or nothing (docs/vendors/dosomething.md §2.4)."""
    return body is None or (isinstance(body, list) and all(isinstance(message, str) for message in body))


VENDOR = Vendor(
    name="dosomething",
    title="DoSomething",
    prefix="/dosomething",
    hosts={"www.dosomething.org": "/dosomething", "dosomething.org": "/dosomething"},
    is_error_body=is_error_body,
    credentials=(
        ("user (uid 38)", "batman / imB@tman789Kittycat$"),
        ("administrator (uid 1)", "admin / password"),
    ),
    real_bases=(("https://www.dosomething.org", ""),),
    admin_user="admin",
)
