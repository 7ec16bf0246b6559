"""/api/v3/users/{user_id}/settings: a user's own key/value settings (docs/vendors/ushahidi.md §1.18)."""

from sqlmodel import select

from crowdmock.core.db import get_row
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.ushahidi.access import authorize
from crowdmock.vendors.ushahidi.auth import Caller, Ctx, CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import body, get_or_404, id_is, load_authorized, read_paging, search, time_now
from crowdmock.vendors.ushahidi.errors import UshahidiError, validation_failed
from crowdmock.vendors.ushahidi.feature_flags import feature_enabled
from crowdmock.vendors.ushahidi.models import User, UserSetting
from crowdmock.vendors.ushahidi.private import members_only
from crowdmock.vendors.ushahidi.render import envelope, ref_id, w3c

router = LazyRouter(
    prefix="/api/v3/users/{user_id:int}/settings", tags=["users"], dependencies=[require_scope("users")]
)

RESOURCE = "user_settings"
# UserSettingAuthorizer's privileges (its getAllPrivs).
PRIVILEGES = ("read", "create", "update", "delete", "search", "read_full", "register")


@members_only
def setting_privileges(caller: Caller, setting: UserSetting | None) -> list[str]:
    """The owner may do everything with their settings; anyone may search, and sees only their own."""
    if setting is not None and caller.owns(setting.user_id):
        return list(PRIVILEGES)
    return ["search"]


def masked(key: str, value: str) -> str:
    """The v3 formatter hides all but the last 4 characters of a value whose key mentions `api`."""
    return "*" * (len(value) - 4) + value[-4:] if "api" in key and len(value) > 4 else value


def render_setting(ctx: Ctx, setting: UserSetting) -> dict:
    return {
        "id": setting.id,
        "url": ctx.url(RESOURCE, setting.id),  # the entity's resource name, not the route's
        "user": ctx.ref("users", setting.user_id),
        "config_key": setting.config_key,
        "config_value": masked(setting.config_key, setting.config_value),
        "created": w3c(setting.created),
        "updated": w3c(setting.updated) if setting.updated else None,
        "allowed_privileges": setting_privileges(ctx.caller, setting),
    }


def check_feature(ctx: Ctx) -> None:
    """The routes' `feature:user-settings` middleware: a bare 404 while the feature is off."""
    if not feature_enabled(ctx, "user-settings"):
        raise UshahidiError(404)


def validate(ctx: Ctx, data: dict, setting: UserSetting, creating: bool) -> None:
    """The Setting validators: key and value are text of 3 to 255 characters; a key is unique per user."""
    errors = []
    for name in ("config_key", "config_value"):
        if name not in data and not creating:
            continue
        value = data.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool) and name == "config_key":
            value = str(value)  # the entity casts the key to a string
        if value is None or value == "":
            errors.append((name, f"{name} must not be empty"))
        elif not isinstance(value, str):
            errors.append((name, f"user_setting.{name}.is_string"))
        elif len(value) < 3:
            errors.append((name, f"{name} must be at least 3 characters long"))
        elif len(value) > 255:
            errors.append((name, f"{name} must not exceed 255 characters long"))
        else:
            setattr(setting, name, value)
    if not errors and (creating or "config_key" in data):
        taken = select(UserSetting.id).where(
            UserSetting.user_id == setting.user_id,
            UserSetting.config_key == setting.config_key,
            UserSetting.id != (setting.id or 0),
        )
        if ctx.session.exec(taken).first() is not None:
            message = f"The user id, {setting.user_id}, and config key, {setting.config_key}, already exist"
            errors.append(("config_key", message))
    if errors:
        ctx.session.rollback()
        raise validation_failed(RESOURCE, errors)


def payload_user(ctx: Ctx, data: dict, current: int | None) -> int | None:
    """The setting's owner after the payload: `user_id` (a number), else as it was."""
    if "user_id" not in data:
        return current
    user_id = ref_id(data, "user_id")
    return user_id if user_id and get_row(ctx.session, User, user_id) else None


@router.get("")
def list_settings(ctx: CtxDep, user_id: int) -> dict:
    check_feature(ctx)
    authorize(ctx, setting_privileges(ctx.caller, None), "search", RESOURCE, 0)
    owner = ref_id(dict(ctx.request.query_params), "user_id") or user_id  # a query user_id wins over the path's
    paging = read_paging(ctx, "id", "asc", {"id", "config_key", "created", "updated"})
    rows, total = search(ctx, UserSetting, paging, id_is(UserSetting.user_id, owner))
    readable = [render_setting(ctx, s) for s in rows if "read" in setting_privileges(ctx.caller, s)]
    return envelope(ctx, readable, total, paging)


@router.post("")
async def create_setting(ctx: CtxDep, user_id: int) -> dict:
    check_feature(ctx)
    data = await body(ctx)
    # The owner is the payload's user_id, not the path's (the generic create use case reads the body only).
    setting = UserSetting(user_id=payload_user(ctx, data, None) or 0)
    authorize(ctx, setting_privileges(ctx.caller, setting), "create", RESOURCE, 0)
    validate(ctx, data, setting, creating=True)
    setting.created, setting.updated = time_now(), 0
    ctx.session.add(setting)
    ctx.session.commit()
    return render_setting(ctx, setting)


@router.get("/{setting_id:int}")
def get_setting(ctx: CtxDep, user_id: int, setting_id: int) -> dict:
    check_feature(ctx)
    return render_setting(ctx, load_authorized(ctx, UserSetting, setting_id, RESOURCE, "read", setting_privileges))


@router.put("/{setting_id:int}")
async def update_setting(ctx: CtxDep, user_id: int, setting_id: int) -> dict:
    check_feature(ctx)
    data = await body(ctx)
    setting = get_or_404(ctx, UserSetting, setting_id, RESOURCE)
    # Authorised on the setting as the payload leaves it (UpdateUsecase): its owner cannot give it away, and a
    # user_id naming the caller makes it theirs.
    owner = payload_user(ctx, data, setting.user_id) or 0
    after = UserSetting(id=setting.id, user_id=owner)
    authorize(ctx, setting_privileges(ctx.caller, after), "update", RESOURCE, setting_id)
    setting.user_id = owner
    validate(ctx, data, setting, creating=False)
    setting.updated = time_now()
    ctx.session.add(setting)
    ctx.session.commit()
    return render_setting(ctx, setting)


@router.delete("/{setting_id:int}")
def delete_setting(ctx: CtxDep, user_id: int, setting_id: int) -> dict:
    check_feature(ctx)
    setting = load_authorized(ctx, UserSetting, setting_id, RESOURCE, "delete", setting_privileges)
    answer = render_setting(ctx, setting)
    ctx.session.delete(setting)
    ctx.session.commit()
    return answer
