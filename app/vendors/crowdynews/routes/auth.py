"""The authorization server (auth.crowdynews.com): the token endpoint (client credentials and refresh token
grants, HTTP Basic client auth), token info with `ttl` in milliseconds, and the implicit grant."""

from urllib.parse import urlencode, urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse

from crowdmock.core import clock
from crowdmock.core.db import SessionDep
from crowdmock.core.payload import read_payload
from crowdmock.core.routing import LazyRouter
from crowdmock.core.tenancy import tenant_of
from crowdmock.vendors.crowdynews.auth import basic_client, issue, valid_token
from crowdmock.vendors.crowdynews.errors import CrowdynewsError, validation
from crowdmock.vendors.crowdynews.models import Client

router = LazyRouter(prefix="/auth/v1/oauth")


@router.post("/token", summary="Client credentials or refresh token grant")
async def token(request: Request, db: SessionDep) -> dict:
    client = basic_client(request, db)
    payload = await read_payload(request)
    data = {**dict(request.query_params), **payload.data}
    grant = data.get("grant_type")
    settings = tenant_of(request).settings
    if not grant:
        raise validation("grant_type", None, "required", "grant_type is required.")
    if grant == "client_credentials":
        return issue(db, settings, client)
    if grant == "refresh_token":
        row = valid_token(db, str(data.get("refresh_token") or ""), kind="refresh")
        if row is None or row.client_id != client.id:
            raise CrowdynewsError(400, "The refresh token is invalid or expired.", "InvalidGrantError")
        row.revoked = True  # a refresh token is used once; the answer carries its successor
        db.add(row)
        return issue(db, settings, client)
    raise validation("grant_type", grant, "enum", "grant_type must be one of client_credentials, refresh_token.")


@router.get("/token/info", summary="What is left of an access token (ttl in milliseconds)")
async def token_info(request: Request, db: SessionDep) -> dict:
    client = basic_client(request, db)
    # The vendor's client sends the token as a form body on this GET.
    payload = await read_payload(request)
    value = request.query_params.get("access_token") or str(payload.data.get("access_token") or "")
    if not value:
        raise validation("access_token", None, "required", "access_token is required.")
    row = valid_token(db, value)
    if row is None or row.client_id != client.id:
        raise CrowdynewsError(401, "The access token is invalid.")
    return {
        "access_token": row.token,
        "clientId": client.id,
        "ttl": max(int((row.expires_at - clock.time()) * 1000), 0),
    }


def _redirect_ok(client: Client, uri: str) -> bool:
    parts = urlsplit(uri)
    for allowed in client.redirect_uris or []:
        if allowed.endswith(":*"):
            scheme, _, host = allowed[:-2].partition("://")
            if parts.scheme == scheme and parts.hostname == host:
                return True
        elif uri == allowed:
            return True
    return False


@router.get("/authorize", summary="Implicit grant: redirects with the access token in the fragment")
def authorize(request: Request, db: SessionDep):
    params = request.query_params
    client = db.get(Client, params.get("client_id", ""))
    if client is None:
        raise CrowdynewsError(400, "Unknown client_id.", "InvalidClientError")
    redirect_uri = params.get("redirect_uri", "")
    if not redirect_uri or not _redirect_ok(client, redirect_uri):
        raise validation("redirect_uri", redirect_uri, "mismatch", "redirect_uri is not registered for this client.")
    state = params.get("state")
    if params.get("response_type") != "token":
        fragment = {"error": "unsupported_response_type", **({"state": state} if state else {})}
        return RedirectResponse(f"{redirect_uri}#{urlencode(fragment)}", status_code=302)
    # Implicit grant: an access token only, no refresh token.
    body = issue(db, tenant_of(request).settings, client, refresh=False)
    fragment = {**body, "expires_in": str(body["expires_in"]), **({"state": state} if state else {})}
    return RedirectResponse(f"{redirect_uri}#{urlencode(fragment)}", status_code=302)
