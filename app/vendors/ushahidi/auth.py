"""Ushahidi auth: Passport-style OAuth tokens, the caller of a request and the scope check."""

import base64
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import bindparam
from sqlmodel import Session, select

from crowdmock.core import clock
from crowdmock.core.credentials import Credentials, UnknownUser
from crowdmock.core.db import MAX_INTEGER, SessionDep, get_row, parse_id, read_columns, store_reader
from crowdmock.core.passwords import verify_password
from crowdmock.core.tenancy import tenant_of
from crowdmock.core.tokens import issue_jwt, read_jwt
from crowdmock.core.vendor import public_base
from crowdmock.settings import Settings
from crowdmock.vendors.ushahidi.errors import MSG_DENIED, MSG_SCOPE, OAuthError, UshahidiError, unauthorized
from crowdmock.vendors.ushahidi.models import OAuthClient, Role, User
from crowdmock.vendors.ushahidi.private import deployment_is_private

VENDOR_CLAIM = "ushahidi"
# docs/vendors/ushahidi.md §1.6 (AuthServiceProvider::defineScopes); `collections` is accepted beside `sets`.
SCOPES = frozenset(
    [
        "api",
        "apikeys",
        "country_codes",
        "posts",
        "forms",
        "sets",
        "collections",
        "tags",
        "tos",
        "users",
        "media",
        "config",
        "messages",
        "dataproviders",
        "stats",
        "layers",
        "savedsearches",
        "notifications",
        "contacts",
        "csv",
        "roles",
        "permissions",
        "migrate",
        "webhooks",
        "hxl",
    ]
)
INVALID_REQUEST = (
    "The request is missing a required parameter, includes an invalid parameter value, includes a parameter "
    "more than once, or is otherwise malformed."
)


@dataclass
class Caller:
    # The token's user as (id, role), read with the token; None for a caller without a user.
    account: tuple[int, str | None] | None = None
    client_id: str | None = None
    scopes: frozenset[str] = frozenset()
    token_present: bool = False  # an Authorization: Bearer header was sent
    permissions: frozenset[str] = field(default_factory=frozenset)
    # Reads whether the deployment is private; asked only for callers without a user (docs/vendors/ushahidi.md §1.26).
    deployment_private: Callable[[], bool] | None = field(default=None, repr=False, compare=False)
    # Loads the user's row in the request's session, for routes that need more of it than its id and role.
    load_user: Callable[[], User | None] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def user(self) -> User | None:
        """The user's row, read on first use: most requests need only its id and role (`account`), and loading it
        through the ORM was a tenth of a post's creation (docs/performance.md)."""
        return self.load_user() if self.account is not None and self.load_user is not None else None

    @property
    def has_user(self) -> bool:
        return self.account is not None

    @property
    def account_id(self) -> int | None:
        """The user's id, None without a user (`user_id` is 0 then, as Ushahidi's messages name user 0)."""
        return self.account[0] if self.account is not None else None

    @cached_property
    def locked_out(self) -> bool:
        """PrivateDeployment::canAccessDeployment refuses callers without a user on a private deployment."""
        return self.account is None and self.deployment_private is not None and self.deployment_private()

    @property
    def user_id(self) -> int:
        return self.account[0] if self.account is not None else 0

    @property
    def role(self) -> str | None:
        return self.account[1] if self.account is not None else None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def can(self, permission: str) -> bool:
        return self.is_admin or permission in self.permissions

    def owns(self, user_id: int | None) -> bool:
        return self.account is not None and user_id is not None and user_id == self.account[0]

    def changed_role(self, role: str, permissions: list | None) -> None:
        """The request changed the caller's own role: Ushahidi's authorizers read the caller's user anew for each
        check (UserContext::getUser loads it from the repository), so the rest of the request sees the new role and
        its permissions."""
        if self.account is not None:
            self.account = (self.account[0], role)
            self.permissions = frozenset(permissions or [])

    def has_scope(self, *scopes: str) -> bool:
        return "*" in self.scopes or any(s in self.scopes for s in scopes)


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip()


