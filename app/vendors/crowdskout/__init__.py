"""Crowdskout API v1 (https://api.crowdskout.com), served at /crowdskout."""

from app.core.vendor import Vendor


def _build_app(settings):
    from app.vendors.crowdskout.routes import build_app

    return build_app(settings)


def _seed(folder):
    from app.vendors.crowdskout.seed import load

    return load(folder)


VENDOR = Vendor(
    name="crowdskout",
    title="Crowdskout",
    prefix="/crowdskout",
    hosts={"api.crowdskout.com": "/crowdskout"},
    build_app=_build_app,
    seed=_seed,
    credentials=(
        ("OAuth client", "abcd1234 / abcd1234 (redirect http://crowdskout.com, http://localhost:*)"),
        ("login form", "demo@crowdskout.com / password"),
        ("bearer token", "abcd1234"),
    ),
)
