"""/api/v3/config and /api/v3/config/{group} (POST and DELETE are 405, as in config.feature)."""

from sqlmodel import select

from crowdmock.core.db import get_row
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.ushahidi.access import ALL, READ_SEARCH, authorize, deny
from crowdmock.vendors.ushahidi.auth import Ctx, CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import body, multi_param
from crowdmock.vendors.ushahidi.errors import UshahidiError
from crowdmock.vendors.ushahidi.models import ConfigGroup

router = LazyRouter(prefix="/api/v3/config", tags=["config"], dependencies=[require_scope("config")])
PUBLIC = ("features", "site", "deployment_id", "map")
READ_ONLY = ("features", "deployment_id")


def config_privileges(ctx: Ctx, group: str) -> list[str]:
    if ctx.caller.can("Manage Settings"):
        return READ_SEARCH if group in READ_ONLY else list(ALL)
    return READ_SEARCH if group in PUBLIC else []


def render_group(ctx: Ctx, group: ConfigGroup) -> dict:
    data = dict(group.data or {})
    if group.id == "map":
        data["clustering"] = bool(data.get("clustering"))
        data["cluster_radius"] = int(data.get("cluster_radius") or 0)
    return {
        "id": group.id,
        "url": ctx.url("config", group.id),
        **data,
        "allowed_privileges": config_privileges(ctx, group.id),
    }


@router.get("")
def list_config(ctx: CtxDep) -> dict:
    groups = ctx.session.exec(select(ConfigGroup).order_by(ConfigGroup.position)).all()
    wanted = multi_param(ctx, "groups")
    if wanted:
        known = {g.id for g in groups}
        missing = [w for w in wanted if w not in known]
        if missing:
            raise UshahidiError(404, f"Requested groups do not exist: {', '.join(missing)}")
        # ConfigRepository::all reads the groups one by one, in the order asked for.
        by_id = {g.id: g for g in groups}
        groups = [by_id[w] for w in wanted]
    results = [render_group(ctx, g) for g in groups if "read" in config_privileges(ctx, g.id)]
    return {"count": len(results), "results": results}  # no paging keys (docs/vendors/ushahidi.md §1.2)


def load_group(ctx: Ctx, group_id: str) -> ConfigGroup:
    group = get_row(ctx.session, ConfigGroup, group_id)
    if group is None:
        raise UshahidiError(404, f"Requested group does not exist: {group_id}")
    return group


@router.get("/{group_id}")
def get_config(ctx: CtxDep, group_id: str) -> dict:
    group = load_group(ctx, group_id)
    authorize(ctx, config_privileges(ctx, group_id), "read", "config", group_id)
    return render_group(ctx, group)


@router.put("/{group_id}")
async def update_config(ctx: CtxDep, group_id: str) -> dict:
    ctx.require_token()
    data = await body(ctx)
    group = load_group(ctx, group_id)
    if "update" not in config_privileges(ctx, group_id):
        raise deny(ctx, "update", "config", group_id)
    merged = dict(group.data or {})
    merged.update({k: v for k, v in data.items() if k not in ("id", "url", "allowed_privileges")})
    group.data = merged
    ctx.session.add(group)
    ctx.session.commit()
    return render_group(ctx, group)
