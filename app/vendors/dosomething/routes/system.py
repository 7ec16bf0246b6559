"""Services' system resource (connect, set_variable), the member count, and the endpoint root."""

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from sqlmodel import func, select

from crowdmock.core import clock
from crowdmock.core.db import SessionDep
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.dosomething.auth import CallerDep, authorize, session_name
from crowdmock.vendors.dosomething.deps import read_data, require, trimmed_id
from crowdmock.vendors.dosomething.models import User, Variable
from crowdmock.vendors.dosomething.render import account

router = LazyRouter(prefix="/api/v1")


@router.get("", include_in_schema=False)
def endpoint_root() -> Response:
    # rest_server_server() returns nothing for the bare endpoint path.
    return Response(b"", media_type="text/html; charset=utf-8")


@router.post("/system/connect")
async def connect(request: Request, caller: CallerDep) -> dict:
    await read_data(request)
    authorize(request, caller)
    if caller.logged_in:
        return {
            "sessid": caller.session.sid,
            "session_name": session_name(request),
            "user": account(caller.user, caller.session),
        }
    # An anonymous visitor gets a fresh session id that identifies nobody.
    return {"sessid": clock.token_urlsafe(32), "session_name": session_name(request), "user": {"uid": "0"}}


@router.post("/system/set_variable")
async def set_variable(request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    data = require(await read_data(request), "name", "value")
    authorize(request, caller, "admin")
    row = db.get(Variable, str(data["name"])) or Variable(name=str(data["name"]))
    row.value = {"value": data["value"]}
    db.add(row)
    db.commit()
    return JSONResponse(None)


def member_count(db) -> int:
    """The site's cached member count variable (set_variable can change it), else the users stored."""
    row = db.get(Variable, "dosomething_user_member_count")
    value = (row.value or {}).get("value") if row else None
    if trimmed_id(value) is not None:
        return trimmed_id(value)
    return db.exec(select(func.count()).select_from(User)).one()


def readable(count: int) -> str:
    """3,596,441 -> "3.5 million" (truncated to one decimal, as the site shows it)."""
    for size, word in ((1_000_000_000, "billion"), (1_000_000, "million")):
        if count >= size:
            tenths = count * 10 // size
            return f"{tenths // 10}.{tenths % 10} {word}"
    return f"{count:,}"


@router.post("/users/get_member_count")
async def get_member_count(request: Request, db: SessionDep, caller: CallerDep) -> dict:
    await read_data(request)
    authorize(request, caller)
    count = member_count(db)
    return {"formatted": f"{count:,}", "readable": readable(count)}
