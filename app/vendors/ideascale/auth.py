"""IdeaScale auth (seed, docs/vendors/ideascale.md §3.1): an `api_token` header on every call names a member (admin or
not); a `member_token` (Multipass) makes the call act as another member; an SSO community wants an admin `api_token`
plus the member's `sso_token`.

`cryptography` (AES for Multipass) is imported inside the two Multipass functions: it is ~9 MB of every process
that never sees a Multipass token (docs/performance.md)."""

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import bindparam
from sqlmodel import Session as DbSession
from sqlmodel import func, select

from crowdmock.core import clock
from crowdmock.core.credentials import Credentials, UnknownUser
from crowdmock.core.db import parse_id, store_reader
from crowdmock.core.tenancy import tenant_of
from crowdmock.settings import Settings
from crowdmock.vendors.ideascale.errors import IdeaScaleError
from crowdmock.vendors.ideascale.models import ApiToken, Member

_IV = bytes(16)


@dataclass
class Caller:
    token_owner: Member
    actor: Member  # who the call acts as: the token's owner, or the Multipass member

    @property
    def is_admin(self) -> bool:
        return self.actor.admin

    def require_admin(self) -> None:
        if not self.is_admin:
            raise IdeaScaleError("RESTRICTED_TO_ADMIN")


def _key(settings: Settings) -> bytes:
    return hashlib.sha1((settings.ideascale_api_key + settings.ideascale_site_key).encode()).digest()[:16]


def multipass_encode(settings: Settings, payload: dict) -> str:
    """A Multipass token as IdeaScale's samples build it: AES-128-CBC (zero IV, PKCS#5) of the JSON, then
    base64 without padding, `+` -> `-`, `/` -> `_`."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    padder = padding.PKCS7(128).padder()
    data = padder.update(json.dumps(payload, separators=(",", ":")).encode()) + padder.finalize()
    encryptor = Cipher(algorithms.AES(_key(settings)), modes.CBC(_IV)).encryptor()
    raw = encryptor.update(data) + encryptor.finalize()
    return base64.b64encode(raw).decode().rstrip("=").replace("+", "-").replace("/", "_")


def multipass_decode(settings: Settings, token: str) -> dict | None:
    """The token's JSON, or None when it does not decrypt to a JSON object."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    try:
        text = token.strip().replace("%2B", "+").replace("%2F", "/").replace("%3D", "=")
        text = text.replace("-", "+").replace("_", "/").rstrip("=")
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
        decryptor = Cipher(algorithms.AES(_key(settings)), modes.CBC(_IV)).decryptor()
        data = decryptor.update(raw) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        payload = json.loads(unpadder.update(data) + unpadder.finalize())
    except (ValueError, TypeError):
        return None
    return payload if isinstance(payload, dict) else None


def _expired(payload: dict) -> bool:
    expires = payload.get("expires")
    if not isinstance(expires, str) or not expires:
        return False
    try:
        when = datetime.fromisoformat(expires.replace("Z", "+00:00"))
    except ValueError:
        return True
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when < clock.now()


def member_by_email(db: DbSession, email: str) -> Member | None:
    return db.exec(select(Member).where(func.lower(Member.email) == email.strip().lower())).first()


def _multipass_member(db: DbSession, settings: Settings, token: str, invalid: str, missing: str) -> Member:
    payload = multipass_decode(settings, token)
    if payload is None or _expired(payload) or not isinstance(payload.get("email"), str):
        raise IdeaScaleError(invalid)
    member = member_by_email(db, payload["email"])
    if member is None:
        raise IdeaScaleError(missing)
    return member


# The member a token names, in one statement (the renderer finds it again in the session's identity map).
_TOKEN_OWNER = (
    select(Member).join(ApiToken, ApiToken.member_id == Member.id).where(ApiToken.token == bindparam("token"))
)


def find_caller(request: Request, db: DbSession) -> Caller:
    settings: Settings = tenant_of(request).settings
    token = request.headers.get("api_token", "").strip()
    if not token:
        raise IdeaScaleError("NO_API_TOKEN")
    owner = db.exec(_TOKEN_OWNER, params={"token": token}).first()
    if owner is None:
        raise IdeaScaleError("INVALID_API_TOKEN")
    actor = owner
    sso_token = request.headers.get("sso_token", "").strip()
    member_token = request.headers.get("member_token", "").strip()
    if settings.ideascale_sso_community:
        if not owner.admin:
            raise IdeaScaleError("RESTRICTED_TO_ADMIN")
        if not sso_token:
            raise IdeaScaleError("NO_SSO_TOKEN")
        actor = _multipass_member(db, settings, sso_token, "INVALID_SSO_TOKEN", "SSO_MEMBER_NOT_FOUND")
    elif sso_token:
        raise IdeaScaleError("MULTIPASS_SSO_NOT_ENABLED")
    elif member_token:
        actor = _multipass_member(db, settings, member_token, "INVALID_MEMBER_TOKEN", "MEMBER_NOT_FOUND")
    if actor.status == "member/Locked":
        raise IdeaScaleError("ACTOR_IS_LOCKED")
    return Caller(owner, actor)


get_caller = store_reader(find_caller)
CallerDep = Annotated[Caller, Depends(get_caller)]


def mint_credentials(db: DbSession, settings: Settings, user: str | None, scopes, ttl: int | None) -> Credentials:
    """`POST /__admin/tokens`: the member's own `api_token` when it has one; otherwise (or with scope
    `multipass`) an admin `api_token` plus a Multipass `member_token` for the member (`sso_token` in an SSO
    community). `user` is an e-mail, a member name or an id; the default is the contract's member."""
    ident = user or "00000000-0000-4000-8000-000000000002"
    token_row = db.get(ApiToken, ident)
    uid = token_row.member_id if token_row else parse_id(ident)
    if uid is not None:
        member = db.get(Member, uid)
    else:
        member = member_by_email(db, ident) or db.exec(select(Member).where(Member.name == ident)).first()
    if member is None:
        raise UnknownUser(f"no IdeaScale member {ident!r}")
    own = db.exec(select(ApiToken).where(ApiToken.member_id == member.id)).first()
    multipass = settings.ideascale_sso_community or "multipass" in (scopes or ()) or own is None
    if not multipass:
        return Credentials(member.email, headers={"api_token": own.token})
    admin = db.exec(select(ApiToken).join(Member, Member.id == ApiToken.member_id).where(Member.admin)).first()
    if admin is None:
        raise UnknownUser("no IdeaScale admin api_token to send a Multipass token with")
    payload = {"email": member.email}
    if ttl:
        payload["expires"] = datetime.fromtimestamp(clock.time() + ttl, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    header = "sso_token" if settings.ideascale_sso_community else "member_token"
    return Credentials(
        member.email, headers={"api_token": admin.token, header: multipass_encode(settings, payload)}, expires_in=ttl
    )


# The OpenAPI document's security (app/core/openapi.py): the `api_token` header on every call, optionally with a
# Multipass `member_token` (or, in SSO communities, `sso_token`) to act as a member.
SECURITY_SCHEMES = {
    "api_token": {"type": "apiKey", "in": "header", "name": "api_token"},
    "member_token": {"type": "apiKey", "in": "header", "name": "member_token", "description": "Multipass"},
    "sso_token": {"type": "apiKey", "in": "header", "name": "sso_token", "description": "Multipass (SSO)"},
}
SECURITY = [{"api_token": []}, {"api_token": [], "member_token": []}, {"api_token": [], "sso_token": []}]
