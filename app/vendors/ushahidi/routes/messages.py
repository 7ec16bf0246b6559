"""/api/v3/messages and /api/v3/contacts."""

from fastapi import APIRouter
from sqlmodel import select

from crowdmock.core.db import get_row, lookup_id
from crowdmock.vendors.ushahidi.access import ALL, authorize
from crowdmock.vendors.ushahidi.auth import Caller, Ctx, CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import (
    body,
    copy_fields,
    load_authorized,
    multi_param,
    read_paging,
    search,
    time_now,
)
from crowdmock.vendors.ushahidi.errors import not_found, validation_failed
from crowdmock.vendors.ushahidi.models import CONTACT_TYPES, MESSAGE_STATUSES, Contact, Message, Post, User
from crowdmock.vendors.ushahidi.posts import render_one
from crowdmock.vendors.ushahidi.private import members_only
from crowdmock.vendors.ushahidi.render import envelope, ref_id, w3c

messages = APIRouter(prefix="/api/v3/messages", tags=["messages"], dependencies=[require_scope("messages")])
contacts = APIRouter(prefix="/api/v3/contacts", tags=["contacts"], dependencies=[require_scope("contacts")])
CONTACT_FIELDS = {"data_source": (str, True), "country_code": (str, True), "can_notify": (bool, False)}


@members_only
def message_privileges(caller: Caller, message: Message | None) -> list[str]:
    if caller.can("Manage Posts"):
        return list(ALL)
    if message is not None and caller.owns(message.user_id):
        return ["read", "update", "search"]
    return []


@members_only
def contact_privileges(caller: Caller, contact: Contact | None) -> list[str]:
    if caller.is_admin or (contact is not None and caller.owns(contact.user_id)):
        return list(ALL)
    return ["create", "search"] if caller.user is not None else []


def _link(ctx: Ctx, out: dict, name: str, resource: str, ident) -> None:
    if ident:
        out[name] = ctx.ref(resource, ident)
    else:
        out[f"{name}_id"] = None


def render_message(ctx: Ctx, message: Message) -> dict:
    out: dict = {"id": message.id, "url": ctx.url("messages", message.id)}
    _link(ctx, out, "parent", "messages", message.parent_id)
    _link(ctx, out, "contact", "contacts", message.contact_id)
    _link(ctx, out, "post", "posts", message.post_id)
    _link(ctx, out, "user", "users", message.user_id)
    out.update(
        data_source=message.data_source,
        data_source_message_id=message.data_source_message_id,
        title=message.title,
        message=message.message,
        datetime=w3c(message.datetime),
        type=message.type,
        status=message.status,
        direction=message.direction,
        created=w3c(message.created),
        additional_data=message.additional_data,
        notification_post_id=message.notification_post_id,
        allowed_privileges=message_privileges(ctx.caller, message),
    )
    return out


def render_contact(ctx: Ctx, contact: Contact) -> dict:
    out: dict = {"id": contact.id, "url": ctx.url("contacts", contact.id)}
    _link(ctx, out, "user", "users", contact.user_id)
    out.update(
        data_source=contact.data_source,
        type=contact.type,
        contact=contact.contact,
        created=w3c(contact.created),
        updated=w3c(contact.updated),
        can_notify=contact.can_notify,
        country_code=contact.country_code,
        allowed_privileges=contact_privileges(ctx.caller, contact),
    )
    return out


@messages.get("")
def list_messages(ctx: CtxDep) -> dict:
    authorize(ctx, message_privileges(ctx.caller, None), "search", "messages", 0)
    q = ctx.request.query_params
    where = []
    box = q.get("box")
    if box == "inbox":
        where += [Message.direction == "incoming", Message.status != "archived"]
    elif box == "outbox":
        where.append(Message.direction == "outgoing")
    elif box == "archived":
        where.append(Message.status == "archived")
    for name, column in (
        ("status", Message.status),
        ("type", Message.type),
        ("data_source", Message.data_source),
    ):
        if values := multi_param(ctx, name):
            where.append(column.in_(values))
    for name, column in (
        ("contact", Message.contact_id),
        ("parent", Message.parent_id),
        ("post", Message.post_id),
    ):
        if values := [i for i in map(lookup_id, multi_param(ctx, name)) if i is not None]:
            where.append(column.in_(values))
    if text := q.get("q"):
        where.append(Message.message.like(f"%{text}%"))
    paging = read_paging(ctx, "created", "desc", {"id", "created", "datetime", "status"})
    rows, total = search(ctx, Message, paging, *where)
    return envelope(ctx, [render_message(ctx, m) for m in rows], total, paging)


@messages.post("")
async def create_message(ctx: CtxDep) -> dict:
    ctx.require_token()
    data = await body(ctx)
    authorize(ctx, message_privileges(ctx.caller, None), "create", "messages", 0)
    errors = []
    text = data.get("message")
    if not isinstance(text, str) or not text.strip():
        errors.append(("message", "message must not be empty"))
    if data.get("direction", "outgoing") != "outgoing":
        errors.append(("direction", "direction must be outgoing"))
    contact_id, parent_id = ref_id(data, "contact"), ref_id(data, "parent")
    contact = get_row(ctx.session, Contact, contact_id) if contact_id else None
    parent = get_row(ctx.session, Message, parent_id) if parent_id else None
    if contact is None and parent is not None:
        contact = get_row(ctx.session, Contact, parent.contact_id) if parent.contact_id else None
    if contact is None:
        errors.append(("contact_id", "contact_id must be an existing contact"))
    if parent_id and parent is None:
        errors.append(("parent_id", f"parent message {parent_id} does not exist"))
    if errors:
        raise validation_failed("messages", errors)
    kind = {"phone": "sms", "email": "email", "twitter": "twitter"}.get(contact.type or "", "sms")
    message = Message(
        parent_id=parent_id,
        contact_id=contact.id,
        user_id=ctx.caller.user_id or None,
        data_source=contact.data_source,
        message=text.strip(),
        type=kind,
        status="pending",
        direction="outgoing",
        created=time_now(),
    )
    ctx.session.add(message)
    ctx.session.commit()
    return render_message(ctx, message)


