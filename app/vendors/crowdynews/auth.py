"""The Crowdynews authorization server's tokens (docs/vendors/crowdynews.md §2.2): clients authenticate with HTTP Basic
(`urlquote(id):urlquote(secret)`), get an access and a refresh token; resource calls send the access token as
`?access_token=` (or a Bearer header). A token reaches the contracts of its client's customer."""

import base64
import binascii
import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import unquote

from fastapi import Depends, Request
from sqlalchemy import bindparam
from sqlmodel import Session as DbSession
from sqlmodel import select

from crowdmock.core import clock
from crowdmock.core.credentials import Credentials, UnknownUser
from crowdmock.core.db import read_columns, store_reader
from crowdmock.vendors.crowdynews.errors import CrowdynewsError
from crowdmock.vendors.crowdynews.models import Client, Resource, Token


@dataclass
class Caller:
    customer_id: str
    consumer: str  # the client's name, in createdBy / lastModifiedBy


def basic_client(request: Request, db: DbSession) -> Client:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    client = None
    if scheme.lower() == "basic" and value:
        try:
            client_id, _, secret = base64.b64decode(value.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            client_id, secret = "", ""
        client = db.get(Client, unquote(client_id))
        if client is not None and not secrets.compare_digest(client.secret, unquote(secret)):
            client = None
    if client is None:
        raise CrowdynewsError(401, "Invalid client credentials.")
    return client


def issue(db: DbSession, settings, client: Client, refresh: bool = True) -> dict:
    now = clock.time()
    access = Token(
        token=clock.token_hex(20),
        kind="access",
        client_id=client.id,
        expires_at=now + settings.crowdynews_access_token_ttl,
    )
    db.add(access)
    body = {"access_token": access.token, "token_type": "bearer", "expires_in": settings.crowdynews_access_token_ttl}
    if refresh:
        renewal = Token(
            token=clock.token_hex(20),
            kind="refresh",
            client_id=client.id,
            expires_at=now + settings.crowdynews_refresh_token_ttl,
        )
        db.add(renewal)
        body["refresh_token"] = renewal.token
    db.commit()
    return body


def valid_token(db: DbSession, value: str, kind: str = "access") -> Token | None:
    row = db.get(Token, value) if value else None
    if row is None or row.kind != kind or row.revoked or row.expires_at < clock.time():
        return None
    return row


# The token and its client's values in one query, built once (a statement costs more to build than to run from the
# cache) and read as columns (loading two entities cost as much again).
TOKEN_AND_CLIENT = (
    select(Token.kind, Token.revoked, Token.expires_at, Client.customer_id, Client.name)
    .outerjoin(Client, Client.id == Token.client_id)  # type: ignore[arg-type]
    .where(Token.token == bindparam("token"))
)


def find_caller(request: Request, db: DbSession) -> Caller:
    value = request.query_params.get("access_token", "")
    header = request.headers.get("authorization", "")
    if not value and header.lower().startswith("bearer "):
        value = header[7:].strip()
    if not value:
        raise CrowdynewsError(401, "No access token was provided.")
    row = read_columns(db, TOKEN_AND_CLIENT, {"token": value}).first()
    if row is None or row.kind != "access" or row.revoked:
        raise CrowdynewsError(401, "The access token is invalid.")
    if row.expires_at < clock.time():
        raise CrowdynewsError(401, "The access token has expired.")
    return Caller(row.customer_id, row.name)


get_caller = store_reader(find_caller)
CallerDep = Annotated[Caller, Depends(get_caller)]


def _refuse_contract(caller: Caller, contract_id, kind: str | None, customer_id: str | None) -> None:
    """403 when the contract is another customer's, 404 when there is none."""
    if kind != "contracts":
        raise CrowdynewsError(404, f"Contract {contract_id} was not found.")
    if customer_id != caller.customer_id:
        raise CrowdynewsError(403, f"You have no access to contract {contract_id}.")


def contract_for(db: DbSession, caller: Caller, contract_id) -> Resource:
    """A contract the caller may use: 403 when it is another customer's, 404 when there is none."""
    row = db.get(Resource, contract_id) if isinstance(contract_id, str) else None
    _refuse_contract(caller, contract_id, row and row.kind, row and row.customer_id)
    return row


# A document's kind and customer, built once: a check of a contract reads two values, not an entity.
KIND_AND_CUSTOMER = select(Resource.kind, Resource.customer_id).where(Resource.id == bindparam("id"))


def require_contract(db: DbSession, caller: Caller, contract_id) -> None:
    """contract_for without loading the contract. Remembered for the request's session: a Control API write asks
    twice (its `contract_id` parameter, then its document's)."""
    allowed = db.info.setdefault("crowdynews_contracts", set())
    if isinstance(contract_id, str) and contract_id in allowed:
        return
    found = None
    if isinstance(contract_id, str):
        found = read_columns(db, KIND_AND_CUSTOMER, {"id": contract_id}).first()
    _refuse_contract(caller, contract_id, *(found or (None, None)))
    allowed.add(contract_id)


def mint_credentials(db: DbSession, settings, user: str | None, scopes, ttl: int | None) -> Credentials:
    """`POST /__admin/tokens`: an access token of the API client `user` (a client id, default `crowdmock`)."""
    client = db.get(Client, user or "crowdmock")
    if client is None:
        raise UnknownUser(f"no Crowdynews client {user!r}")
    ttl = ttl or settings.crowdynews_access_token_ttl
    row = Token(token=clock.token_hex(20), kind="access", client_id=client.id, expires_at=clock.time() + ttl)
    db.add(row)
    db.commit()
    return Credentials(client.id, headers={"Authorization": f"Bearer {row.token}"}, expires_in=ttl)


# The OpenAPI document's security (app/core/openapi.py): the token endpoint takes the client's HTTP Basic
# credentials; the Control API and the content queue a Bearer token or `access_token`; published content none.
SECURITY_SCHEMES = {
    "client": {"type": "http", "scheme": "basic", "description": "urlquote(client id):urlquote(secret)"},
    "bearer": {"type": "http", "scheme": "bearer", "description": "From POST /auth/v1/oauth/token"},
    "access_token": {"type": "apiKey", "in": "query", "name": "access_token"},
}
SECURITY = [{"bearer": []}, {"access_token": []}]
ANONYMOUS = frozenset(
    {("GET", "/auth/v1/oauth/authorize")}
    | {("GET", f"/q/v1/{kind}/{{contract}}") for kind in ("collections", "content", "count", "related")}
)
OTHER_SECURITY = {("POST", "/auth/v1/oauth/token"): [{"client": []}]}
