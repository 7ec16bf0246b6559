"""/api/v3/forms (surveys) with their roles and stats; their stages and fields are served by form_stages.py and
form_attributes.py under the same prefix."""

from sqlmodel import delete, select

from crowdmock.core.db import get_row, lookup_id
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.ushahidi.access import admin_only, authorize, form_privileges
from crowdmock.vendors.ushahidi.auth import CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import body, get_or_404, read_paging, search, time_now
from crowdmock.vendors.ushahidi.errors import validation_failed
from crowdmock.vendors.ushahidi.form_stats import data_source_stats, targeted_stats
from crowdmock.vendors.ushahidi.forms import apply_form, form_stage_ids, load_form, render_form, render_form_role
from crowdmock.vendors.ushahidi.models import Form, FormAttribute, FormRole, FormStage, Post, Role
from crowdmock.vendors.ushahidi.render import envelope

TARGETED_TOTALS = (
    "total_responses",
    "total_recipients",
    "total_response_recipients",
    "total_messages_sent",
    "total_messages_pending",
)
router = LazyRouter(prefix="/api/v3/forms", tags=["forms"], dependencies=[require_scope("forms")])


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
    """SearchFormStats: a targeted survey's recipients and messages, or any other survey's posts by data source; the
    other totals are null (docs/vendors/ushahidi.md §1.28). Only "Manage Settings" may search them
    (FormStatsAuthorizer), before the survey is looked up."""
    privileges = admin_only(ctx.caller, "Manage Settings")
    authorize(ctx, privileges, "search", "form_stats", 0)
    form = get_or_404(ctx, Form, form_id, "forms")
    q = ctx.request.query_params
    totals: dict = dict.fromkeys(TARGETED_TOTALS)
    if form.targeted_survey:
        totals.update(targeted_stats(ctx.session, form_id, q.get("created_after"), q.get("created_before")))
        by_source = None
    else:
        by_source = data_source_stats(ctx.session, form_id)
    return {
        "id": None,
        "url": ctx.url("form_stats"),
        **totals,
        "total_by_data_source": by_source,
        "allowed_privileges": privileges,
    }
