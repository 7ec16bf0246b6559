"""/api/v3/notifications: a user's subscriptions to collections and saved searches (docs/vendors/ushahidi.md
§1.20)."""

from sqlmodel import select

from crowdmock.core.db import get_row
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.ushahidi.access import ALL, authorize
from crowdmock.vendors.ushahidi.auth import Caller, Ctx, CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import body, id_is, load_authorized, read_paging, search, time_now
from crowdmock.vendors.ushahidi.errors import validation_failed
from crowdmock.vendors.ushahidi.models import Notification, Set, User
from crowdmock.vendors.ushahidi.private import members_only
from crowdmock.vendors.ushahidi.render import envelope, ref_id, w3c

router = LazyRouter(
    prefix="/api/v3/notifications", tags=["notifications"], dependencies=[require_scope("notifications")]
)

RESOURCE = "notifications"


@members_only
def notification_privileges(caller: Caller, item: Notification | None) -> list[str]:
    """NotificationAuthorizer: admins everything; the owner all but search; any signed-in user searches."""
    if caller.is_admin:
        return list(ALL)
    allowed = set()
    if item is not None and caller.owns(item.user_id):
        allowed |= {"read", "create", "update", "delete"}
    if caller.user_id:
        allowed.add("search")
    return [p for p in ALL if p in allowed]


def render_notification(ctx: Ctx, item: Notification) -> dict:
    return {
        "id": item.id,
        "url": ctx.url(RESOURCE, item.id),
        "user": ctx.ref("users", item.user_id),
        "set": ctx.ref("sets", item.set_id),
        "created": w3c(item.created),
        "updated": None,  # the table has no such column
        "allowed_privileges": notification_privileges(ctx.caller, item),
    }


def load(ctx: Ctx, item_id: int, action: str) -> Notification:
    return load_authorized(ctx, Notification, item_id, RESOURCE, action, notification_privileges)


@router.get("")
def list_notifications(ctx: CtxDep) -> dict:
    """Filters `user` (`me`, or anyone's for admins: others always see their own) and `set`."""
    ctx.require_token()
    authorize(ctx, notification_privileges(ctx.caller, None), "search", RESOURCE, 0)
    q = ctx.request.query_params
    user = q.get("user")
    owner = ctx.caller.user_id if not ctx.caller.is_admin or user == "me" else ref_id({"user": user}, "user")
    set_id = ref_id({"set": q.get("set")}, "set")
    where = [
        id_is(column, ident)
        for column, ident in ((Notification.user_id, owner), (Notification.set_id, set_id))
        if ident
    ]
    paging = read_paging(ctx, "id", "asc", {"id", "created", "user_id", "set_id"})
    rows, total = search(ctx, Notification, paging, *where)
    readable = [n for n in rows if "read" in notification_privileges(ctx.caller, n)]
    return envelope(ctx, [render_notification(ctx, n) for n in readable], total, paging)


@router.post("")
async def create_notification(ctx: CtxDep) -> dict:
    """`set` (or `set_id`), and `user` for admins; a subscription that exists already is answered again."""
    ctx.require_token()
    data = await body(ctx)
    user_id = ref_id(data, "user") or ctx.caller.user_id
    item = Notification(user_id=user_id)
    authorize(ctx, notification_privileges(ctx.caller, item), "create", RESOURCE, 0)
    set_id = ref_id(data, "set")
    errors = []
    if get_row(ctx.session, User, user_id) is None:
        errors.append(("user_id", "user_id must exist"))
    if set_id is None and data.get("set", data.get("set_id")) in (None, ""):
        errors.append(("set_id", "set_id must not be empty"))
    elif set_id is None:
        errors.append(("set_id", "set_id must be numeric"))
    elif get_row(ctx.session, Set, set_id) is None:
        errors.append(("set_id", "set_id must exist"))
    if errors:
        raise validation_failed(RESOURCE, errors)
    same = select(Notification).where(Notification.user_id == user_id, Notification.set_id == set_id)
    existing = ctx.session.exec(same).first()
    if existing is not None:
        return render_notification(ctx, existing)
    item.set_id, item.created = set_id, time_now()
    ctx.session.add(item)
    ctx.session.commit()
    return render_notification(ctx, item)


@router.get("/{item_id:int}")
def get_notification(ctx: CtxDep, item_id: int) -> dict:
    ctx.require_token()
    return render_notification(ctx, load(ctx, item_id, "read"))


@router.put("/{item_id:int}")
def update_notification(ctx: CtxDep, item_id: int) -> dict:
    """Its user and set cannot change, so an update changes nothing."""
    ctx.require_token()
    return render_notification(ctx, load(ctx, item_id, "update"))


@router.delete("/{item_id:int}")
def delete_notification(ctx: CtxDep, item_id: int) -> dict:
    ctx.require_token()
    item = load(ctx, item_id, "delete")
    answer = render_notification(ctx, item)
    ctx.session.delete(item)
    ctx.session.commit()
    return answer
