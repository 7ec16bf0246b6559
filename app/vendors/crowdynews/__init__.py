"""Crowdynews Web APIs: Control (api.crowdynews.com), Content (q.crowdynews.com) and auth
(auth.crowdynews.com), served at /crowdynews, /crowdynews/q and /crowdynews/auth."""

from crowdmock.core.vendor import Vendor

VENDOR = Vendor(
    name="crowdynews",
    title="Crowdynews",
    prefix="/crowdynews",
    hosts={
        "api.crowdynews.com": "/crowdynews",
        "q.crowdynews.com": "/crowdynews/q",
        "auth.crowdynews.com": "/crowdynews/auth",
    },
    credentials=(("OAuth client (HTTP Basic)", "crowdmock / crowdmock-secret"),),
    real_bases=(
        ("https://api.crowdynews.com", ""),
        ("https://q.crowdynews.com", "/q"),
        ("https://auth.crowdynews.com", "/auth"),
    ),
)
