"""/api/v3/webhooks: where the deployment sends posts, kept by administrators (docs/vendors/ushahidi.md §1.21)."""

import re
import unicodedata

from crowdmock.core import clock
from crowdmock.core.db import get_row
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.ushahidi.access import ALL, authorize
from crowdmock.vendors.ushahidi.auth import Ctx, CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import body, get_or_404, id_is, read_paging, search, time_now
from crowdmock.vendors.ushahidi.errors import validation_failed
from crowdmock.vendors.ushahidi.feature_flags import feature_enabled
from crowdmock.vendors.ushahidi.models import WEBHOOK_EVENTS, Form, User, Webhook
from crowdmock.vendors.ushahidi.render import envelope, ref_id, w3c

router = LazyRouter(prefix="/api/v3/webhooks", tags=["webhooks"], dependencies=[require_scope("webhooks")])

RESOURCE = "webhooks"
TEXT_FIELDS = ("name", "url", "shared_secret", "webhook_uuid", "event_type", "entity_type")
KEY_FIELDS = ("source_field_key", "destination_field_key")
# Kohana's Valid::url: a scheme, a host of dot-separated labels, an optional port, then anything.
URL = re.compile(
    r"^[-a-z0-9+.]+://(?!-)[-a-z0-9]{1,63}(?<!-)(?:\.(?!-)[-a-z0-9]{1,63}(?<!-)){0,126}(?::\d{1,5})?(?:/.*)?$",
    re.IGNORECASE | re.DOTALL,
)


def webhook_privileges(ctx: Ctx) -> list[str]:
    """WebhookAuthorizer: admins only, and only while the `webhooks` feature is on."""
    return list(ALL) if ctx.caller.is_admin and feature_enabled(ctx, "webhooks") else []


def render_webhook(ctx: Ctx, hook: Webhook, privileges: list[str]) -> dict:
    """The v3 formatter writes the resource link into `url`, then the webhook's own `url` over it."""
    return {
        "id": hook.id,
        "url": hook.url,
        "user": ctx.ref("users", hook.user_id),
        "form_id": hook.form_id,
        "name": hook.name,
        "shared_secret": hook.shared_secret,
        "webhook_uuid": hook.webhook_uuid,
        "event_type": hook.event_type,
        "entity_type": hook.entity_type,
        "source_field_key": hook.source_field_key,
        "destination_field_key": hook.destination_field_key,
        "created": w3c(hook.created),
        "updated": w3c(hook.updated) if hook.updated else None,
        "allowed_privileges": privileges,
    }


def is_standard_text(value: str) -> bool:
    """`/^[\\pL\\pN\\pP ]++$/u`: letters, numbers, punctuation and spaces only."""
    return all(c == " " or unicodedata.category(c)[0] in "LNP" for c in value)


def field_error(name: str, value) -> str | None:
    """The Webhook validators' rules for a non-empty value (Kohana skips other rules for empty ones)."""
    if name == "name" and len(value) > 255:
        return "name must not exceed 255 characters long"
    if name == "shared_secret" and len(value) < 20:
        return "shared_secret must be at least 20 characters long"
    if name in ("name", "shared_secret") and not is_standard_text(value):
        return f"{name} does not match the required format"
    if name == "url" and not URL.match(value):
        return "url must be a url"
    if name == "event_type" and value not in WEBHOOK_EVENTS:
        return "event_type must be one of the available options"
    if name == "entity_type" and value != "post":
        return "entity_type must be one of the available options"
    return None


