"""signups (index with `user`/`campaigns`, no paging in the seed era) and signups/{sid}."""

from fastapi import Request
from sqlmodel import select

from crowdmock.core.db import SessionDep
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.dosomething.auth import CallerDep
from crowdmock.vendors.dosomething.deps import csv_ints, get, query_params, renderer
from crowdmock.vendors.dosomething.errors import missing
from crowdmock.vendors.dosomething.models import Signup

router = LazyRouter(prefix="/api/v1")


@router.get("/signups")
def list_signups(request: Request, db: SessionDep, caller: CallerDep) -> dict:
    q = query_params(request)
    query = select(Signup).order_by(Signup.sid)
    if q.get("user") is not None:
        query = query.where(Signup.uid.in_(csv_ints(q["user"])))
    if q.get("campaigns") is not None:
        query = query.where(Signup.nid.in_(csv_ints(q["campaigns"])))
    return {"data": renderer(request, db, caller).signups(list(db.exec(query)))}


@router.get("/signups/{sid}")
def get_signup(sid: str, request: Request, db: SessionDep, caller: CallerDep) -> dict:
    row = get(db, Signup, sid)
    if row is None:
        return missing("No signup data found.")
    return {"data": renderer(request, db, caller).signups([row])[0]}
