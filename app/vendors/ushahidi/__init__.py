"""Ushahidi Platform API v3 (https://<deployment>.api.ushahidi.io), served at /ushahidi."""

from crowdmock.core.vendor import Vendor, has_keys


def is_error_body(body) -> bool:
    """The v3 envelope `{"errors": [...]}`, or the OAuth server's `{"error", "message"}` (docs/vendors/ushahidi.md
    §1.5), or registration's `{"error", "messages"}`, or an SMS gateway's `{"payload": {"success": false, "error"}}`
    (§1.15)."""
    return (
        has_keys(body, "errors")
        or has_keys(body, "error", "message")
        or has_keys(body, "error", "messages")
        or (has_keys(body, "payload") and has_keys(body["payload"], "success", "error"))
    )


VENDOR = Vendor(
    name="ushahidi",
    title="Ushahidi",
    prefix="/ushahidi",
    hosts={"*.api.ushahidi.io": "/ushahidi"},
    is_error_body=is_error_body,
    credentials=(
        ("OAuth client", "ushahidiui / 35e7f0bca957836d05ca0492211b0ac707671261"),
        ("user", "robbie@ushahidi.com / testing"),
        ("admin", "admin@ushahidi.com / testing"),
    ),
    real_bases=(("https://<deployment>.api.ushahidi.io", ""),),
    admin_user="admin@ushahidi.com",
    # docs/vendors/ushahidi.md §1.13: Laravel's CORS middleware answers a preflight 204, requested headers lower-cased.
    preflight_status=204,
    preflight_headers_lowercase=True,
    fixture_identities={"hxl_tag_attributes": ("tag_id", "attribute_id")},
)
