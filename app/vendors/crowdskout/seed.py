"""Loads fixtures/crowdskout/: the OAuth client and user of the contract, the documented token, attributes
and field options, and profiles covering every collection of the reference.

Its table models are imported inside the functions, as app/core/vendor.py (Vendor.load_seed) explains."""

from pathlib import Path

from crowdmock.core.fixtures import read_fixture
from crowdmock.core.passwords import seeded_password
from crowdmock.core.store import SeedRows
from crowdmock.vendors.crowdskout.collections import COLLECTIONS


def load(folder: Path) -> SeedRows:
    from crowdmock.vendors.crowdskout import models as m

    profiles = read_fixture(folder, "profiles")
    last_ids: dict[str, int] = {}
    for profile in profiles:
        for name, items in profile.items():
            if name != "id" and not COLLECTIONS[name].interaction:
                last_ids[name] = max([last_ids.get(name, 0), *(item["id"] for item in items or [])])
    users = [
        {**{k: v for k, v in u.items() if k != "password"}, "password_hash": seeded_password(u.get("password"))}
        for u in read_fixture(folder, "users")
    ]
    options = [
        {
            "field": o["field"],
            "option_id": str(o["id"]),
            "value": o["value"],
            "dependency_field": o.get("dependency_field"),
            "dependency_id": str(o["dependency_id"]) if o.get("dependency_id") is not None else None,
        }
        for o in read_fixture(folder, "field_options")
    ]
    return [
        (m.OAuthClient, read_fixture(folder, "oauth_clients")),
        (m.User, users),
        (m.StaticToken, read_fixture(folder, "static_tokens")),
        (m.Attribute, [{"options": None, **a} for a in read_fixture(folder, "attributes")]),
        (m.FieldOption, options),
        (
            m.Profile,
            # A null collection is an empty one.
            [{"id": p["id"], "collections": {k: v or [] for k, v in p.items() if k != "id"}} for p in profiles],
        ),
        (m.ItemCounter, [{"collection": k, "last_id": v} for k, v in sorted(last_ids.items())]),
    ]
