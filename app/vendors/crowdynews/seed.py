"""Loads fixtures/crowdynews/: the OAuth clients (the contract's `crowdmock` and another customer's, for 403s),
the documented contract, input, filter set, list, chain and customization at their ids with the rest of two
contracts, and 300 content items whose dates are kept relative to the seeding time.

Its table models are imported inside the functions, as app/core/vendor.py (Vendor.seed) explains."""

import json
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.engine import Connection

from crowdmock.core import clock
from crowdmock.core.store import SeedRows
from crowdmock.vendors.crowdynews.resources import parse_iso

# A resource record wraps the stored document, whose `_id` is the resource's id.
IDENTITIES = {"resources": ("doc._id",)}


def _read(folder: Path, name: str) -> list[dict]:
    return json.loads((folder / f"{name}.json").read_text("utf-8"))


def load(folder: Path) -> SeedRows:
    from crowdmock.vendors.crowdynews import models as m

    resources = [
        {
            "id": r["doc"]["_id"],
            "kind": r["kind"],
            "customer_id": r["customer_id"],
            "contract_id": r["contract_id"],
            "last_modified": parse_iso(r["doc"]["lastModified"]),
            "doc": r["doc"],
        }
        for r in _read(folder, "resources")
    ]
    return [
        (m.Client, _read(folder, "clients")),
        (m.Resource, resources),
        (m.ContentItem, _read(folder, "content")),
    ]


def after_seed(conn: Connection) -> None:
    """Fixture items are dated `age` seconds before now, so the default 24-hour window always shows some."""
    from crowdmock.vendors.crowdynews import models as m

    table = m.ContentItem.__table__
    conn.execute(update(table).where(table.c.age.is_not(None)).values(date=clock.time() - table.c.age))
