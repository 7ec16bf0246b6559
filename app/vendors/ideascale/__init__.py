"""IdeaScale REST API v1 (https://<workspace>.ideascale.com/a/rest/v1), served at /ideascale."""

from crowdmock.core.vendor import Vendor

VENDOR = Vendor(
    name="ideascale",
    title="IdeaScale",
    prefix="/ideascale",
    hosts={"*.ideascale.com": "/ideascale", "ideascale.com": "/ideascale"},
    credentials=(
        ("admin api_token", "00000000-0000-4000-8000-000000000001"),
        ("member api_token", "00000000-0000-4000-8000-000000000002"),
        ("Multipass keys", "site key crowdmock, API key crowdmock-multipass-api-key"),
    ),
    real_bases=(("https://<workspace>.ideascale.com", ""),),
)
