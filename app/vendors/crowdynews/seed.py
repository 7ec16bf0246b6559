"""Loads fixtures/crowdynews/: the OAuth clients (the contract's `crowdmock` and another customer's, for 403s),
the documented contract, input, filter set, list, chain and customization at their ids with the rest of two
contracts, and 300 content items whose dates are kept relative to the seeding time.

Its table models and resource kinds are imported inside `load`, as app/core/vendor.py (Vendor.load_seed) explains;
`after_seed`, which every start runs on a database copied from the seed cache, names the one table it updates."""

from pathlib import Path

from sqlalchemy import column, table, update
from sqlalchemy.engine import Connection

from crowdmock.core import clock
from crowdmock.core.fixtures import read_fixture
from crowdmock.core.store import SeedRows


def load(folder: Path) -> SeedRows:
    from crowdmock.vendors.crowdynews import models as m
    from crowdmock.vendors.crowdynews.resources import parse_iso

    resources = [
        {
            "id": r["doc"]["_id"],
            "kind": r["kind"],
            "customer_id": r["customer_id"],
            "contract_id": r["contract_id"],
            "last_modified": parse_iso(r["doc"]["lastModified"]),
            "doc": r["doc"],
        }
        for r in read_fixture(folder, "resources")
    ]
    return [
        (m.Client, read_fixture(folder, "clients")),
        (m.Resource, resources),
        (m.ContentItem, read_fixture(folder, "content")),
    ]


def after_seed(conn: Connection) -> None:
    """Fixture items are dated `age` seconds before now, so the default 24-hour window always shows some."""
    content = table("crowdynews_content", column("date"), column("age"))  # models.ContentItem's
    conn.execute(update(content).where(content.c.age.is_not(None)).values(date=clock.time() - content.c.age))
