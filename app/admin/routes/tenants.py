"""Tenants (docs/parallel-tests.md): list, make, look at and delete them. These act on the server's tenants whatever
tenant the request names; every other admin endpoint works on one tenant."""

from pathlib import Path

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from crowdmock.admin.errors import AdminError
from crowdmock.admin.schemas import ErrorBody, Tenant, TenantDeleted, TenantList, TenantSpec
from crowdmock.core import snapshot
from crowdmock.core.fixtures import FixtureError
from crowdmock.core.routing import LazyRouter
from crowdmock.core.tenancy import TenantError, Tenants

router = LazyRouter(prefix="/tenants", tags=["tenants"])


def _tenants(request: Request) -> Tenants:
    return request.app.state.tenants


@router.get("", response_model=TenantList)
async def list_tenants(request: Request) -> JSONResponse:
    tenants = _tenants(request)
    return JSONResponse(
        {
            "tenants": await run_in_threadpool(tenants.describe),
            "ttl_seconds": tenants.ttl,
            "max_tenants": tenants.limit,
        }
    )


@router.post(
    "",
    status_code=201,
    response_model=Tenant,
    responses={code: {"model": ErrorBody} for code in (400, 409, 422, 429)},
)
async def create_tenant(request: Request, spec: TenantSpec) -> JSONResponse:
    """Make a tenant from the seeded state, from a folder of fixtures, or from a snapshot. A name in use is 409; a
    full server (`CROWDMOCK_MAX_TENANTS`) is 429."""
    if spec.fixtures is not None and not Path(spec.fixtures).is_dir():
        raise AdminError(422, "invalid request", [f"fixtures: {spec.fixtures!r} is not a folder on the server"])
    source = {"fixtures": spec.fixtures} if spec.fixtures is not None else {}
    if spec.snapshot is not None:
        source["snapshot"] = spec.snapshot.model_dump(mode="json")
    tenants = _tenants(request)
    try:
        tenant = await run_in_threadpool(tenants.create, spec.name, source or None)
    except TenantError as exc:
        raise AdminError(exc.status, exc.error, exc.problems) from None
    except snapshot.SnapshotError as exc:
        raise AdminError(422, "invalid snapshot", exc.problems) from None
    except FixtureError as exc:
        raise AdminError(422, "invalid fixtures", exc.problems) from None
    shown = await run_in_threadpool(tenants.describe_one, tenant.name)
    return JSONResponse(shown or tenant.describe(tenants.ttl), status_code=201)


@router.get("/{name}", response_model=Tenant, responses={404: {"model": ErrorBody}})
async def get_tenant(request: Request, name: str) -> JSONResponse:
    shown = await run_in_threadpool(_tenants(request).describe_one, name)
    if shown is None:
        raise AdminError(404, "unknown tenant", [f"no tenant named {name!r}"])
    return JSONResponse(shown)


@router.delete(
    "/{name}", response_model=TenantDeleted, responses={400: {"model": ErrorBody}, 404: {"model": ErrorBody}}
)
async def delete_tenant(request: Request, name: str) -> JSONResponse:
    """Delete a tenant and all its state (the `default` tenant cannot be deleted: reset it)."""
    try:
        deleted = await run_in_threadpool(_tenants(request).delete, name)
    except TenantError as exc:
        raise AdminError(exc.status, exc.error, exc.problems) from None
    if not deleted:
        raise AdminError(404, "unknown tenant", [f"no tenant named {name!r}"])
    return JSONResponse({"status": "ok", "deleted": name})
