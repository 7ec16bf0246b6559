"""The OAuth token endpoint (Passport's POST /oauth/token: password, client credentials and refresh token grants)."""

from fastapi import APIRouter, Request

from crowdmock.core.db import SessionDep
from crowdmock.core.payload import read_payload
from crowdmock.core.tenancy import tenant_of
from crowdmock.vendors.ushahidi.auth import grant_token

router = APIRouter(tags=["oauth"])


@router.post("/oauth/token")
async def token(request: Request, session: SessionDep) -> dict:
    payload = await read_payload(request)
    params = {**dict(request.query_params), **payload.data}
    return grant_token(session, tenant_of(request).settings, params, request.headers.get("authorization"))
