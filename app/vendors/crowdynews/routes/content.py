"""The Content API (q.crowdynews.com/v1): published collections, content, count and related items open to
anyone, and the moderation queue for token holders. `count`/`offset` paging, a `since`/`until` window (unix
seconds, the last 24 hours by default) and JSONP through `callback`."""

import math

from fastapi import Request, Response
from sqlmodel import Session as DbSession
from sqlmodel import func, select

from crowdmock.core import clock
from crowdmock.core.db import SessionDep
from crowdmock.core.payload import read_payload
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.crowdynews.auth import CallerDep, contract_for
from crowdmock.vendors.crowdynews.deps import find_contract
from crowdmock.vendors.crowdynews.errors import CrowdynewsError, validation
from crowdmock.vendors.crowdynews.models import ContentItem, Resource
from crowdmock.vendors.crowdynews.render import conditional, content_item, q_base

router = LazyRouter(prefix="/q/v1")
SERVICES = ("twitter", "facebook", "youtube", "instagram", "rss", "flickr", "vimeo", "tumblr", "vk", "weibo")
TYPES = ("image", "video", "status", "link", "embed", "comment")
PUBLIC_CACHE = "public, max-age=60"
QUEUE_CACHE = "private, max-age=0, must-revalidate"
DAY = 86400
MAX_TIME = 10**11  # unix seconds beyond any date a client means (and within SQLite's integers)


def _number(params, name: str, default, low, high, integer: bool = True):
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        raise validation(name, raw, "type", f"{name} must be a number.") from None
    if low is not None and value < low or high is not None and value > high:
        raise validation(name, raw, "range", f"{name} must be between {low} and {high}.")
    return value


def _csv(params, name: str, allowed: tuple | None) -> list[str]:
    values = [v.strip() for v in params.get(name, "").split(",") if v.strip()]
    for value in values:
        if allowed and value not in allowed:
            raise validation(name, value, "enum", f"{name} must be one of {', '.join(allowed)}.")
    return values


def _location(params, lat_first: bool):
    raw = params.get("location")
    if not raw:
        return None
    parts = raw.split(",")
    try:
        a, b, radius = (float(p) for p in parts)
    except ValueError:
        raise validation("location", raw, "format", "location must be three comma-separated numbers.") from None
    lat, lon = (a, b) if lat_first else (b, a)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise validation("location", raw, "range", "latitude or longitude out of range.")
    if not 10 <= radius <= 200:
        raise validation("location", raw, "range", "radius must be between 10 and 200.")
    return lat, lon, radius


def _km(lat1, lon1, lat2, lon2) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(min(1.0, h)))


class Matching:
    """The items of a contract matching the shared filters, in the requested order: a query, plus the location circle
    that is checked here (a distance on a sphere). Pages and counts are asked of the database, so their cost does not
    grow with the contract's items; a location filter reads the matching rows."""

    def __init__(self, db: DbSession, query, location: tuple[float, float, float] | None):
        self.db, self.query, self.location = db, query, location

    def _near(self, items) -> list[ContentItem]:
        lat, lon, radius = self.location
        return [i for i in items if i.latitude is not None and _km(lat, lon, i.latitude, i.longitude) <= radius]

    def page(self, offset: int, count: int) -> list[ContentItem]:
        if self.location:
            return self._near(self.db.exec(self.query))[offset : offset + count]
        return list(self.db.exec(self.query.offset(offset).limit(count)))

    def count_and_newest(self) -> tuple[int, float | None]:
        if self.location:
            items = self._near(self.db.exec(self.query))
            return len(items), max((i.date for i in items), default=None)
        counted = self.query.order_by(None).with_only_columns(func.count(), func.max(ContentItem.date))
        matched, newest = self.db.execute(counted).one()
        return matched, newest


def select_items(db: DbSession, contract: Resource, params, *, queue: bool, lat_first: bool) -> Matching:
    """The items of a contract matching the shared filters, in the requested order (no paging)."""
    until = _number(params, "until", None, 0, MAX_TIME)
    since = _number(params, "since", None, 0, MAX_TIME)
    until = until if until is not None else int(clock.time())
    since = since if since is not None else until - DAY
    if since > until:
        raise validation("since", params.get("since"), "range", "since must not be later than until.")
    services, types = _csv(params, "service", SERVICES), _csv(params, "type", TYPES)
    languages = _csv(params, "language", None)
    where = [ContentItem.contract_id == contract.id, ContentItem.date >= since, ContentItem.date <= until]
    if not queue:
        where.append(ContentItem.state == "published")
    slug = params.get("q")
    if slug:
        collections = select(Resource).where(Resource.kind == "collections", Resource.contract_id == contract.id)
        if not any((c.doc or {}).get("slug") == slug for c in db.exec(collections)):
            raise CrowdynewsError(404, f"Collection {slug} was not found.")
        where.append(ContentItem.collection_slug == slug)
    if services:
        where.append(ContentItem.service.in_(services))
    if types:
        where.append(ContentItem.type.in_(types))
    if languages:
        where.append(ContentItem.language.in_(languages))
    sort = params.get("sort", "time")
    if sort not in ("time", "kudos"):
        raise validation("sort", sort, "enum", "sort must be one of time, kudos.")
    order = params.get("order", "desc")
    if order not in ("asc", "desc"):
        raise validation("order", order, "enum", "order must be one of asc, desc.")
    column = ContentItem.date if sort == "time" else ContentItem.kudos_score
    terms = (column.asc(), ContentItem.pk.asc()) if order == "asc" else (column.desc(), ContentItem.pk.desc())
    return Matching(db, select(ContentItem).where(*where).order_by(*terms), _location(params, lat_first))


