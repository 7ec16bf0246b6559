"""Crowdskout API v1 (https://api.crowdskout.com), served at /crowdskout."""

from crowdmock.core.vendor import Vendor, has_keys


def is_error_body(body) -> bool:
    """The API's envelope with `success` false, or the OAuth server's `{"error", "error_description"}`."""
    return has_keys(body, "success", "messages", "data") or has_keys(body, "error", "error_description")


VENDOR = Vendor(
    name="crowdskout",
    title="Crowdskout",
    prefix="/crowdskout",
    hosts={"api.crowdskout.com": "/crowdskout"},
    is_error_body=is_error_body,
    credentials=(
        ("OAuth client", "abcd1234 / abcd1234 (redirect http://crowdskout.com, http(s)://localhost:*)"),
        ("login form", "demo@crowdskout.com / password"),
        ("bearer token", "abcd1234"),
    ),
    real_bases=(("https://api.crowdskout.com", ""),),
    fixture_identities={"field_options": ("field", "id")},
)
