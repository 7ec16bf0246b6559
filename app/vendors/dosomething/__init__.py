"""DoSomething.org API v1 (https://www.dosomething.org/api/v1), served at /dosomething."""

from crowdmock.core.vendor import Vendor

VENDOR = Vendor(
    name="dosomething",
    title="DoSomething",
    prefix="/dosomething",
    hosts={"www.dosomething.org": "/dosomething", "dosomething.org": "/dosomething"},
    credentials=(
        ("user (uid 38)", "batman / imB@tman789Kittycat$"),
        ("administrator (uid 1)", "admin / password"),
    ),
    real_bases=(("https://www.dosomething.org", ""),),
)
