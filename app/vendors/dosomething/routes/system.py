"""Services' user actions (auth/login, auth/logout, auth/token) and system resource (connect,
set_variable), plus the endpoint root."""

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from sqlmodel import func, select

from crowdmock.core import clock
from crowdmock.core.db import SessionDep
from crowdmock.core.passwords import verify_password
from crowdmock.vendors.dosomething.auth import (
    CallerDep,
    authorize,
    cookie_header,
    csrf_token,
    find_login,
    open_session,
    session_name,
)
from crowdmock.vendors.dosomething.errors import ServicesError
from crowdmock.vendors.dosomething.models import Session, User, Variable
from crowdmock.vendors.dosomething.services import read_data, require, trimmed_id

router = APIRouter(prefix="/api/v1")
ACCOUNT_KEYS = ("theme", "signature", "signature_format")
ACCOUNT_TAIL = ("timezone", "language", "picture", "data", "uuid")


def account(user: User, session: Session | None) -> dict:
    """The Drupal account object of a session's user, as auth/login and system/connect return it."""
    extra = user.account or {}
    out = {"uid": str(user.uid), "name": user.name, "mail": user.mail}
    out.update({k: extra.get(k, "") for k in ACCOUNT_KEYS})
    out.update({"created": str(user.created), "access": str(user.access), "login": str(user.login)})
    out["status"] = str(user.status)
    out.update({k: extra.get(k, "" if k != "data" else False) for k in ACCOUNT_TAIL})
    out.update(
        {
            "sid": session.sid if session else "",
            "ssid": "",
            "hostname": session.hostname if session else "",
            "timestamp": str(session.timestamp) if session else "",
            "cache": "0",
            "session": "",
            "roles": user.roles or {},
        }
    )
    return out


@router.get("", include_in_schema=False)
def endpoint_root() -> Response:
    # rest_server_server() returns nothing for the bare endpoint path.
    return Response(b"", media_type="text/html; charset=utf-8")


@router.post("/auth/login")
async def login(request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    data = require(await read_data(request), "username", "password")
    authorize(request, caller)
    if caller.logged_in:
        raise ServicesError(406, f"Already logged in as {caller.user.name}.")
    flood_user, flood_ip = request.app.state.login_flood_user, request.app.state.login_flood_ip
    address = request.client.host if request.client else ""
    if flood_ip.exceeded(address):
        raise ServicesError(406, "This IP address is temporarily blocked.")
    user = find_login(db, str(data["username"]))
    if user is not None and flood_user.exceeded(f"{user.uid}-{address}"):
        raise ServicesError(406, "Account is temporarily blocked.")
    if user is None or not verify_password(str(data["password"]), user.password_hash):
        flood_ip.register(address)
        if user is not None:
            flood_user.register(f"{user.uid}-{address}")
        raise ServicesError(401, "Wrong username or password.")
    if user.status != 1:
        message = f'The username <em class="placeholder">{user.name}</em> has not been activated or is blocked.'
        raise ServicesError(403, message)
    flood_user.forget(f"{user.uid}-{address}")
    session = open_session(request, db, user)
    body = {
        "sessid": session.sid,
        "session_name": session_name(request),
        "token": csrf_token(request, session.sid),
        "user": account(user, session),
    }
    return JSONResponse(body, headers={"Set-Cookie": cookie_header(request, session.sid)})


@router.post("/auth/logout")
async def logout(request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    await read_data(request)
    authorize(request, caller)
    if not caller.logged_in:
        raise ServicesError(406, "User is not logged in.")
    db.delete(db.get(Session, caller.session.sid))
    db.commit()
    return JSONResponse([True], headers={"Set-Cookie": cookie_header(request, "", delete=True)})


@router.post("/auth/token")
async def token(request: Request, caller: CallerDep) -> dict:
    # The one call exempt from the CSRF check: it is how a client gets the token.
    await read_data(request)
    return {"token": csrf_token(request, caller.session.sid if caller.session else "")}


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
