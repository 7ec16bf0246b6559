"""Ushahidi Platform API v3 (https://<deployment>.api.ushahidi.io), served at /ushahidi."""

from crowdmock.core.vendor import Vendor

VENDOR = Vendor(
    name="ushahidi",
    title="Ushahidi",
    prefix="/ushahidi",
    hosts={"*.api.ushahidi.io": "/ushahidi"},
    credentials=(
        ("OAuth client", "ushahidiui / 35e7f0bca957836d05ca0492211b0ac707671261"),
        ("user", "robbie@ushahidi.com / testing"),
        ("admin", "admin@ushahidi.com / testing"),
    ),
    real_bases=(("https://<deployment>.api.ushahidi.io", ""),),
)
