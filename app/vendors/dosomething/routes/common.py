"""Helpers every DoSomething route module uses."""

from math import ceil

from fastapi import Request
from sqlmodel import Session as DbSession

from crowdmock.core.vendor import public_base
from crowdmock.vendors.dosomething.auth import Caller
from crowdmock.vendors.dosomething.schemas import Renderer

DEFAULT_COUNT = 25


def renderer(request: Request, db: DbSession, caller: Caller) -> Renderer:
    base = public_base(request)
    return Renderer(db, base, reviewer=caller.is_admin)


def paged(r: Renderer, resource: str, filters: list[tuple[str, object]], total: int, page: int, count: int) -> dict:
    """Transformer::paginate of the seed era: links repeat the internal filters, then `&page=N`."""
    total_pages = ceil(total / count)
    parts = []
    for key, value in filters:
        if isinstance(value, bool):
            value = "true" if value and key in ("random", "load_user") else ("1" if value else None)
        if value is None or value == "" or value == []:
            continue
        parts.append(f"{key}={','.join(map(str, value)) if isinstance(value, list) else value}")
    query = "&".join(parts)

    def link(number: int) -> str:
        return r.api(f"{resource}?{query}&page={number}")

    return {
        "total": total,
        "per_page": count,
        "current_page": page,
        "total_pages": total_pages,
        "prev_uri": None if page - 1 <= 0 else link(page - 1),
        "next_uri": None if page + 1 > total_pages else link(page + 1),
    }
