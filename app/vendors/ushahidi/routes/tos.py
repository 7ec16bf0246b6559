"""/api/v3/tos: a user's agreements to the terms of service (docs/vendors/ushahidi.md §1.14)."""

from datetime import UTC, datetime

from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.ushahidi.access import ALL, authorize
from crowdmock.vendors.ushahidi.auth import Caller, Ctx, CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import body, load_authorized, read_paging, search, time_now
from crowdmock.vendors.ushahidi.errors import validation_failed
from crowdmock.vendors.ushahidi.models import Tos
from crowdmock.vendors.ushahidi.private import members_only
from crowdmock.vendors.ushahidi.render import envelope, parse_time, w3c

router = LazyRouter(prefix="/api/v3/tos", tags=["tos"], dependencies=[require_scope("tos")])


@members_only
def tos_privileges(caller: Caller, tos: Tos | None) -> list[str]:
    """TosAuthorizer: a signed-in user may create and search (their own), and read their own; nobody updates or
    deletes one."""
    allowed = {"create", "search"} if caller.user_id else set()
    if tos is not None and caller.user_id and tos.user_id == caller.user_id:
        allowed.add("read")
    return [p for p in ALL if p in allowed]


def representable(when: int) -> bool:
    """A date PHP's DateTime can show and the database can hold (years 1 to 9999)."""
    try:
        datetime.fromtimestamp(when, UTC)
    except (OverflowError, ValueError, OSError):
        return False
    return True


def render_tos(ctx: Ctx, tos: Tos) -> dict:
    return {
        "id": tos.id,
        "url": ctx.url("tos", tos.id),
        "user": ctx.ref("users", tos.user_id),
        "agreement_date": w3c(tos.agreement_date),
        "tos_version_date": w3c(tos.tos_version_date),
        "allowed_privileges": tos_privileges(ctx.caller, tos),
    }


@router.get("")
def list_tos(ctx: CtxDep) -> dict:
    ctx.require_token()
    authorize(ctx, tos_privileges(ctx.caller, None), "search", "tos", 0)
    paging = read_paging(ctx, "id", "asc", {"id", "agreement_date", "tos_version_date"})
    rows, total = search(ctx, Tos, paging, Tos.user_id == ctx.caller.user_id)
    return envelope(ctx, [render_tos(ctx, t) for t in rows], total, paging)


@router.post("")
async def create_tos(ctx: CtxDep) -> dict:
    ctx.require_token()
    data = await body(ctx)
    authorize(ctx, tos_privileges(ctx.caller, None), "create", "tos", 0)
    version = parse_time(data.get("tos_version_date"))
    if version is None or not representable(version):
        raise validation_failed("tos", [("tos_version_date", "tos_version_date must be a valid date")])
    tos = Tos(user_id=ctx.caller.user_id, agreement_date=time_now(), tos_version_date=version)
    ctx.session.add(tos)
    ctx.session.commit()
    return render_tos(ctx, tos)


@router.get("/{tos_id:int}")
def get_tos(ctx: CtxDep, tos_id: int) -> dict:
    ctx.require_token()
    return render_tos(ctx, load_authorized(ctx, Tos, tos_id, "tos", "read", tos_privileges))
