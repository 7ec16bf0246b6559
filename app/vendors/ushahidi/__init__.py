"""Ushahidi Platform API v3 (https://<deployment>.api.ushahidi.io), served at /ushahidi."""

from app.core.vendor import Vendor


def _build_app(settings):
    from app.vendors.ushahidi.routes import build_app

    return build_app(settings)


def _seed(folder):
    from app.vendors.ushahidi.seed import load

    return load(folder)


VENDOR = Vendor(
    name="ushahidi",
    title="Ushahidi",
    prefix="/ushahidi",
    hosts={"*.api.ushahidi.io": "/ushahidi"},
    build_app=_build_app,
    seed=_seed,
    credentials=(
        ("OAuth client", "ushahidiui / 35e7f0bca957836d05ca0492211b0ac707671261"),
        ("user", "robbie@ushahidi.com / testing"),
        ("admin", "admin@ushahidi.com / testing"),
    ),
)
