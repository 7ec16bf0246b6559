"""Cost that grows with data (bench/run.py): a seeded store with EXTRA more rows in each vendor's main table, against
the seeded store itself, on two servers with the response cache off (a cached page would not show what a query
costs), runs alternating. Per vendor: the first page of the grown table's list and the bench's POST.

The rows are copies of the table's last row (new keys; the columns a vendor keeps unique made unique), so they fall
in the same campaign, survey, contract or user as it: where a page or a count is per owner, the owner has them all.

    .venv/bin/python bench/growth.py DATABASE [--rows 50000]    # grows a seeded SQLite file in place
"""

import argparse
import sqlite3
from dataclasses import dataclass
from pathlib import Path

EXTRA = 50_000


@dataclass
class Grown:
    vendor: str
    table: str
    key: str  # the integer primary key, left for SQLite to number
    unique: dict[str, str]  # column -> SQL making it differ per copy (`i` counts the copies)
    list_path: str  # the first page of a list of that table (or the vendor's list when it has none: `note`)
    note: str = ""


GROWN = [
    Grown("crowdskout", "crowdskout_profile", "id", {}, "/crowdskout/v1/attribute", "profiles have no list"),
    Grown(
        "crowdynews",
        "crowdynews_content",
        "pk",
        {"id": "CAST(900000000 + i AS TEXT)"},
        "/crowdynews/q/v1/content/5617895587c6f35d3b9a2b6f?q=sports",
    ),
    # The seed era's signup index has no paging (docs/vendors/dosomething.md): its page is a member's signups, and
    # the new ones are other members'.
    Grown(
        "dosomething",
        "dosomething_signup",
        "sid",
        {"uid": "10000000 + i"},
        "/dosomething/api/v1/signups?user=98",
        "signups have no paging: one member's",
    ),
    Grown("ideascale", "ideascale_idea", "id", {}, "/ideascale/a/rest/v1/ideas/0/25"),
    # The seeded store has four published reports: a page of four on both stores. At limit=20 the grown store's page
    # renders five times the posts of the seeded one's, which is a fuller page, not a cost of the table's size.
    Grown(
        "ushahidi",
        "ushahidi_post",
        "id",
        {"slug": "slug || '-' || i"},
        "/ushahidi/api/v3/posts?limit=4",
        "a page of four: the seeded store's published reports",
    ),
]


def grow(database: Path, rows: int = EXTRA, vendors: list[str] | None = None) -> dict[str, int]:
    """Add `rows` copies of the last row of each vendor's main table; the tables' sizes after."""
    connection = sqlite3.connect(database)
    sizes = {}
    try:
        for grown in GROWN:
            if vendors and grown.vendor not in vendors:
                continue
            columns = [row[1] for row in connection.execute(f"PRAGMA table_info({grown.table})") if row[1] != grown.key]
            names = ", ".join(f'"{c}"' for c in columns)
            chosen = ", ".join(grown.unique.get(c, f'"{c}"') for c in columns)
            connection.execute(
                f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
                f"INSERT INTO {grown.table} ({names}) "
                f"SELECT {chosen} FROM n, (SELECT * FROM {grown.table} ORDER BY {grown.key} DESC LIMIT 1)",
                (rows,),
            )
            sizes[grown.table] = connection.execute(f"SELECT count(*) FROM {grown.table}").fetchone()[0]
        connection.commit()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return sizes


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--rows", type=int, default=EXTRA)
    args = parser.parse_args()
    print(grow(args.database, args.rows))