def load_message(ctx: Ctx, message_id: int, action: str) -> Message:
    return load_authorized(ctx, Message, message_id, "messages", action, message_privileges)


@messages.get("/{message_id:int}")
def get_message(ctx: CtxDep, message_id: int) -> dict:
    return render_message(ctx, load_message(ctx, message_id, "read"))


@messages.put("/{message_id:int}")
async def update_message(ctx: CtxDep, message_id: int) -> dict:
    ctx.require_token()
    data = await body(ctx)
    message = load_message(ctx, message_id, "update")
    if "status" in data:
        if data["status"] not in MESSAGE_STATUSES:
            raise validation_failed("messages", [("status", f"status must be one of {', '.join(MESSAGE_STATUSES)}")])
        message.status = data["status"]
    ctx.session.add(message)
    ctx.session.commit()
    return render_message(ctx, message)


@messages.get("/{message_id:int}/post")
def message_post(ctx: CtxDep, message_id: int) -> dict:
    message = load_message(ctx, message_id, "read")
    post = get_row(ctx.session, Post, message.post_id) if message.post_id else None
    if post is None:
        post = ctx.session.exec(select(Post).where(Post.message_id == message.id)).first()
    if post is None:
        raise not_found("posts", message.post_id or 0)
    return render_one(ctx, post)


# --- contacts ---------------------------------------------------------------------------------------------


@contacts.get("")
def list_contacts(ctx: CtxDep) -> dict:
    authorize(ctx, contact_privileges(ctx.caller, None), "search", "contacts", 0)
    q = ctx.request.query_params
    where = []
    if not ctx.caller.is_admin:
        where.append(Contact.user_id == ctx.caller.user_id)
    for name, column in (
        ("type", Contact.type),
        ("data_source", Contact.data_source),
        ("contact", Contact.contact),
    ):
        if value := q.get(name):
            where.append(column == value)
    if (user := q.get("user")) and lookup_id(user) is not None:
        where.append(Contact.user_id == lookup_id(user))
    paging = read_paging(ctx, "id", "asc", {"id", "created", "contact"})
    rows, total = search(ctx, Contact, paging, *where)
    return envelope(ctx, [render_contact(ctx, c) for c in rows], total, paging)


def apply_contact(ctx: Ctx, contact: Contact, data: dict, creating: bool) -> None:
    errors = []
    if "contact" in data or creating:
        value = data.get("contact")
        if not isinstance(value, str) or not value.strip():
            errors.append(("contact", "contact must not be empty"))
        else:
            contact.contact = value.strip()
    if "type" in data:
        if data["type"] not in CONTACT_TYPES:
            errors.append(("type", f"type must be one of {', '.join(CONTACT_TYPES)}"))
        else:
            contact.type = data["type"]
    copy_fields(data, CONTACT_FIELDS, contact, errors)
    if ctx.caller.is_admin and ("user_id" in data or "user" in data):
        user_id = ref_id(data, "user")
        if user_id is not None and get_row(ctx.session, User, user_id) is None:
            errors.append(("user_id", f"user {user_id} does not exist"))
        else:
            contact.user_id = user_id
    if errors:
        raise validation_failed("contacts", errors)


@contacts.post("")
async def create_contact(ctx: CtxDep) -> dict:
    ctx.require_token()
    data = await body(ctx)
    authorize(ctx, contact_privileges(ctx.caller, None), "create", "contacts", 0)
    contact = Contact(user_id=ctx.caller.user_id or None, created=time_now(), type="phone")
    apply_contact(ctx, contact, data, creating=True)
    ctx.session.add(contact)
    ctx.session.commit()
    return render_contact(ctx, contact)


def load_contact(ctx: Ctx, contact_id: int, action: str) -> Contact:
    return load_authorized(ctx, Contact, contact_id, "contacts", action, contact_privileges)


@contacts.get("/{contact_id:int}")
def get_contact(ctx: CtxDep, contact_id: int) -> dict:
    return render_contact(ctx, load_contact(ctx, contact_id, "read"))


@contacts.put("/{contact_id:int}")
async def update_contact(ctx: CtxDep, contact_id: int) -> dict:
    ctx.require_token()
    data = await body(ctx)
    contact = load_contact(ctx, contact_id, "update")
    apply_contact(ctx, contact, data, creating=False)
    contact.updated = time_now()
    ctx.session.add(contact)
    ctx.session.commit()
    return render_contact(ctx, contact)


@contacts.delete("/{contact_id:int}")
def delete_contact(ctx: CtxDep, contact_id: int) -> dict:
    ctx.require_token()
    contact = load_contact(ctx, contact_id, "delete")
    rendered = render_contact(ctx, contact)
    ctx.session.delete(contact)
    ctx.session.commit()
    return rendered
