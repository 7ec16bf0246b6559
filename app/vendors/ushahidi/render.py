"""Ushahidi's wire format: W3C timestamps (written, and read back from payloads and fixtures), {id, url} references,
the v3 list envelope with its paging block. The field order of each resource is its renderer's, next to its logic.

Kept free of the table models: the seed loader reads the documented payloads with it (seed.py)."""

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from crowdmock.core.pagination import page_url

if TYPE_CHECKING:  # for annotations only: importing auth would import the table models
    from crowdmock.vendors.ushahidi.auth import Ctx


def w3c(ts: int | None) -> str | None:
    """Unix time -> `2014-11-11T08:40:51+00:00`, as the v3 formatters render `created`/`updated`."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def php_datetime(ts: int | None) -> dict | None:
    """A PHP DateTime as json_encode writes it (the Post entity's `post_date`, a message's `datetime`)."""
    if ts is None:
        return None
    when = datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S.000000")
    return {"date": when, "timezone_type": 3, "timezone": "UTC"}


# Unix seconds of years 1 and 9999, the range a time is written in (w3c); numbers beyond it are no time (strtotime
# gives false for them), so a filter ignores them and a body's date fails validation.
EARLIEST, LATEST = -62135596800, 253402300799


def parse_time(value) -> int | None:
    """ISO 8601, W3C, `YYYY-MM-DD HH:MM:SS` (UTC without offset) or unix seconds -> unix int, else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, int | float):
        return int(value) if EARLIEST <= value <= LATEST else None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return int(text) if int(text) <= LATEST else None
    text = text.replace("Z", "+00:00").replace("/", "-")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


def ref_id(obj: dict, name: str) -> int | None:
    """The id behind `name` in a payload: `{"form": {"id": 1}}`, `{"form": 1}` or `{"form_id": 1}`."""
    value = obj.get(name, obj.get(f"{name}_id"))
    if isinstance(value, dict):
        value = value.get("id")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def empty_as_list(value):
    """PHP renders an empty associative array as `[]` (seed: post 8328 `"values": []`)."""
    return value if value else []


@dataclass
class Paging:
    """Paging as requested (echoed back as given) and as applied."""

    limit_raw: str | None
    offset_raw: str | None
    order_raw: str
    orderby: str
    limit: int | None
    offset: int

    @property
    def descending(self) -> bool:
        return self.order_raw.upper() == "DESC"

    def echo(self) -> dict:
        return {
            "limit": self.limit_raw,
            "offset": self.offset_raw if self.offset_raw is not None else 0,
            "order": self.order_raw,
            "orderby": self.orderby,
        }


def envelope(ctx: "Ctx", results: list[dict], total: int, paging: Paging, extra: dict | None = None) -> dict:
    """The v3 list envelope; curr/next/prev carry only the paging keys (docs/vendors/ushahidi.md §1.3)."""
    base = ctx.base + ctx.request.url.path[len(ctx.request.scope.get("root_path", "")) :]
    echo = paging.echo()
    step = paging.limit or 0

    def link(offset: int) -> str:
        return page_url(
            base,
            {"orderby": echo["orderby"], "order": echo["order"], "limit": echo["limit"], "offset": offset},
        )

    return {
        "count": len(results),
        "results": results,
        **echo,
        "curr": link(paging.offset),
        "next": link(paging.offset + step),
        "prev": link(max(0, paging.offset - step)),
        "total_count": total,
        **(extra or {}),
    }
