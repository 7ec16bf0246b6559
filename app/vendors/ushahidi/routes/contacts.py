"""/api/v3/contacts: the phone numbers, e-mail addresses and accounts messages come from and go to."""

from crowdmock.core.db import get_row, lookup_id
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.ushahidi.access import ALL, authorize
from crowdmock.vendors.ushahidi.auth import Caller, Ctx, CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import body, copy_fields, load_authorized, read_paging, search, time_now
from crowdmock.vendors.ushahidi.errors import validation_failed
from crowdmock.vendors.ushahidi.models import CONTACT_TYPES, Contact, User
from crowdmock.vendors.ushahidi.private import members_only
from crowdmock.vendors.ushahidi.render import envelope, ref_id, w3c

router = LazyRouter(prefix="/api/v3/contacts", tags=["contacts"], dependencies=[require_scope("contacts")])
# `can_notify` is cast as PHP casts to bool ("1" is true): docs/vendors/ushahidi.md §1.4
CONTACT_FIELDS = {"data_source": (str, True), "country_code": (str, True), "can_notify": (bool, False)}


@members_only
def contact_privileges(caller: Caller, contact: Contact | None) -> list[str]:
    if caller.is_admin or (contact is not None and caller.owns(contact.user_id)):
        return list(ALL)
    return ["create", "search"] if caller.has_user else []


def render_contact(ctx: Ctx, contact: Contact) -> dict:
    out: dict = {"id": contact.id, "url": ctx.url("contacts", contact.id)}
    if contact.user_id:
        out["user"] = ctx.ref("users", contact.user_id)
    else:
        out["user_id"] = None
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


@router.get("")
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


@router.post("")
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


@router.get("/{contact_id:int}")
def get_contact(ctx: CtxDep, contact_id: int) -> dict:
    return render_contact(ctx, load_contact(ctx, contact_id, "read"))


@router.put("/{contact_id:int}")
async def update_contact(ctx: CtxDep, contact_id: int) -> dict:
    ctx.require_token()
    data = await body(ctx)
    contact = load_contact(ctx, contact_id, "update")
    apply_contact(ctx, contact, data, creating=False)
    contact.updated = time_now()
    ctx.session.add(contact)
    ctx.session.commit()
    return render_contact(ctx, contact)


@router.delete("/{contact_id:int}")
def delete_contact(ctx: CtxDep, contact_id: int) -> dict:
    ctx.require_token()
    contact = load_contact(ctx, contact_id, "delete")
    rendered = render_contact(ctx, contact)
    ctx.session.delete(contact)
    ctx.session.commit()
    return rendered
