"""Crowdskout OAuth 2.0 (league/oauth2-server v4 style): authorization code with a login form, the password
grant (used by the WordPress plugin), and the Bearer check on every /v1 call."""

import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from sqlalchemy import Integer, bindparam, func
from sqlmodel import Session, select

from crowdmock.core import clock
from crowdmock.core.credentials import Credentials, UnknownUser
from crowdmock.core.db import MAX_INTEGER, parse_id, store_reader
from crowdmock.core.passwords import verify_password
from crowdmock.core.tenancy import tenant_of
from crowdmock.core.tokens import issue_jwt, read_jwt
from crowdmock.settings import Settings
from crowdmock.vendors.crowdskout.errors import DENIED, CrowdskoutError, OAuthError, invalid_client, invalid_request
from crowdmock.vendors.crowdskout.models import AuthCode, OAuthClient, StaticToken, User

VENDOR_CLAIM = "crowdskout"
TOKEN_TTL = 315_360_000  # ten years, as the documented token response says
CODE_TTL = 600


def redirect_allowed(client: OAuthClient, redirect_uri: str) -> bool:
    """Registered URIs match exactly, or as `scheme://host:*` for the host on any port (contract credentials)."""
    parts = urlsplit(redirect_uri)
    for registered in client.redirect_uris or []:
        if registered.endswith(":*"):
            scheme, _, host = registered[:-2].partition("://")
            if parts.scheme == scheme and parts.hostname == host:
                return True
        elif redirect_uri.rstrip("/") == registered.rstrip("/"):
            return True
    return False


def check_authorize_params(session: Session, params: dict) -> OAuthClient:
    """GET/POST /oauth/authorize: the checks league's AuthCodeGrant::checkAuthorizeParams makes."""
    client_id, redirect_uri = params.get("client_id"), params.get("redirect_uri")
    if not client_id:
        raise invalid_request("client_id")
    if not redirect_uri:
        raise invalid_request("redirect_uri")
    client = session.get(OAuthClient, client_id)
    if client is None or not redirect_allowed(client, redirect_uri):
        raise invalid_client()
    if params.get("response_type") != "code":
        if not params.get("response_type"):
            raise invalid_request("response_type")
        raise OAuthError(
            400,
            "unsupported_response_type",
            "The authorization server does not support obtaining an access token using this method.",
        )
    return client


def login(session: Session, email, password) -> User | None:
    if not isinstance(email, str) or not isinstance(password, str):
        return None
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    return user if user is not None and verify_password(password, user.password_hash) else None


def issue_code(session: Session, client: OAuthClient, redirect_uri: str, user: User) -> str:
    code = clock.token_urlsafe(30)
    session.add(
        AuthCode(
            code=code,
            client_id=client.id,
            redirect_uri=redirect_uri,
            user_id=user.id,
            expires_at=clock.time() + CODE_TTL,
        )
    )
    session.commit()
    return code


def issue_access_token(settings: Settings, user: User, client_id: str) -> dict:
    token = issue_jwt(
        settings.token_secret,
        {"vnd": VENDOR_CLAIM, "typ": "access", "sub": str(user.id), "cid": client_id},
        TOKEN_TTL,
    )
    return {"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_TTL}


def grant_token(session: Session, settings: Settings, params: dict) -> dict:
    """POST /oauth/access_token."""
    grant = params.get("grant_type")
    if not grant:
        raise invalid_request("grant_type")
    if grant not in ("authorization_code", "password"):
        raise OAuthError(
            400,
            "unsupported_grant_type",
            f'The authorization grant type "{grant}" is not supported by the authorization server.',
        )
    client_id, secret = params.get("client_id"), params.get("client_secret")
    if not client_id:
        raise invalid_request("client_id")
    if not secret:
        raise invalid_request("client_secret")
    client = session.get(OAuthClient, client_id)
    if client is None or not secrets.compare_digest(str(secret), client.secret):
        raise invalid_client()
    if grant == "password":
        for name in ("username", "password"):
            if not params.get(name):
                raise invalid_request(name)
        user = login(session, params["username"], params["password"])
        if user is None:
            raise OAuthError(401, "invalid_credentials", "The user credentials were incorrect.")
        return issue_access_token(settings, user, client.id)
    redirect_uri = params.get("redirect_uri")
    if not redirect_uri:
        raise invalid_request("redirect_uri")
    if not params.get("code"):
        raise invalid_request("code")
    code = session.get(AuthCode, str(params["code"]))
    if code is None or code.used or code.expires_at < clock.time() or code.client_id != client.id:
        raise invalid_request("code")
    if code.redirect_uri != redirect_uri:
        raise invalid_request("redirect_uri")
    code.used = True  # single use
    session.add(code)
    session.commit()
    user = session.get(User, code.user_id)
    if user is None:
        raise invalid_request("code")
    return issue_access_token(settings, user, client.id)


@dataclass
class Caller:
    user: User


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    # league's ResourceServer also reads the `access_token` query parameter.
    return request.query_params.get("access_token") or None


# One query: a documented static token's user first, else the signed token's. Built once (a statement costs more to
# build than to run from SQLAlchemy's compiled cache).
TOKEN_USER = select(User).where(
    User.id
    == func.coalesce(
        select(StaticToken.user_id).where(StaticToken.token == bindparam("token")).scalar_subquery(),
        bindparam("signed_in", type_=Integer),
    )
)


def find_caller(request: Request, session: Session) -> Caller:
    token = bearer_token(request)
    if token is None:
        raise CrowdskoutError(401, "The request is missing an access token.")
    claims = read_jwt(tenant_of(request).settings.token_secret, token)
    signed_in = None
    if claims and claims.get("vnd") == VENDOR_CLAIM and claims.get("typ") == "access":
        signed_in = int(claims["sub"])
        if not -MAX_INTEGER - 1 <= signed_in <= MAX_INTEGER:  # no such user, not a driver error
            signed_in = None
    user = session.exec(TOKEN_USER, params={"token": token, "signed_in": signed_in}).first()
    if user is None:
        raise CrowdskoutError(401, DENIED)
    return Caller(user)


get_caller = store_reader(find_caller)
CallerDep = Annotated[Caller, Depends(get_caller)]


def mint_credentials(db: Session, settings: Settings, user: str | None, scopes, ttl: int | None) -> Credentials:
    """`POST /__admin/tokens`: a bearer token for the user (e-mail or id), as the OAuth flows issue it."""
    ident = user or "demo@crowdskout.com"
    uid = parse_id(ident)
    row = db.get(User, uid) if uid is not None else db.exec(select(User).where(User.email == ident.lower())).first()
    if row is None:
        raise UnknownUser(f"no Crowdskout user {ident!r}")
    ttl = ttl or TOKEN_TTL
    claims = {"vnd": VENDOR_CLAIM, "typ": "access", "sub": str(row.id), "cid": "abcd1234"}
    token = issue_jwt(settings.token_secret, claims, ttl)
    return Credentials(row.email, headers={"Authorization": f"Bearer {token}"}, expires_in=ttl)


# The OpenAPI document's security (app/core/openapi.py): a Bearer token (or `access_token` in the query) on every
# /v1 call; the OAuth endpoints themselves take none.
SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "From POST /oauth/access_token"},
    "access_token": {"type": "apiKey", "in": "query", "name": "access_token"},
}
SECURITY = [{"bearer": []}, {"access_token": []}]
ANONYMOUS = frozenset({("GET", "/oauth/authorize"), ("POST", "/oauth/authorize"), ("POST", "/oauth/access_token")})