def find_caller(request: Request, session: Session) -> Caller:
    token = bearer_token(request)
    private = partial(deployment_is_private, session)
    if token is None:
        return Caller(deployment_private=private)
    settings: Settings = tenant_of(request).settings
    claims = read_jwt(settings.token_secret, token)
    if not claims or claims.get("vnd") != VENDOR_CLAIM or claims.get("typ") != "access":
        raise unauthorized(MSG_DENIED)
    account, permissions, load_user = None, frozenset(), None
    if claims.get("sub"):
        user_id = int(claims["sub"])
        found = _account(session, user_id)
        if found is None:
            raise unauthorized(MSG_DENIED)
        account, permissions = (found.id, found.role), frozenset(found.permissions or [])
        load_user = partial(get_row, session, User, user_id)
    scopes = frozenset(claims.get("scopes") or [])
    return Caller(account, claims.get("cid"), scopes, True, permissions, private, load_user)


# Built once: a statement costs more to build than to run from SQLAlchemy's compiled cache.
USERS, ROLES = User.__table__, Role.__table__  # type: ignore[attr-defined]
ACCOUNT = (
    select(USERS.c.id, USERS.c.role, ROLES.c.permissions)
    .outerjoin(ROLES, ROLES.c.name == USERS.c.role)
    .where(USERS.c.id == bindparam("user_id"))
)


def _account(session: Session, user_id: int):
    """The token's user's id and role, and its role's permissions, in one query (columns: no ORM rows)."""
    if not -MAX_INTEGER - 1 <= user_id <= MAX_INTEGER:  # as get_row: no such row, not a driver error
        return None
    return read_columns(session, ACCOUNT, {"user_id": user_id}).first()


get_caller = store_reader(find_caller)
CallerDep = Annotated[Caller, Depends(get_caller)]


@dataclass
class Ctx:
    """Everything a route needs: the store session, the caller, and the base of `url` fields."""

    request: Request
    session: Session
    caller: Caller
    settings: Settings
    base: str

    def url(self, *parts) -> str:
        return "/".join([self.base, "api/v3", *(str(p) for p in parts)])

    def ref(self, resource: str, ident) -> dict:
        return {"id": ident, "url": self.url(resource, ident)}

    def require_token(self) -> None:
        """Routes behind Passport's `auth:api` middleware."""
        if not self.caller.token_present:
            raise unauthorized()


async def get_ctx(request: Request, session: SessionDep, caller: CallerDep) -> Ctx:
    settings: Settings = tenant_of(request).settings
    base = public_base(request)
    return Ctx(request, session, caller, settings, base)


CtxDep = Annotated[Ctx, Depends(get_ctx)]


def require_scope(*scopes: str):
    """`scope:X` middleware: checked only when an Authorization header is present (docs/vendors/ushahidi.md §1.2)."""

    async def check(caller: CallerDep) -> None:
        if caller.token_present and not caller.has_scope(*scopes):
            raise UshahidiError(403, MSG_SCOPE)

    return Depends(check)


# --- POST /oauth/token -----------------------------------------------------------------------------------


def _invalid_request(param: str) -> OAuthError:
    return OAuthError(400, "invalid_request", INVALID_REQUEST, f"Check the `{param}` parameter")


def _client_credentials(params: dict, authorization: str | None) -> tuple[str | None, str | None]:
    if authorization and authorization.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(authorization[6:].strip()).decode()
            client_id, _, secret = decoded.partition(":")
            return client_id, secret
        except (ValueError, UnicodeDecodeError):
            pass
    return params.get("client_id"), params.get("client_secret")


def _scopes(raw, grant: str) -> list[str]:
    if raw is None or raw == "":
        return []
    if not isinstance(raw, str):
        raise _invalid_request("scope")
    scopes = [s for s in raw.replace(",", " ").split(" ") if s]
    for scope in scopes:
        if scope == "*" and grant == "password":
            continue
        if scope not in SCOPES:
            raise OAuthError(
                400,
                "invalid_scope",
                "The requested scope is invalid, unknown, or malformed",
                f"Check the `{scope}` scope",
            )
    return scopes


