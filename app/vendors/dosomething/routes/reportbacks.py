"""reportbacks, reportback-items, reportback_files/{fid}/review and the uploaded files themselves."""

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from sqlmodel import select

from crowdmock.core import clock
from crowdmock.core.db import SessionDep
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.dosomething import deps
from crowdmock.vendors.dosomething import reportbacks as rb_logic
from crowdmock.vendors.dosomething.auth import CallerDep, authorize
from crowdmock.vendors.dosomething.errors import ServicesError, missing
from crowdmock.vendors.dosomething.models import Reportback, ReportbackFile, StoredFile
from crowdmock.vendors.dosomething.render import Renderer, paged

router = LazyRouter()
DEFAULT_STATUSES = ["promoted", "approved"]


def _statuses(r: Renderer, value) -> list[str]:
    """The `status` filter; callers who may not review are limited to promoted and approved."""
    wanted = deps.csv(value) or DEFAULT_STATUSES
    allowed = r.visible_statuses()
    return wanted if allowed is None else [s for s in wanted if s in allowed]


def _count_page(q: dict) -> tuple[int, int]:
    count = deps.whole(q.get("count"), deps.DEFAULT_COUNT)
    return (count if count and count > 0 else deps.DEFAULT_COUNT), max(deps.whole(q.get("page"), 1), 1)


@router.get("/api/v1/reportbacks")
def list_reportbacks(request: Request, db: SessionDep, caller: CallerDep) -> dict:
    q = deps.query_params(request)
    r = deps.renderer(request, db, caller)
    statuses = _statuses(r, q.get("status"))
    count, page = _count_page(q)
    query = select(Reportback).order_by(Reportback.rbid)
    if q.get("ids") is not None:
        query = query.where(Reportback.rbid.in_(deps.csv_ints(q["ids"])))
    if q.get("campaigns") is not None:
        query = query.where(Reportback.nid.in_(deps.csv_ints(q["campaigns"])))
    if not deps.flag(q.get("flagged")):
        query = query.where(Reportback.flagged == False)  # noqa: E712
    reportbacks = list(db.exec(query))
    files = r.files_of([rb.rbid for rb in reportbacks])
    # A reportback is listed when one of its items has a requested status.
    reportbacks = [rb for rb in reportbacks if any(f.status in statuses for f in files.get(rb.rbid, []))]
    if deps.flag(q.get("random")):
        clock.shuffle(reportbacks)
    chosen = reportbacks[(page - 1) * count : page * count]
    r.preload(nids={rb.nid for rb in chosen})
    return {"data": [r.reportback(rb, files.get(rb.rbid, [])) for rb in chosen]}


@router.get("/api/v1/reportbacks/{rbid}")
def get_reportback(rbid: str, request: Request, db: SessionDep, caller: CallerDep) -> dict:
    rb = deps.get(db, Reportback, rbid)
    if rb is None:
        return missing("No reportback data found.")
    r = deps.renderer(request, db, caller)
    return {"data": r.reportback(rb, r.files_of([rb.rbid]).get(rb.rbid, []))}


@router.get("/api/v1/reportback-items")
def list_items(request: Request, db: SessionDep, caller: CallerDep) -> dict:
    q = deps.query_params(request)
    r = deps.renderer(request, db, caller)
    statuses = _statuses(r, q.get("status"))
    count, page = _count_page(q)
    campaigns, exclude = deps.csv_ints(q.get("campaigns")), deps.csv_ints(q.get("exclude"))
    query = select(ReportbackFile).where(ReportbackFile.status.in_(statuses))
    if q.get("campaigns"):
        query = query.where(ReportbackFile.nid.in_(campaigns))
    if exclude:
        query = query.where(ReportbackFile.fid.not_in(exclude))
    items = list(db.exec(query.order_by(ReportbackFile.fid.desc())))
    randomize, load_user = deps.flag(q.get("random")), deps.flag(q.get("load_user"))
    if randomize:
        clock.shuffle(items)
    chosen = items[(page - 1) * count : page * count]
    if not chosen:
        return {"data": []}
    reportbacks = {
        rb.rbid: rb for rb in db.exec(select(Reportback).where(Reportback.rbid.in_({f.rbid for f in chosen})))
    }
    r.preload(nids={f.nid for f in chosen}, uids={f.uid for f in chosen})
    filters = [
        ("campaigns", campaigns),
        ("exclude", exclude),
        ("status", statuses),
        ("count", count),
        ("random", randomize),
        ("load_user", load_user),
    ]
    return {
        "pagination": paged(r, "reportback-items", filters, len(items), page, count),
        "retrieved_count": len(chosen),
        "data": [r.item(f, reportbacks.get(f.rbid)) for f in chosen],
    }


@router.get("/api/v1/reportback-items/{fid}")
def get_item(fid: str, request: Request, db: SessionDep, caller: CallerDep) -> dict:
    r = deps.renderer(request, db, caller)
    f = deps.get(db, ReportbackFile, fid)
    if f is None or not r.visible([f]):
        return missing("No reportback items data found.")
    return {"data": r.item(f, db.get(Reportback, f.rbid))}


@router.post("/api/v1/reportback_files/{fid}/review")
async def review(fid: str, request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    values = deps.require(await deps.read_data(request), "status")
    authorize(request, caller, "admin")
    return JSONResponse(rb_logic.review_file(db, fid, values, caller.user.uid))


@router.get(rb_logic.FILES_URL + "{path:path}", include_in_schema=False)
def stored_file(path: str, db: SessionDep) -> Response:
    # Image styles (styles/480x480/public/...) serve the original upload.
    parts = path.split("/")
    if len(parts) > 3 and parts[0] == "styles" and parts[2] == "public":
        path = "/".join(parts[3:])
    row = db.get(StoredFile, path)
    if row is None:
        raise ServicesError(404, "Not found", body=None)
    return Response(row.content, media_type=row.mime)
