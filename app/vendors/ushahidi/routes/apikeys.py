"""/api/v3/apikeys: the deployment's API keys, for administrators (docs/vendors/ushahidi.md §1.19)."""

from crowdmock.core import clock
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.ushahidi.access import ALL, authorize
from crowdmock.vendors.ushahidi.auth import Caller, Ctx, CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import get_or_404, read_paging, search, time_now
from crowdmock.vendors.ushahidi.models import ApiKey
from crowdmock.vendors.ushahidi.private import members_only
from crowdmock.vendors.ushahidi.render import envelope, w3c

router = LazyRouter(prefix="/api/v3/apikeys", tags=["apikeys"], dependencies=[require_scope("apikeys")])

RESOURCE = "apikey"  # the entity's resource name: its `url` and its 403/404 messages use it


@members_only
def apikey_privileges(caller: Caller) -> list[str]:
    """ApiKeyAuthorizer: everything for admins and "Manage Settings", nothing for anyone else."""
    return list(ALL) if caller.can("Manage Settings") else []


def render_apikey(ctx: Ctx, key: ApiKey) -> dict:
    return {
        "id": key.id,
        "url": ctx.url(RESOURCE, key.id),
        "api_key": key.api_key,
        "created": w3c(key.created),
        "updated": w3c(key.updated) if key.updated else None,
        "allowed_privileges": apikey_privileges(ctx.caller),
    }


def load(ctx: Ctx, key_id: int, action: str) -> ApiKey:
    key = get_or_404(ctx, ApiKey, key_id, RESOURCE)
    authorize(ctx, apikey_privileges(ctx.caller), action, RESOURCE, key_id)
    return key


@router.get("")
def list_apikeys(ctx: CtxDep) -> dict:
    ctx.require_token()
    authorize(ctx, apikey_privileges(ctx.caller), "search", RESOURCE, 0)
    paging = read_paging(ctx, "id", "asc", {"id", "created", "updated"})
    rows, total = search(ctx, ApiKey, paging)
    return envelope(ctx, [render_apikey(ctx, k) for k in rows], total, paging)


@router.post("")
def create_apikey(ctx: CtxDep) -> dict:
    """The body is ignored: the key is a new UUID. The repository never sets `created`, so it stays 0 (1970)."""
    ctx.require_token()
    authorize(ctx, apikey_privileges(ctx.caller), "create", RESOURCE, 0)
    key = ApiKey(api_key=str(clock.uuid4()), created=0)
    ctx.session.add(key)
    ctx.session.commit()
    return render_apikey(ctx, key)


@router.get("/{key_id:int}")
def get_apikey(ctx: CtxDep, key_id: int) -> dict:
    ctx.require_token()
    return render_apikey(ctx, load(ctx, key_id, "read"))


@router.put("/{key_id:int}")
def update_apikey(ctx: CtxDep, key_id: int) -> dict:
    """An update draws a new key, whatever the body says."""
    ctx.require_token()
    key = load(ctx, key_id, "update")
    key.api_key, key.updated = str(clock.uuid4()), time_now()
    ctx.session.add(key)
    ctx.session.commit()
    return render_apikey(ctx, key)


@router.delete("/{key_id:int}")
def delete_apikey(ctx: CtxDep, key_id: int) -> dict:
    ctx.require_token()
    key = load(ctx, key_id, "delete")
    answer = render_apikey(ctx, key)
    ctx.session.delete(key)
    ctx.session.commit()
    return answer
