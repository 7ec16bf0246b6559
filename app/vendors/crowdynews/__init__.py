"""Crowdynews Web APIs: Control (api.crowdynews.com), Content (q.crowdynews.com) and auth
(auth.crowdynews.com), served at /crowdynews, /crowdynews/q and /crowdynews/auth."""

from crowdmock.core.vendor import Vendor, has_keys


def is_error_body(body) -> bool:
    """`{"requestId", "errors": [...]}` (docs/vendors/crowdynews.md)."""
    return has_keys(body, "requestId", "errors")


VENDOR = Vendor(
    name="crowdynews",
    title="Crowdynews",
    prefix="/crowdynews",
    hosts={
        "api.crowdynews.com": "/crowdynews",
        "q.crowdynews.com": "/crowdynews/q",
        "auth.crowdynews.com": "/crowdynews/auth",
    },
    is_error_body=is_error_body,
    credentials=(("OAuth client (HTTP Basic)", "crowdmock / crowdmock-secret"),),
    real_bases=(
        ("https://api.crowdynews.com", ""),
        ("https://q.crowdynews.com", "/q"),
        ("https://auth.crowdynews.com", "/auth"),
    ),
    # A resource record wraps the stored document, whose `_id` is the resource's id.
    fixture_identities={"resources": ("doc._id",)},
    has_after_seed=True,  # dates the content items relative to now
)
