"""Credentials minted without the vendors' auth flows, and snapshots of the whole store."""

import orjson
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from crowdmock.admin.context import AdminDep
from crowdmock.admin.errors import AdminError
from crowdmock.admin.schemas import ErrorBody, Snapshot, SnapshotLoaded, TokenRequest, TokenResult, vendor_query
from crowdmock.core import snapshot
from crowdmock.core.credentials import UnknownUser
from crowdmock.core.routing import LazyRouter

router = LazyRouter(tags=["state"])


@router.post("/tokens", response_model=TokenResult, responses={404: {"model": ErrorBody}, 422: {"model": ErrorBody}})
async def mint_token(admin: AdminDep, spec: TokenRequest) -> JSONResponse:
    """Ready-to-use credentials for a vendor's user: send `headers`, `cookies` and `query` and the vendor accepts
    the call. Ushahidi and Crowdskout: a bearer token; Crowdynews: an access token of the API client `user`;
    DoSomething: a session cookie and its `X-CSRF-Token`; IdeaScale: the member's `api_token`, or an admin
    `api_token` with a Multipass `member_token`."""
    vendor = admin.vendor(spec.vendor)
    try:
        creds = await run_in_threadpool(
            vendor.mint_credentials, admin.store.writer, admin.settings, spec.user, spec.scopes, spec.ttl
        )
    except UnknownUser as exc:
        raise AdminError(404, "unknown user", [str(exc)]) from None
    return JSONResponse(
        {
            "vendor": vendor.name,
            "user": creds.user,
            "headers": creds.headers,
            "cookies": creds.cookies,
            "query": creds.query,
            "expires_in": creds.expires_in,
        }
    )


@router.get("/snapshot", response_model=Snapshot, responses={404: {"model": ErrorBody}})
async def export_snapshot(
    admin: AdminDep,
    vendor: list[str] | None = vendor_query("Only these vendors (repeatable).", many=True),
) -> Response:
    """The whole store as JSON: `{"format", "version", "exported_at", "vendors": {vendor: {table: [row]}}}`."""
    for name in vendor or ():
        admin.vendor(name, status=404)
    data = await run_in_threadpool(snapshot.export, admin.store, vendor or list(admin.vendors))
    return Response(orjson.dumps(data), media_type="application/json")


@router.post(
    "/snapshot",
    response_model=SnapshotLoaded,
    responses={400: {"model": ErrorBody}, 422: {"model": ErrorBody}},
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": Snapshot.model_json_schema()}}}
    },
)
async def load_snapshot(request: Request, admin: AdminDep) -> JSONResponse:
    """Load a snapshot made by GET: the vendors it lists get exactly its rows; the others are left alone. It is
    checked whole first, so a bad snapshot changes nothing."""
    try:
        data = orjson.loads(await request.body())
    except orjson.JSONDecodeError:
        raise AdminError(400, "malformed JSON body") from None
    if isinstance(data, dict) and isinstance(data.get("vendors"), dict):
        for name in data["vendors"]:
            admin.vendor(name)
    try:
        names = await run_in_threadpool(snapshot.load, admin.store, data)
    except snapshot.SnapshotError as exc:
        raise AdminError(422, "invalid snapshot", exc.problems) from None
    return JSONResponse({"status": "ok", "loaded": names})
