"""Services' user actions: auth/login (a Drupal session with its cookie and CSRF token, behind flood control),
auth/logout and auth/token."""

from fastapi import Request
from fastapi.responses import JSONResponse

from crowdmock.core.db import SessionDep
from crowdmock.core.passwords import verify_password
from crowdmock.core.routing import LazyRouter
from crowdmock.core.tenancy import tenant_of
from crowdmock.vendors.dosomething.auth import (
    CallerDep,
    authorize,
    cookie_header,
    csrf_token,
    find_login,
    open_session,
    session_name,
)
from crowdmock.vendors.dosomething.deps import read_data, require
from crowdmock.vendors.dosomething.errors import ServicesError
from crowdmock.vendors.dosomething.models import Session
from crowdmock.vendors.dosomething.render import account

router = LazyRouter(prefix="/api/v1")


@router.post("/auth/login")
async def login(request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    data = require(await read_data(request), "username", "password")
    authorize(request, caller)
    if caller.logged_in:
        raise ServicesError(406, f"Already logged in as {caller.user.name}.")
    # Drupal's flood control on failed logins (the user_failed_login_* variables), cleared by a reset.
    settings, control = tenant_of(request).settings, tenant_of(request).control
    flood_user = control.limiter(
        "dosomething.failed_login_user",
        settings.dosomething_failed_login_user_limit,
        settings.dosomething_failed_login_user_window_seconds,
    )
    flood_ip = control.limiter(
        "dosomething.failed_login_ip",
        settings.dosomething_failed_login_ip_limit,
        settings.dosomething_failed_login_ip_window_seconds,
    )
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
