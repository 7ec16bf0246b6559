"""Crowdskout API v1 (https://api.crowdskout.com), served at /crowdskout."""

from crowdmock.core.vendor import Vendor

VENDOR = Vendor(
    name="crowdskout",
    title="Crowdskout",
    prefix="/crowdskout",
    hosts={"api.crowdskout.com": "/crowdskout"},
    credentials=(
        ("OAuth client", "abcd1234 / abcd1234 (redirect http://crowdskout.com, http://localhost:*)"),
        ("login form", "demo@crowdskout.com / password"),
        ("bearer token", "abcd1234"),
    ),
    real_bases=(("https://api.crowdskout.com", ""),),
)