def apply(ctx: Ctx, data: dict, hook: Webhook, creating: bool) -> None:
    """Copy the payload's fields onto `hook`, or refuse with 422 listing each bad field."""
    errors = []
    for name in (*TEXT_FIELDS, *KEY_FIELDS):
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)  # the entity casts these to strings
        if value is not None and not isinstance(value, str):
            errors.append((name, f"{name} must be text"))
            continue
        if value and (problem := field_error(name, value)):
            errors.append((name, problem))
            continue
        if value is None and name in TEXT_FIELDS:
            value = ""
        setattr(hook, name, value)
    if creating:
        errors += [
            (n, f"{n} must not be empty")
            for n in ("name", "shared_secret", "url", "event_type", "entity_type")
            if not getattr(hook, n) and n not in {e[0] for e in errors}
        ]
    if "form_id" in data or "form" in data:
        form_id = ref_id(data, "form")
        if form_id is not None and get_row(ctx.session, Form, form_id) is None:
            errors.append(("form_id", "form_id must exist"))
        hook.form_id = form_id
    if errors:
        ctx.session.rollback()  # nothing of a refused update is kept
        raise validation_failed(RESOURCE, errors)


def load(ctx: Ctx, hook_id: int, action: str) -> Webhook:
    hook = get_or_404(ctx, Webhook, hook_id, RESOURCE)
    authorize(ctx, webhook_privileges(ctx), action, RESOURCE, hook_id)
    return hook


@router.get("")
def list_webhooks(ctx: CtxDep) -> dict:
    """An admin sees everyone's (`user` narrows, `user=me` means theirs)."""
    ctx.require_token()
    privileges = webhook_privileges(ctx)
    authorize(ctx, privileges, "search", RESOURCE, 0)
    user = ctx.request.query_params.get("user")
    owner = ctx.caller.user_id if user == "me" else ref_id({"user": user}, "user")
    paging = read_paging(ctx, "id", "asc", {"id", "name", "created", "updated", "event_type"})
    rows, total = search(ctx, Webhook, paging, *([id_is(Webhook.user_id, owner)] if owner else []))
    return envelope(ctx, [render_webhook(ctx, h, privileges) for h in rows], total, paging)


@router.post("")
async def create_webhook(ctx: CtxDep) -> dict:
    """`name`, `shared_secret` (20 characters or more), `url`, `event_type`, `entity_type` (`post`); optional
    `form_id`, `source_field_key`, `destination_field_key`. The server draws `webhook_uuid`."""
    ctx.require_token()
    data = await body(ctx)
    privileges = webhook_privileges(ctx)
    authorize(ctx, privileges, "create", RESOURCE, 0)
    hook = Webhook(user_id=ref_id(data, "user") or ctx.caller.user_id, name="", url="", shared_secret="")
    hook.event_type = hook.entity_type = ""
    apply(ctx, data, hook, creating=True)
    if get_row(ctx.session, User, hook.user_id) is None:
        raise validation_failed(RESOURCE, [("user_id", "user_id must exist")])
    hook.webhook_uuid, hook.created = str(clock.uuid4()), time_now()
    ctx.session.add(hook)
    ctx.session.commit()
    return render_webhook(ctx, hook, privileges)


@router.get("/{hook_id:int}")
def get_webhook(ctx: CtxDep, hook_id: int) -> dict:
    ctx.require_token()
    return render_webhook(ctx, load(ctx, hook_id, "read"), webhook_privileges(ctx))


@router.put("/{hook_id:int}")
async def update_webhook(ctx: CtxDep, hook_id: int) -> dict:
    """Partial: the fields given change (its user does not); `webhook_uuid` too."""
    ctx.require_token()
    data = await body(ctx)
    hook = load(ctx, hook_id, "update")
    apply(ctx, data, hook, creating=False)
    hook.updated = time_now()
    ctx.session.add(hook)
    ctx.session.commit()
    return render_webhook(ctx, hook, webhook_privileges(ctx))


@router.delete("/{hook_id:int}")
def delete_webhook(ctx: CtxDep, hook_id: int) -> dict:
    ctx.require_token()
    hook = load(ctx, hook_id, "delete")
    answer = render_webhook(ctx, hook, webhook_privileges(ctx))
    ctx.session.delete(hook)
    ctx.session.commit()
    return answer