def _tokens(settings: Settings, user_id: int | None, client_id: str, scopes: list[str], refresh: bool) -> dict:
    claims = {"vnd": VENDOR_CLAIM, "cid": client_id, "sub": str(user_id) if user_id else "", "scopes": scopes}
    ttl = settings.ushahidi_access_token_ttl
    body = {
        "token_type": "Bearer",
        "expires_in": ttl,
        "access_token": issue_jwt(settings.token_secret, {**claims, "typ": "access"}, ttl),
    }
    if refresh:
        body["refresh_token"] = issue_jwt(
            settings.token_secret, {**claims, "typ": "refresh"}, settings.ushahidi_refresh_token_ttl
        )
    return body


def issue_access_token(settings: Settings, user: User | None, scopes: list[str] | None = None) -> str:
    """A ready-to-use access token (tests, the admin API)."""
    return _tokens(settings, user.id if user else None, "ushahidiui", scopes or ["*"], False)["access_token"]


def grant_token(session: Session, settings: Settings, params: dict, authorization: str | None) -> dict:
    grant = params.get("grant_type")
    if grant not in ("password", "client_credentials", "refresh_token"):
        raise OAuthError(
            400,
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server.",
            "Check that all required parameters have been provided",
        )
    client_id, secret = _client_credentials(params, authorization)
    if not isinstance(client_id, str) or not client_id:
        raise _invalid_request("client_id")
    client = get_row(session, OAuthClient, client_id)
    if (
        client is None
        or not isinstance(secret, str)
        or not hmac.compare_digest(secret, client.secret)
        or (grant == "password" and not client.password_client)
    ):
        raise OAuthError(401, "invalid_client", "Client authentication failed")

    if grant == "client_credentials":
        return _tokens(settings, None, client.id, _scopes(params.get("scope"), grant), refresh=False)

    if grant == "password":
        scopes = _scopes(params.get("scope"), grant)
        username, password = params.get("username"), params.get("password")
        if not isinstance(username, str) or not username:
            raise _invalid_request("username")
        if not isinstance(password, str) or not password:
            raise _invalid_request("password")
        user = session.exec(select(User).where(User.email == username)).first()
        now = int(clock.time())
        if user is None or not verify_password(password, user.password_hash):
            if user is not None:
                user.failed_attempts += 1
                user.last_attempt = now
                session.add(user)
                session.commit()
            raise OAuthError(400, "invalid_grant", "The user credentials were incorrect.")
        user.logins += 1
        user.last_login = user.last_attempt = now
        session.add(user)
        session.commit()
        return _tokens(settings, user.id, client.id, scopes, refresh=True)

    raw = params.get("refresh_token")
    if not isinstance(raw, str) or not raw:
        raise _invalid_request("refresh_token")
    claims = read_jwt(settings.token_secret, raw)
    if not claims or claims.get("vnd") != VENDOR_CLAIM or claims.get("typ") != "refresh":
        raise OAuthError(401, "invalid_request", "The refresh token is invalid.", "Cannot decrypt the refresh token")
    if claims.get("cid") != client.id:
        raise OAuthError(401, "invalid_request", "The refresh token is invalid.", "Token is not linked to client")
    original = list(claims.get("scopes") or [])
    requested = _scopes(params.get("scope"), "password") or original
    for scope in requested:
        if scope not in original and "*" not in original:
            raise OAuthError(
                400,
                "invalid_scope",
                "The requested scope is invalid, unknown, or malformed",
                f"Check the `{scope}` scope",
            )
    user_id = int(claims["sub"]) if claims.get("sub") else None
    if user_id is not None and get_row(session, User, user_id) is None:
        raise OAuthError(401, "invalid_request", "The refresh token is invalid.", "Token has been revoked")
    # Ushahidi's RefreshTokenRepository never revokes, so a refresh token stays usable (docs/vendors/ushahidi.md §1.6).
    return _tokens(settings, user_id, client.id, requested, refresh=True)


