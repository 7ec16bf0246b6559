"""The OAuth token endpoint (Passport's POST /oauth/token: password, client credentials and refresh token grants)."""

from fastapi import Request

from crowdmock.core.db import SessionDep
from crowdmock.core.payload import read_payload
from crowdmock.core.routing import LazyRouter
from crowdmock.core.tenancy import tenant_of
from crowdmock.vendors.ushahidi.auth import grant_token
from crowdmock.vendors.ushahidi.laravel import php_field_names

router = LazyRouter(tags=["oauth"])


@router.post("/oauth/token")
async def token(request: Request, session: SessionDep) -> dict:
    payload = await read_payload(request)
    body = php_field_names(payload.data) if payload.form else payload.data  # PHP parses form bodies
    params = {**php_field_names(dict(request.query_params)), **body}
    return grant_token(session, tenant_of(request).settings, params, request.headers.get("authorization"))
