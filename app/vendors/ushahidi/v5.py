"""What the platform's v5 API shares (docs/vendors/ushahidi.md §1.24): Laravel's paginated resource collections,
and the Paging DTO's query parameters (its 422 body is errors.py's V5ValidationError)."""

import math
from dataclasses import dataclass
from urllib.parse import urlencode

from crowdmock.core.pagination import to_int
from crowdmock.vendors.ushahidi.auth import Ctx
from crowdmock.vendors.ushahidi.errors import UshahidiError

# config/paging.php
DEFAULT_LIMIT = 20
UNLIMITED = 100000
ON_EACH_SIDE = 3  # AbstractPaginator::$onEachSide


@dataclass
class V5Paging:
    limit: int
    page: int
    orderby: str
    descending: bool

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


def read_v5_paging(ctx: Ctx, columns: set[str], orderby: str = "id", order: str = "DESC") -> V5Paging:
    """Paging::fromRequest: `limit` (default 20, `0` or empty for 100000), `page` (Laravel's: a whole number from 1),
    `orderby`, `order` (Laravel's orderBy refuses anything but asc/desc with a 400)."""
    q = ctx.request.query_params
    raw_limit = q.get("limit")
    if raw_limit is None:
        limit = DEFAULT_LIMIT
    elif raw_limit.strip() in ("", "0"):
        limit = UNLIMITED
    else:
        limit = to_int(raw_limit, None)
        limit = limit if limit is not None and limit > 0 else DEFAULT_LIMIT
    page = to_int(q.get("page"), 1)
    direction = q.get("order", order)
    if direction.lower() not in ("asc", "desc"):
        raise UshahidiError(400, 'Bad request: Order direction must be "asc" or "desc".')
    requested = q.get("orderby", orderby)
    return V5Paging(
        limit, page if page >= 1 else 1, requested if requested in columns else orderby, direction.lower() == "desc"
    )


def paginated(path: str, results: list, total: int, paging: V5Paging) -> dict:
    """A ResourceCollection of a LengthAwarePaginator at `path` (the request's URL without its query): the
    collection's own keys, then `links` and `meta`."""
    last_page = max(math.ceil(total / paging.limit), 1)
    current = paging.page

    def url(page: int) -> str:
        return f"{path}?{urlencode({'page': page})}"

    prev_url = url(current - 1) if current > 1 else None
    next_url = url(current + 1) if last_page > current else None
    links = [{"url": prev_url, "label": "pagination.previous", "active": False}]
    for block in _url_window(current, last_page):
        if block is None:
            links.append({"url": None, "label": "...", "active": False})
        else:
            links += [{"url": url(p), "label": str(p), "active": p == current} for p in block]
    links.append({"url": next_url, "label": "pagination.next", "active": False})
    first_item = paging.offset + 1 if results else None
    return {
        "count": len(results),
        "results": results,
        "links": {"first": url(1), "last": url(last_page), "prev": prev_url, "next": next_url},
        "meta": {
            "current_page": current,
            "from": first_item,
            "last_page": last_page,
            "links": links,
            "path": path,
            "per_page": paging.limit,
            "to": first_item + len(results) - 1 if results else None,
            "total": total,
        },
    }


def _url_window(current: int, last: int) -> list[range | None]:
    """UrlWindow: every page when there are few, else the first pages, `...`, a slider, `...`, the last pages."""
    if last < ON_EACH_SIDE * 2 + 8:
        return [range(1, last + 1)]
    window = ON_EACH_SIDE + 4
    start, finish = range(1, 3), range(last - 1, last + 1)
    if current <= window:
        return [range(1, window + ON_EACH_SIDE + 1), None, finish]
    if current > last - window:
        return [start, None, range(last - (window + ON_EACH_SIDE - 1), last + 1)]
    return [start, None, range(current - ON_EACH_SIDE, current + ON_EACH_SIDE + 1), None, finish]
