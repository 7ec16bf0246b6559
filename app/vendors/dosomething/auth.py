"""Drupal sessions as Services 3.x uses them (docs/vendors/dosomething.md §2.5): `auth/login` opens a session,
the client sends `Cookie: <session_name>=<sessid>` and, on POST/PUT/DELETE, `X-CSRF-Token: <token>`.
An unknown or expired cookie makes the caller anonymous; a logged-in caller without a valid token gets
401 "CSRF validation failed"."""

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import bindparam
from sqlmodel import Session as DbSession
from sqlmodel import select

from crowdmock.core import clock
from crowdmock.core.credentials import Credentials, UnknownUser
from crowdmock.core.db import parse_id, store_reader
from crowdmock.core.tenancy import tenant_of
from crowdmock.vendors.dosomething.errors import ServicesError
from crowdmock.vendors.dosomething.models import Session, User

# The documented session name's hash part; Drupal derives it from the cookie domain, so it is fixed per site.
SESSION_HASH = "8de1794320df15914c40c2b37d51eff2"
SESSION_NAMES = {"SESS" + SESSION_HASH, "SSESS" + SESSION_HASH}
SESSION_TTL = 2_000_000  # Drupal 7's session cookie lifetime (about 23 days)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
ADMIN_ROLE = "administrator"


@dataclass
class Caller:
    user: User | None = None
    session: Session | None = None

    @property
    def logged_in(self) -> bool:
        return self.user is not None

    @property
    def is_admin(self) -> bool:
        return self.user is not None and ADMIN_ROLE in (self.user.roles or {}).values()

    @property
    def display_name(self) -> str:
        return self.user.name if self.user else "anonymous"


def session_name(request: Request) -> str:
    # Drupal 7 prefixes an S for sessions opened over https (ASGI scheme https: TLS, or a trusted proxy's
    # X-Forwarded-Proto); the hash part is the same (docs/vendors/dosomething.md §2.5).
    return ("SSESS" if request.url.scheme == "https" else "SESS") + SESSION_HASH


def csrf_token(request: Request, sid: str) -> str:
    return _csrf(tenant_of(request).settings.token_secret, sid)


def _csrf(secret: str, sid: str) -> str:
    """drupal_get_token('services'): an HMAC of the session id, 43 base64url characters."""
    digest = hmac.new(secret.encode(), b"services" + sid.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


# The session and its user in one query, built once (a statement costs more to build than to run from the cache).
SESSION_AND_USER = (
    select(Session, User).outerjoin(User, User.uid == Session.uid).where(Session.sid == bindparam("sid"))  # type: ignore[arg-type]
)


def find_caller(request: Request, db: DbSession) -> Caller:
    for name, value in request.cookies.items():
        if name not in SESSION_NAMES or not value:
            continue
        row, user = db.exec(SESSION_AND_USER, params={"sid": value}).first() or (None, None)
        if row is None or row.timestamp + SESSION_TTL < clock.time():
            continue
        if user is not None and user.status == 1:
            return Caller(user, row)
    return Caller()


get_caller = store_reader(find_caller)
CallerDep = Annotated[Caller, Depends(get_caller)]


def check_csrf(request: Request, caller: Caller) -> None:
    """_services_sessions_authenticate_call: unsafe methods of a logged-in session need the token."""
    if not caller.logged_in or request.method in SAFE_METHODS:
        return
    sent = request.headers.get("x-csrf-token") or request.query_params.get("services_token") or ""
    if not hmac.compare_digest(sent.encode(), csrf_token(request, caller.session.sid).encode()):
        raise ServicesError(401, "CSRF validation failed")


def access_denied(caller: Caller) -> ServicesError:
    return ServicesError(403, f"Access denied for user {caller.display_name}")


def authorize(request: Request, caller: Caller, access: str = "any") -> None:
    """Authentication (the CSRF rule), then the operation's access callback: "any", "user" or "admin"."""
    check_csrf(request, caller)
    if access == "user" and not caller.logged_in or access == "admin" and not caller.is_admin:
        raise access_denied(caller)


def find_login(db: DbSession, username: str) -> User | None:
    """Drupal user names; the site also accepts an e-mail address in `username` (docs/vendors/dosomething.md §2.5)."""
    user = db.exec(select(User).where(User.name == username)).first()
    if user is None and "@" in username:
        user = db.exec(select(User).where(User.mail == username.strip().lower())).first()
    return user


def open_session(request: Request, db: DbSession, user: User) -> Session:
    now = int(clock.time())
    row = Session(
        sid=clock.token_urlsafe(32),
        uid=user.uid,
        hostname=request.client.host if request.client else "",
        timestamp=now,
    )
    user.login = user.access = now
    db.add(row)
    db.add(user)
    db.commit()
    return row


def cookie_header(request: Request, sid: str, delete: bool = False) -> str:
    name = session_name(request)
    # Over https the session cookie, and its deletion at logout, are `secure` (docs/vendors/dosomething.md §2.5).
    secure = "; secure" if name.startswith("SSESS") else ""
    if delete:
        return f"{name}=deleted; expires=Thu, 01-Jan-1970 00:00:01 GMT; Max-Age=0; path=/{secure}; HttpOnly"
    expires = time.strftime("%a, %d-%b-%Y %H:%M:%S GMT", time.gmtime(clock.time() + SESSION_TTL))
    return f"{name}={sid}; expires={expires}; Max-Age={SESSION_TTL}; path=/{secure}; HttpOnly"


def mint_credentials(db: DbSession, settings, user: str | None, scopes, ttl: int | None) -> Credentials:
    """`POST /__admin/tokens`: a logged-in session of the user (name, e-mail or uid) and its CSRF token."""
    ident = user or "batman"
    uid = parse_id(ident)
    row = db.get(User, uid) if uid is not None else find_login(db, ident)
    if row is None or row.status != 1:
        raise UnknownUser(f"no active DoSomething user {ident!r}")
    ttl = min(ttl or SESSION_TTL, SESSION_TTL)
    session = Session(
        sid=clock.token_urlsafe(32), uid=row.uid, hostname="", timestamp=int(clock.time()) - SESSION_TTL + ttl
    )
    db.add(session)
    db.commit()
    return Credentials(
        row.name,
        headers={"X-CSRF-Token": _csrf(settings.token_secret, session.sid)},
        cookies={"SESS" + SESSION_HASH: session.sid},
        expires_in=ttl,
    )


# The OpenAPI document's security (app/core/openapi.py): Drupal treats a call without a session as the anonymous
# user, so credentials are optional everywhere; writes with a session also need the CSRF token.
SECURITY_SCHEMES = {
    "session": {"type": "apiKey", "in": "cookie", "name": "SESS" + SESSION_HASH, "description": "From auth/login"},
    "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token", "description": "From auth/token or login"},
}
SECURITY = [{"session": [], "csrf": []}, {"session": []}]
