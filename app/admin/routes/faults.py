"""Fault rules: make matching vendor requests fail, wait or lose their connection."""

from fastapi.responses import JSONResponse

from crowdmock.admin.context import AdminDep
from crowdmock.admin.errors import AdminError
from crowdmock.admin.schemas import Cleared, ErrorBody, Fault, FaultList, FaultSpec
from crowdmock.core.routing import LazyRouter

router = LazyRouter(prefix="/faults", tags=["faults"])


@router.post(
    "", status_code=201, response_model=Fault, responses={400: {"model": ErrorBody}, 422: {"model": ErrorBody}}
)
async def add_fault(admin: AdminDep, spec: FaultSpec) -> JSONResponse:
    """Add a rule. The first matching rule (oldest first) hits a request: after `delay_ms` (random up to
    `delay_max_ms`) it answers with `status` (body: `body`, or the vendor's own error shape with `message`),
    drops the connection, or passes the request on when it has only a delay."""
    admin.vendor(spec.vendor)
    rule = admin.faults.add(spec.rule())
    return JSONResponse(rule.as_dict(), status_code=201)


@router.get("", response_model=FaultList)
async def list_faults(admin: AdminDep) -> JSONResponse:
    return JSONResponse({"faults": [rule.as_dict() for rule in admin.faults.rules()]})


@router.get("/{fault_id}", response_model=Fault, responses={404: {"model": ErrorBody}})
async def get_fault(admin: AdminDep, fault_id: int) -> JSONResponse:
    rule = next((r for r in admin.faults.rules() if r.id == fault_id), None)
    if rule is None:
        raise AdminError(404, "no such fault rule")
    return JSONResponse(rule.as_dict())


@router.delete("", response_model=Cleared)
async def clear_faults(admin: AdminDep) -> JSONResponse:
    return JSONResponse({"status": "ok", "cleared": admin.faults.clear()})


@router.delete("/{fault_id}", response_model=Cleared, responses={404: {"model": ErrorBody}})
async def delete_fault(admin: AdminDep, fault_id: int) -> JSONResponse:
    if not admin.faults.remove(fault_id):
        raise AdminError(404, "no such fault rule")
    return JSONResponse({"status": "ok", "cleared": 1})