def page(params, matching: Matching, default: int, high: int) -> list[ContentItem]:
    count = _number(params, "count", default, 1, high)
    offset = _number(params, "offset", 0, 0, 2**31 - 1)
    return matching.page(offset, count)


@router.get("/collections/{contract}", summary="The contract's published collections")
def collections(contract: str, request: Request, db: SessionDep) -> Response:
    found = find_contract(db, contract)
    query = select(Resource).where(Resource.kind == "collections", Resource.contract_id == found.id)
    rows = [r for r in db.exec(query.order_by(Resource.id)) if (r.doc or {}).get("active", True)]
    slug = (found.doc or {}).get("slug", found.id)
    body = [
        {"name": r.doc["name"], "type": r.doc["type"], "url": f"{q_base(request)}/v1/content/{slug}?q={r.doc['slug']}"}
        for r in rows
    ]
    return conditional(request, body, max((r.last_modified for r in rows), default=None), PUBLIC_CACHE)


@router.get("/content/{contract}", summary="Published content")
def content(contract: str, request: Request, db: SessionDep) -> Response:
    found = find_contract(db, contract)
    params = request.query_params
    # The published-content page documents location as longitude,latitude,radius.
    items = page(params, select_items(db, found, params, queue=False, lat_first=False), 20, 100)
    newest = max((i.date for i in items), default=None)
    return conditional(request, [content_item(i, False) for i in items], newest, PUBLIC_CACHE)


@router.get("/count/{contract}", summary="How many published items match")
def count(contract: str, request: Request, db: SessionDep) -> Response:
    found = find_contract(db, contract)
    matched, newest = select_items(db, found, request.query_params, queue=False, lat_first=True).count_and_newest()
    return conditional(request, {"count": matched}, newest, PUBLIC_CACHE)


@router.get("/related/{contract}", summary="Up to 20 published items about an article URL")
def related(contract: str, request: Request, db: SessionDep) -> Response:
    found = find_contract(db, contract)
    url = request.query_params.get("q", "")
    if not url:
        raise validation("q", None, "required", "q (the article URL) is required.")
    query = select(ContentItem).where(ContentItem.contract_id == found.id, ContentItem.state == "published")
    rows = [
        i for i in db.exec(query.order_by(ContentItem.date.desc())) if url in ((i.doc or {}).get("postedUrls") or [])
    ]
    items = rows[:20]
    return conditional(
        request, [content_item(i, False) for i in items], max((i.date for i in items), default=None), PUBLIC_CACHE
    )


@router.get("/queue/{contract}", summary="The moderation queue (token)")
def queue(contract: str, request: Request, db: SessionDep, caller: CallerDep) -> Response:
    found = find_contract(db, contract)
    contract_for(db, caller, found.id)
    params = request.query_params
    items = page(params, select_items(db, found, params, queue=True, lat_first=True), 500, 500)
    return conditional(
        request, [content_item(i, True) for i in items], max((i.date for i in items), default=None), QUEUE_CACHE
    )


@router.patch("/queue/{contract}", summary="Publish or unpublish a queued item (token)")
async def moderate(contract: str, request: Request, db: SessionDep, caller: CallerDep) -> Response:
    found = find_contract(db, contract)
    contract_for(db, caller, found.id)
    params = request.query_params
    item_id = params.get("id")
    if not item_id:
        raise validation("id", None, "required", "id is required.")
    payload = await read_payload(request)
    if payload.malformed or payload.not_an_object:
        raise CrowdynewsError(400, "The request body must be a JSON object.")
    state = payload.data.get("state")
    if state not in ("published", "unpublished"):
        raise validation("state", state, "enum", "state must be one of published, unpublished.")
    query = select(ContentItem).where(ContentItem.contract_id == found.id, ContentItem.id == item_id)
    if params.get("q"):
        query = query.where(ContentItem.collection_slug == params["q"])
    item = db.exec(query).first()
    if item is None:
        raise CrowdynewsError(404, f"Content item {item_id} was not found.")
    item.state = state
    db.add(item)
    db.commit()
    return conditional(request, content_item(item, True), item.date, QUEUE_CACHE)
