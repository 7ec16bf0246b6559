"""/v1/fields/{field}/options, /v1/segment/scan, /v1/traits and /v1/tracking."""

from fastapi import Depends, Request
from sqlmodel import select

from crowdmock.core.db import SessionDep
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.crowdskout.auth import CallerDep, get_caller
from crowdmock.vendors.crowdskout.collections import COLLECTIONS
from crowdmock.vendors.crowdskout.deps import json_body
from crowdmock.vendors.crowdskout.errors import CrowdskoutError
from crowdmock.vendors.crowdskout.models import FieldOption
from crowdmock.vendors.crowdskout.render import envelope
from crowdmock.vendors.crowdskout.segments import BadQuery, scan, traits

router = LazyRouter(prefix="/v1", tags=["fields"], dependencies=[Depends(get_caller)])
FIELD_COLLECTION = {field: c.name for c in COLLECTIONS.values() for field in c.fields}


def _option_id(raw: str):
    return int(raw) if raw.isdigit() else raw


@router.get("/fields/{field}/options")
def field_options(request: Request, session: SessionDep, field: str) -> dict:
    collection = FIELD_COLLECTION.get(field)
    if collection is None:
        raise CrowdskoutError(404, f"Field {field} not found.")
    stmt = select(FieldOption).where(FieldOption.field == field).order_by(FieldOption.pk)
    options = session.exec(stmt).all()
    for name, wanted in request.query_params.items():
        if name in FIELD_COLLECTION and name != field:
            options = [o for o in options if o.dependency_field == name and o.dependency_id == wanted]
    body = [{"id": _option_id(o.option_id), "value": o.value} for o in options]
    return envelope({"collection": collection, "options": body})


@router.put("/segment/scan")
def segment_scan(request: Request, session: SessionDep) -> dict:
    query, token = request.query_params.get("query"), request.query_params.get("token")
    if not token and not (query and query.strip()):
        raise CrowdskoutError(400, "The query parameter is required.")
    try:
        return envelope(scan(session, query or "", token))
    except BadQuery as exc:
        raise CrowdskoutError(400, f"Could not parse the query near: {exc}") from None


@router.post("/traits")
async def count_traits(request: Request, session: SessionDep) -> dict:
    body = await json_body(request)
    if not isinstance(body.get("traits"), list) or not body["traits"]:
        raise CrowdskoutError(400, "The traits parameter is required and must be an array.")
    try:
        return envelope(traits(session, body))
    except BadQuery as exc:
        raise CrowdskoutError(400, f"Could not parse the query near: {exc}") from None


@router.get("/tracking")
def tracking(caller: CallerDep) -> dict:
    user = caller.user
    return envelope({"source": user.source_id, "organization": user.organization_id, "client": user.client_id})
