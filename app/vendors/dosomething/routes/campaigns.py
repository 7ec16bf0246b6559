"""campaigns (index, retrieve, the signup and reportback targeted actions) and content/{nid}."""

from datetime import date

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlmodel import select

from crowdmock.core import clock
from crowdmock.core.db import SessionDep
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.dosomething import reportbacks as rb_logic
from crowdmock.vendors.dosomething.auth import Caller, CallerDep, authorize
from crowdmock.vendors.dosomething.deps import (
    DEFAULT_COUNT,
    csv_ints,
    flag,
    get,
    query_params,
    read_data,
    renderer,
    whole,
)
from crowdmock.vendors.dosomething.errors import ServicesError, missing
from crowdmock.vendors.dosomething.models import Node
from crowdmock.vendors.dosomething.render import paged

router = LazyRouter(prefix="/api/v1")


def _on_mobile_date(node: Node, day: str) -> bool:
    try:
        wanted = date.fromisoformat(day[:10])
        start, end = date.fromisoformat(node.mobile_app_start[:10]), date.fromisoformat(node.mobile_app_end[:10])
    except (TypeError, ValueError):
        return False
    return start <= wanted <= end


@router.get("/campaigns")
def list_campaigns(request: Request, db: SessionDep, caller: CallerDep) -> dict:
    q = query_params(request)
    ids, term_ids = csv_ints(q.get("ids")), csv_ints(q.get("term_ids"))
    staff_pick, mobile_app, randomize = flag(q.get("staff_pick")), flag(q.get("mobile_app")), flag(q.get("random"))
    mobile_date = q.get("mobile_app_date") if isinstance(q.get("mobile_app_date"), str) else None
    count = whole(q.get("count"), DEFAULT_COUNT)
    count = count if count and count > 0 else DEFAULT_COUNT
    page = max(whole(q.get("page"), 1), 1)
    # Only campaigns of type campaign (sms_game campaigns are filtered out).
    query = select(Node).where(Node.type == "campaign").order_by(Node.nid)
    if q.get("ids"):
        query = query.where(Node.nid.in_(ids))
    if staff_pick:
        query = query.where(Node.staff_pick == True)  # noqa: E712
    nodes = list(db.exec(query))
    if mobile_app:
        nodes = [n for n in nodes if n.mobile_app_start]
    if mobile_date:
        nodes = [n for n in nodes if _on_mobile_date(n, mobile_date)]
    if q.get("term_ids"):
        nodes = [n for n in nodes if set(term_ids) & set(n.term_ids or [])]
    if randomize:
        clock.shuffle(nodes)
    chosen = nodes[(page - 1) * count : page * count]
    if not chosen:
        return {"data": []}
    r = renderer(request, db, caller)
    filters = [
        ("type", "campaign"),
        ("ids", ids),
        ("staff_pick", staff_pick),
        ("mobile_app", mobile_app),
        ("mobile_app_date", mobile_date),
        ("term_ids", term_ids),
        ("count", count),
        ("random", randomize),
    ]
    return {
        "pagination": paged(r, "campaigns", filters, len(nodes), page, count),
        "retrieved_count": len(chosen),
        "data": [r.campaign(n) for n in chosen],
    }


def _campaign(db, nid: str) -> Node | None:
    node = get(db, Node, nid)
    return node if node is not None and node.type in ("campaign", "sms_game") else None


@router.get("/campaigns/{nid}")
def get_campaign(nid: str, request: Request, db: SessionDep, caller: CallerDep) -> dict:
    node = _campaign(db, nid)
    if node is None:
        return missing("No campaign data found.")
    return {"data": renderer(request, db, caller).campaign(node)}


@router.get("/content/{nid}")
def get_content(nid: str, request: Request, db: SessionDep, caller: CallerDep):
    node = get(db, Node, nid)
    if node is None:
        raise ServicesError(404, f"Node {nid} could not be found")
    if node.type not in ("campaign", "sms_game"):
        # dosomething_api's postprocess replaces nodes other than campaigns with FALSE.
        return JSONResponse([False])
    return renderer(request, db, caller).campaign(node)


def _action_access(db, caller: Caller, nid: str) -> Node:
    """_campaign_resource_access_alt for the signup and reportback actions."""
    node = get(db, Node, nid)
    if node is None:
        raise ServicesError(403, f"No node found for {nid}")
    if not caller.logged_in:
        raise ServicesError(403, "Must be logged in!")
    if node.type not in ("campaign", "sms_game") or node.status != "active":
        raise ServicesError(403, f"Campaign node {node.nid} is not active.")
    return node


@router.post("/campaigns/{nid}/signup")
async def signup(nid: str, request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    values = await _values(request)
    authorize(request, caller)
    node = _action_access(db, caller, nid)
    sid = rb_logic.create_signup(db, node, caller, values)
    return JSONResponse([str(sid) if sid else False])


@router.post("/campaigns/{nid}/reportback")
async def reportback(nid: str, request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    values = await _values(request)
    authorize(request, caller)
    node = _action_access(db, caller, nid)
    rbid = rb_logic.save_reportback(db, node, caller, values)
    return JSONResponse([str(rbid) if rbid else False])


async def _values(request: Request) -> dict:
    data = await read_data(request)
    if data is None:
        raise ServicesError(401, "Missing required argument values")
    return data
