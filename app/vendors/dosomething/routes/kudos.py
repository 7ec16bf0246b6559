"""kudos: reactions (kudos terms) of users on reportback items."""

from fastapi import APIRouter, Request
from sqlmodel import select

from crowdmock.core import clock
from crowdmock.core.db import SessionDep
from crowdmock.vendors.dosomething.auth import CallerDep, access_denied, authorize
from crowdmock.vendors.dosomething.errors import missing
from crowdmock.vendors.dosomething.models import Kudos, ReportbackFile, Term, User
from crowdmock.vendors.dosomething.routes.common import DEFAULT_COUNT, renderer
from crowdmock.vendors.dosomething.services import csv, csv_ints, get, query_params, read_data, require, whole

router = APIRouter(prefix="/api/v1")
KUDOS_VOCABULARY = "kudos"


@router.get("/kudos")
def list_kudos(request: Request, db: SessionDep, caller: CallerDep) -> dict:
    q = query_params(request)
    count = whole(q.get("count"), DEFAULT_COUNT)
    count = count if count and count > 0 else DEFAULT_COUNT
    query = select(Kudos).order_by(Kudos.kid)
    if q.get("reportbackitems") is not None:
        query = query.where(Kudos.fid.in_(csv_ints(q["reportbackitems"])))
    rows = list(db.exec(query.limit(count)))
    if not rows:
        return missing("No kudos data found.")
    return {"kudos": {"data": renderer(request, db, caller).kudos_groups(rows)}}


@router.get("/kudos/{kid}")
def get_kudos(kid: str, request: Request, db: SessionDep, caller: CallerDep) -> dict:
    row = get(db, Kudos, kid)
    if row is None:
        return missing("No kudos data found.")
    return {"data": renderer(request, db, caller).kudos(row)}


@router.post("/kudos")
async def create_kudos(request: Request, db: SessionDep, caller: CallerDep) -> dict:
    values = require(await read_data(request), "reportback_item_id", "user_id", "term_ids")
    authorize(request, caller, "user")
    fid, uid = whole(values["reportback_item_id"]), whole(values["user_id"])
    terms = values["term_ids"]
    # PHP iterates an array's values; a scalar is a comma-separated list.
    entries = list(terms.values()) if isinstance(terms, dict) else terms if isinstance(terms, list) else csv(terms)
    item_ok = fid is not None and db.get(ReportbackFile, fid) is not None
    user_ok = uid is not None and db.get(User, uid) is not None
    created = failed = 0
    now = int(clock.time())
    for entry in entries:
        term = get(db, Term, entry)
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
    row = get(db, Kudos, kid)
    if row is None:
        return missing("The specified kudos record id is not valid.")
    if row.uid != caller.user.uid and not caller.is_admin:
        raise access_denied(caller)
    db.delete(row)
    db.commit()
    return {"success": {"message": "Kudos record successfully deleted."}}
