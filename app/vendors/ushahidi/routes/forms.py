"""/api/v3/forms (surveys) with their roles and stats; their stages and fields are served by form_stages.py and
form_attributes.py under the same prefix."""

from fastapi import APIRouter
from sqlmodel import delete, select

from crowdmock.core.db import get_row, lookup_id
from crowdmock.vendors.ushahidi.access import authorize, form_privileges
from crowdmock.vendors.ushahidi.auth import CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import body, read_paging, search, time_now
from crowdmock.vendors.ushahidi.errors import validation_failed
from crowdmock.vendors.ushahidi.forms import apply_form, form_stage_ids, load_form, render_form, render_form_role
from crowdmock.vendors.ushahidi.models import Form, FormAttribute, FormRole, FormStage, Post, Role
from crowdmock.vendors.ushahidi.render import envelope

router = APIRouter(prefix="/api/v3/forms", tags=["forms"], dependencies=[require_scope("forms")])


@router.get("")
def list_forms(ctx: CtxDep) -> dict:
    authorize(ctx, form_privileges(ctx.caller, None), "search", "forms", 0)
    q = ctx.request.query_params
    where = []
    if text := q.get("q"):
        where.append(Form.name.like(f"%{text}%"))
    if (parent := q.get("parent")) is not None:
        where.append(Form.parent_id == ident if (ident := lookup_id(parent)) is not None else Form.parent_id.is_(None))
    paging = read_paging(ctx, "id", "asc", {"id", "name", "created", "updated"})
    rows, total = search(ctx, Form, paging, *where)
    return envelope(ctx, [render_form(ctx, f) for f in rows], total, paging)


@router.post("")
async def create_form(ctx: CtxDep) -> dict:
    ctx.require_token()
    data = await body(ctx)
    authorize(ctx, form_privileges(ctx.caller, None), "create", "forms", 0)
    form = Form(created=time_now(), can_create=[], tags=[])
    apply_form(ctx, form, data, creating=True)
    ctx.session.commit()
    return render_form(ctx, form)


@router.get("/{form_id:int}")
def get_form(ctx: CtxDep, form_id: int) -> dict:
    return render_form(ctx, load_form(ctx, form_id))


@router.put("/{form_id:int}")
async def update_form(ctx: CtxDep, form_id: int) -> dict:
    ctx.require_token()
    data = await body(ctx)
    form = load_form(ctx, form_id, "update")
    apply_form(ctx, form, data, creating=False)
    form.updated = time_now()
    ctx.session.commit()
    return render_form(ctx, form)


@router.delete("/{form_id:int}")
def delete_form(ctx: CtxDep, form_id: int) -> dict:
    ctx.require_token()
    form = load_form(ctx, form_id, "delete")
    rendered = render_form(ctx, form)
    stages = form_stage_ids(ctx, form_id)
    ctx.session.exec(delete(FormAttribute).where(FormAttribute.form_stage_id.in_(stages)))
    ctx.session.exec(delete(FormStage).where(FormStage.form_id == form_id))
    ctx.session.exec(delete(FormRole).where(FormRole.form_id == form_id))
    for post in ctx.session.exec(select(Post).where(Post.form_id == form_id)).all():
        post.form_id = None
        ctx.session.add(post)
    ctx.session.delete(form)
    ctx.session.commit()
    return rendered


@router.get("/{form_id:int}/roles")
def get_form_roles(ctx: CtxDep, form_id: int) -> dict:
    load_form(ctx, form_id)
    paging = read_paging(ctx, "role_id", "asc", {"id", "role_id"})
    rows, total = search(ctx, FormRole, paging, FormRole.form_id == form_id)
    return envelope(ctx, [render_form_role(ctx, r) for r in rows], total, paging)


@router.put("/{form_id:int}/roles")
async def replace_form_roles(ctx: CtxDep, form_id: int) -> dict:
    ctx.require_token()
    data = await body(ctx)
    form = load_form(ctx, form_id, "update")
    wanted = data.get("roles")
    if not isinstance(wanted, list):
        raise validation_failed("form_roles", [("roles", "roles must be an array of role ids")])
    roles = []
    for ident in wanted:
        role = get_row(ctx.session, Role, ident) if isinstance(ident, int) and not isinstance(ident, bool) else None
        if role is None:
            raise validation_failed("form_roles", [("roles", f"Role {ident} does not exist")])
        roles.append(role)
    ctx.session.exec(delete(FormRole).where(FormRole.form_id == form_id))
    for role in roles:
        ctx.session.add(FormRole(form_id=form_id, role_id=role.id))
    form.can_create = [r.name for r in roles]
    form.everyone_can_create = not roles
    ctx.session.add(form)
    ctx.session.commit()
    return get_form_roles(ctx, form_id)


@router.get("/{form_id:int}/stats")
def form_stats(ctx: CtxDep, form_id: int) -> dict:
    form = load_form(ctx, form_id)
    posts = ctx.session.exec(select(Post).where(Post.form_id == form_id, Post.type == "report")).all()
    by_source = {"sms": 0, "email": 0, "twitter": 0, "web": 0}
    for post in posts:
        source = post.source if post.source in by_source else "web"
        by_source[source] += 1
    # docs/vendors/ushahidi.md §1.2 (Forms): MySQLi answers every COUNT as a string. `sms`, `email` and `twitter`
    # come from a grouped count, a source without messages staying the repository's integer 0; `web` is a COUNT row
    # of its own ("0" when none); `all` is PHP's sum of the four, an integer. The entity's `int` definition for these
    # nested keys is never applied (TransformData recurses with the top-level definition).
    totals = {k: str(v) if v or k == "web" else 0 for k, v in by_source.items()}
    targeted = form.targeted_survey
    return {
        "id": None,
        "url": ctx.url("form_stats"),
        "total_responses": len(posts) if targeted else None,
        "total_recipients": 0 if targeted else None,
        "total_response_recipients": 0 if targeted else None,
        "total_messages_sent": 0 if targeted else None,
        "total_messages_pending": 0 if targeted else None,
        "total_by_data_source": {**totals, "all": len(posts)},
        "allowed_privileges": form_privileges(ctx.caller, form),
    }
