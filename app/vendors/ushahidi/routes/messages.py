"""/api/v3/messages: the inbox and outbox of the deployment's data sources (docs/vendors/ushahidi.md §1.27)."""

from sqlalchemy import or_
from sqlmodel import select

from crowdmock.core.db import get_row
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.ushahidi.access import ALL, authorize
from crowdmock.vendors.ushahidi.auth import Caller, Ctx, CtxDep, require_scope
from crowdmock.vendors.ushahidi.datasources import enabled_sources, php_empty
from crowdmock.vendors.ushahidi.deps import body, load_authorized, read_paging, search, time_now
from crowdmock.vendors.ushahidi.errors import not_found, validation_failed
from crowdmock.vendors.ushahidi.hxl import php_int, php_string
from crowdmock.vendors.ushahidi.models import Contact, Message, Post, User
from crowdmock.vendors.ushahidi.posts import render_one
from crowdmock.vendors.ushahidi.private import members_only
from crowdmock.vendors.ushahidi.render import envelope, parse_time, php_datetime, w3c

router = LazyRouter(prefix="/api/v3/messages", tags=["messages"], dependencies=[require_scope("messages")])
MESSAGE_TYPES = ("sms", "ivr", "email", "twitter")
# An outgoing message may only be set to these (MessageRepository::checkStatus).
OUTGOING_STATUSES = ("pending", "expired", "cancelled")
TEXT_FIELDS = ("data_source", "data_source_message_id", "title", "message", "type", "status")
ID_FIELDS = ("contact_id", "post_id", "user_id", "notification_post_id")


@members_only
def message_privileges(caller: Caller, message: Message | None) -> list[str]:
    """MessageAuthorizer: admins and "Manage Posts" only, and an incoming message is never updated."""
    if not caller.can("Manage Posts"):
        return []
    if message is not None and message.direction == "incoming":
        return [p for p in ALL if p != "update"]
    return list(ALL)


def render_message(ctx: Ctx, message: Message) -> dict:
    """The v3 API formatter: only `parent_id` and `user_id` become links; `contact_id` and `post_id` stay ids, and
    the entity's `contact` and `contact_type` (filled by the SMS poll only) close the record."""
    out: dict = {"id": message.id, "url": ctx.url("messages", message.id)}
    if message.parent_id:
        out["parent"] = ctx.ref("messages", message.parent_id)
    if message.user_id:
        out["user"] = ctx.ref("users", message.user_id)
    if not message.parent_id:
        out["parent_id"] = message.parent_id
    out.update(contact_id=message.contact_id, post_id=message.post_id)
    if not message.user_id:
        out["user_id"] = message.user_id
    out.update(
        data_source=message.data_source,
        data_source_message_id=message.data_source_message_id,
        title=message.title.strip() if message.title else message.title,
        message=message.message.strip(),
        datetime=php_datetime(message.datetime),
        type=message.type,
        status=message.status,
        direction=message.direction,
        created=w3c(message.created),
        additional_data=message.additional_data,
        notification_post_id=message.notification_post_id,
        contact=None,
        contact_type=None,
        allowed_privileges=message_privileges(ctx.caller, message),
    )
    return out


@router.get("")
def list_messages(ctx: CtxDep) -> dict:
    """MessageRepository::setSearchConditions: joined to contacts; archived messages only with `status` or in the
    `archived` box; every filter a single value."""
    authorize(ctx, message_privileges(ctx.caller, None), "search", "messages", 0)
    q = ctx.request.query_params
    where = [Message.contact_id.in_(select(Contact.id))]
    box, status = q.get("box"), q.get("status")
    if box == "outbox":
        where.append(Message.direction == "outgoing")
    elif box == "inbox":
        where.append(Message.direction == "incoming")
    if box == "archived":
        where.append(Message.status == "archived")
    elif status:
        if status != "all":
            where.append(Message.status == status)
    else:
        where.append(Message.status != "archived")
    if text := q.get("q"):
        like = f"%{text}%"
        matching_contacts = select(Contact.id).where(Contact.contact.ilike(like))
        where.append(
            or_(Message.contact_id.in_(matching_contacts), Message.title.ilike(like), Message.message.ilike(like))
        )
    for name, column in (("contact", Message.contact_id), ("parent", Message.parent_id), ("post", Message.post_id)):
        if value := q.get(name):
            where.append(column == php_int(value))
    for name, column in (("type", Message.type), ("data_source", Message.data_source)):
        if value := q.get(name):
            where.append(column == value)
    paging = read_paging(ctx, "created", "desc", set(Message.model_fields))
    rows, total = search(ctx, Message, paging, *where)
    return envelope(ctx, [render_message(ctx, m) for m in rows], total, paging)