def mint_credentials(db: Session, settings: Settings, user: str | None, scopes, ttl: int | None) -> Credentials:
    """`POST /__admin/tokens`: a bearer token for the user (e-mail or id) with the given scopes (default all)."""
    ident = user or "robbie@ushahidi.com"
    uid = parse_id(ident)
    row = db.get(User, uid) if uid is not None else db.exec(select(User).where(User.email == ident.lower())).first()
    if row is None:
        raise UnknownUser(f"no Ushahidi user {ident!r}")
    ttl = ttl or settings.ushahidi_access_token_ttl
    claims = {"vnd": VENDOR_CLAIM, "cid": "ushahidiui", "sub": str(row.id), "scopes": list(scopes or ["*"])}
    token = issue_jwt(settings.token_secret, {**claims, "typ": "access"}, ttl)
    return Credentials(row.email, headers={"Authorization": f"Bearer {token}"}, expires_in=ttl)


# The OpenAPI document's security (app/core/openapi.py): a Passport Bearer token (POST /oauth/token). Login,
# registration, password resets and media uploads take none; public reads show more with one.
SECURITY_SCHEMES = {"bearer": {"type": "http", "scheme": "bearer", "description": "From POST /oauth/token"}}
SECURITY = [{"bearer": []}]
ANONYMOUS = frozenset(
    [
        ("POST", p)
        for p in ("/oauth/token", "/api/v3/register", "/api/v3/passwordreset", "/api/v3/passwordreset/confirm")
    ]
    # The data sources' callbacks check their provider's secret instead (docs/vendors/ushahidi.md §1.15).
    + [(m, p) for m in ("GET", "POST") for p in ("/smssync", "/sms/smssync", "/sms/nexmo", "/sms/nexmo/reply")]
    + [("POST", p) for p in ("/sms/twilio", "/sms/twilio/reply", "/nexmo", "/frontlinesms", "/sms/frontlinesms")]
)
# Routes without `auth:api` whose anonymous callers get what the platform shows anonymous users. Routes without it
# whose authoriser never lets an anonymous caller through are documented as needing a token: a user's settings but
# their list (§1.18), `users` and `users/{id}` (§1.2), `forms/{id}/stats` (§1.28), `forms/{id}/contacts` (§1.16).
# There is no `GET /media` list (§1.2); the files under `/storage` are outside the document.
OPTIONAL = frozenset(
    [("POST", "/api/v3/media"), ("GET", "/api/v3/users/{user_id}/settings")]
    + [
        ("GET", "/api/v3" + p)
        for p in (
            "",
            "/posts",
            "/posts/geojson",
            "/posts/geojson/{zoom}/{x}/{y}",
            "/posts/stats",
            "/posts/{post_id}",
            "/posts/{post_id}/geojson",
            "/posts/{parent_id}/revisions",  # §1.23: reads are in the platform's public group
            "/posts/{parent_id}/revisions/{ident}",
            "/posts/{parent_id}/translations",
            "/posts/{parent_id}/translations/{ident}",
            "/collections",
            "/collections/{set_id}",
            "/collections/{set_id}/posts",
            "/collections/{set_id}/posts/{post_id}",
            "/savedsearches",
            "/savedsearches/{set_id}",
            "/tags",
            "/tags/{tag_id}",
            "/forms",
            "/forms/attributes",
            "/forms/stages",
            "/forms/{form_id}",
            "/forms/{form_id}/attributes",
            "/forms/{form_id}/attributes/{attribute_id}",
            "/forms/{form_id}/stages",
            "/forms/{form_id}/stages/{stage_id}",
            "/forms/{form_id}/roles",
            "/config",
            "/config/{group_id}",
            "/messages/{message_id}",
            "/messages/{message_id}/post",
            "/contacts/{contact_id}",
            "/dataproviders/{provider_id}",
            "/roles",
            "/roles/{role_id}",
            "/permissions",
            "/permissions/{permission_id}",
            "/media/{media_id}",
        )
    ]
)
