"""kudos: reactions (kudos terms) of users on reportback items."""

from fastapi import Request
from sqlmodel import select

from crowdmock.core import clock
from crowdmock.core.db import SessionDep
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.dosomething import deps
from crowdmock.vendors.dosomething.auth import CallerDep, access_denied, authorize
from crowdmock.vendors.dosomething.errors import missing
from crowdmock.vendors.dosomething.models import Kudos, ReportbackFile, Term, User

router = LazyRouter(prefix="/api/v1")
KUDOS_VOCABULARY = "kudos"


@router.get("/kudos")
def list_kudos(request: Request, db: SessionDep, caller: CallerDep) -> dict:
    q = deps.query_params(request)
    count = deps.whole(q.get("count"), deps.DEFAULT_COUNT)
    count = count if count and count > 0 else deps.DEFAULT_COUNT
    query = select(Kudos).order_by(Kudos.kid)
    if q.get("reportbackitems") is not None:
        query = query.where(Kudos.fid.in_(deps.csv_ints(q["reportbackitems"])))
    rows = list(db.exec(query.limit(count)))
    if not rows:
        return missing("No kudos data found.")
    return {"kudos": {"data": deps.renderer(request, db, caller).kudos_groups(rows)}}


@router.get("/kudos/{kid}")
def get_kudos(kid: str, request: Request, db: SessionDep, caller: CallerDep) -> dict:
    row = deps.get(db, Kudos, kid)
    if row is None:
        return missing("No kudos data found.")
    return {"data": deps.renderer(request, db, caller).kudos(row)}


@router.post("/kudos")
async def create_kudos(request: Request, db: SessionDep, caller: CallerDep) -> dict:
    values = deps.require(await deps.read_data(request), "reportback_item_id", "user_id", "term_ids")
    authorize(request, caller, "user")
    fid, uid = deps.whole(values["reportback_item_id"]), deps.whole(values["user_id"])
    terms = values["term_ids"]
    # PHP iterates an array's values; a scalar is a comma-separated list.
    entries = list(terms.values()) if isinstance(terms, dict) else terms if isinstance(terms, list) else deps.csv(terms)
    item_ok = fid is not None and db.get(ReportbackFile, fid) is not None
    user_ok = uid is not None and db.get(User, uid) is not None
    created = failed = 0
    now = int(clock.time())
    for entry in entries:
        term = deps.get(db, Term, entry)
        ok = item_ok and user_ok and term is not None and term.vocabulary_machine_name == KUDOS_VOCABULARY
        if not ok or db.exec(select(Kudos).where(Kudos.fid == fid, Kudos.uid == uid, Kudos.tid == term.tid)).first():
            failed += 1
            continue
        db.add(Kudos(fid=fid, uid=uid, tid=term.tid, created=now))
        db.flush()
        created += 1
    db.commit()
    return {"created": created, "failed": failed}


@router.delete("/kudos/{kid}")
async def delete_kudos(kid: str, request: Request, db: SessionDep, caller: CallerDep) -> dict:
    authorize(request, caller, "user")
    row = deps.get(db, Kudos, kid)
    if row is None:
        return missing("The specified kudos record id is not valid.")
    if row.uid != caller.user.uid and not caller.is_admin:
        raise access_denied(caller)
    db.delete(row)
    db.commit()
    return {"success": {"message": "Kudos record successfully deleted."}}
