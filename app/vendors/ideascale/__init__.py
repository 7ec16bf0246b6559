"""IdeaScale REST API v1 (https://<workspace>.ideascale.com/a/rest/v1), served at /ideascale."""

from crowdmock.core.vendor import Vendor, has_keys


def is_error_body(body) -> bool:
    """Exactly `{"key", "message"}` (docs/vendors/ideascale.md §3.5)."""
    return has_keys(body, "key", "message") and set(body) == {"key", "message"}


VENDOR = Vendor(
    name="ideascale",
    title="IdeaScale",
    prefix="/ideascale",
    hosts={"*.ideascale.com": "/ideascale", "ideascale.com": "/ideascale"},
    is_error_body=is_error_body,
    credentials=(
        ("admin api_token", "00000000-0000-4000-8000-000000000001"),
        ("member api_token", "00000000-0000-4000-8000-000000000002"),
        ("Multipass keys", "site key crowdmock, API key crowdmock-multipass-api-key"),
    ),
    real_bases=(("https://<workspace>.ideascale.com", ""),),
)
