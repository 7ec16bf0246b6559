"""Crowdynews' wire format: JSON answers with conditional GETs (seed: 304 with cache-control headers) and JSONP,
the Content host's base URL in links, a stored document and a content item as the APIs show them."""

import hashlib
from email.utils import formatdate, parsedate_to_datetime

import orjson
from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session as DbSession

from crowdmock.core.vendor import HOST_ROUTED_ORIGIN, public_base
from crowdmock.vendors.crowdynews.models import ContentItem, Resource
from crowdmock.vendors.crowdynews.resources import Kind, iso


def conditional(request: Request, payload, last_modified: float | None, cache_control: str, status: int = 200):
    """The JSON response with ETag, Last-Modified and Cache-Control, or a 304 when the client's copy is current.
    `callback` wraps the body as JSONP (Content API)."""
    body = orjson.dumps(payload)
    callback = request.query_params.get("callback", "")
    media = "application/json"
    if callback:
        body, media = f"{callback}(".encode() + body + b");", "application/javascript"
    etag = '"' + hashlib.sha1(body).hexdigest() + '"'
    headers = {"ETag": etag, "Cache-Control": cache_control}
    if last_modified:
        headers["Last-Modified"] = formatdate(int(last_modified), usegmt=True)
    if request.method == "GET" and _not_modified(request, etag, last_modified):
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=status, media_type=media, headers=headers)


def _not_modified(request: Request, etag: str, last_modified: float | None) -> bool:
    wanted = request.headers.get("if-none-match")
    if wanted is not None:
        tags = {t.strip().removeprefix("W/") for t in wanted.split(",")}
        return "*" in tags or etag in tags
    since = request.headers.get("if-modified-since")
    if since and last_modified:
        try:
            return int(last_modified) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


def q_base(request: Request) -> str:
    """Where the Content API lives, for `contentUri` and collection `url` fields."""
    origin = request.scope.get(HOST_ROUTED_ORIGIN)
    if origin:
        scheme, _, host = origin.partition("://")
        for prefix in ("api.", "auth."):
            if host.startswith(prefix):
                host = "q." + host[len(prefix) :]
        return f"{scheme}://{host}"
    return public_base(request) + "/q"


def document(request: Request, db: DbSession, kind: Kind, row: Resource) -> dict:
    """The stored document; a collection also gets its Content API URIs."""
    doc = dict(row.doc or {})
    if kind.name == "collections":
        contract = db.get(Resource, row.contract_id) if row.contract_id else None
        slug = (contract.doc or {}).get("slug") if contract else row.contract_id
        base = f"{q_base(request)}/v1"
        doc["contentUri"] = f"{base}/content/{slug}?q={doc.get('slug')}"
        doc["queueDataUri"] = f"{base}/queue/{slug}?q={doc.get('slug')}"
        doc["queueModerateUri"] = f"{base}/queue/{slug}?q={doc.get('slug')}"
    return doc


def content_item(item: ContentItem, queue: bool) -> dict:
    """An item of the Content API; the moderation queue adds its `state`."""
    out = {k: (iso(item.date) if k == "date" else v) for k, v in (item.doc or {}).items()}
    if queue:
        out["state"] = item.state
    return out