def _payload_state(data: dict) -> dict:
    """The payload as the Message entity casts it (`settype`); unknown keys dropped, `user` derived as `user_id`."""
    state = {name: php_string(data[name]) for name in TEXT_FIELDS if name in data}
    state |= {name: php_int(data[name]) for name in (*ID_FIELDS, "parent_id") if name in data}
    if "user_id" not in data and "user" in data:
        user = data["user"]
        state["user_id"] = php_int(user.get("id") if isinstance(user, dict) else user)
    if "direction" in data:
        state["direction"] = php_string(data["direction"])
    if "datetime" in data:
        state["datetime"] = data["datetime"]
    return state


def _check_create(ctx: Ctx, state: dict) -> list[tuple[str, str]]:
    """Validator\\Message\\Create, rule by rule; Kohana skips every rule but not_empty on an empty value."""
    errors = []
    if state.get("direction") != "outgoing":
        errors.append(("direction", "direction must be one of the available options"))
    if not state.get("message"):
        errors.append(("message", "message must not be empty"))
    if state.get("datetime") not in (None, "") and parse_time(state["datetime"]) is None:
        errors.append(("datetime", "message.datetime.validDate"))
    kind = state.get("type")
    if not kind:
        errors.append(("type", "type must not be empty"))
    elif kind not in MESSAGE_TYPES:
        errors.append(("type", "type must be one of the available options"))
    if state.get("data_source") and state["data_source"] not in enabled_sources(ctx.session):
        errors.append(("data_source", "data_source must be one of the available options"))
    if len(state.get("data_source_message_id") or "") > 511:
        errors.append(("data_source_message_id", "data_source_message_id must not exceed 511 characters long"))
    if state.get("parent_id") is not None and get_row(ctx.session, Message, state["parent_id"]) is None:
        errors.append(("parent_id", "message.parent_id.parentExists"))
    if state.get("contact_id") and get_row(ctx.session, Contact, state["contact_id"]) is None:
        errors.append(("contact_id", "contact_id must exist"))
    if state.get("user_id") is not None and get_row(ctx.session, User, state["user_id"]) is None:
        errors.append(("user_id", "user_id must exist"))
    return errors


@router.post("")
async def create_message(ctx: CtxDep) -> dict:
    """CreateMessage: always pending; outgoing unless the payload already said otherwise (direction is immutable
    once set); a reply takes its parent's type and data source; the author is the caller unless `user_id` says."""
    ctx.require_token()
    state = _payload_state(await body(ctx))
    authorize(ctx, message_privileges(ctx.caller, None), "create", "messages", 0)
    state["status"] = "pending"
    state["direction"] = state.get("direction") or "outgoing"
    if not php_empty(state.get("parent_id")):
        parent = get_row(ctx.session, Message, state["parent_id"])
        state["type"] = parent.type if parent else None
        state["data_source"] = parent.data_source if parent else None
    if php_empty(state.get("user_id")) and ctx.caller.user_id:
        state["user_id"] = ctx.caller.user_id
    if errors := _check_create(ctx, state):
        raise validation_failed("messages", errors)
    message = Message(
        **{k: v for k, v in state.items() if k != "datetime" and v is not None},
        datetime=parse_time(state.get("datetime")),
        created=time_now(),
    )
    ctx.session.add(message)
    ctx.session.commit()
    return render_message(ctx, message)


def load_message(ctx: Ctx, message_id: int, action: str) -> Message:
    return load_authorized(ctx, Message, message_id, "messages", action, message_privileges)


@router.get("/{message_id:int}")
def get_message(ctx: CtxDep, message_id: int) -> dict:
    return render_message(ctx, load_message(ctx, message_id, "read"))


@router.put("/{message_id:int}")
async def update_message(ctx: CtxDep, message_id: int) -> dict:
    """UpdateMessage: the payload applies to every field but the immutable `direction` (and `parent_id` once set);
    an incoming message may not be updated (403); an outgoing one's status only to pending, expired or cancelled.
    Nulls are not written (`removeNullValues`)."""
    ctx.require_token()
    state = _payload_state(await body(ctx))
    state.pop("direction", None)
    message = load_message(ctx, message_id, "update")
    if message.parent_id:
        state.pop("parent_id", None)
    status = state.get("status")
    if status and status not in OUTGOING_STATUSES:
        raise validation_failed("messages", [("status", "message.status.checkStatus")])
    for name, value in state.items():
        if name == "datetime":
            value = parse_time(value)
        if value is not None:
            setattr(message, name, value)
    ctx.session.add(message)
    ctx.session.commit()
    return render_message(ctx, message)


@router.get("/{message_id:int}/post")
def message_post(ctx: CtxDep, message_id: int) -> dict:
    message = load_message(ctx, message_id, "read")
    post = get_row(ctx.session, Post, message.post_id) if message.post_id else None
    if post is None:
        post = ctx.session.exec(select(Post).where(Post.message_id == message.id)).first()
    if post is None:
        raise not_found("posts", message.post_id or 0)
    return render_one(ctx, post)
