"""/api/v3/forms/attributes and /api/v3/forms/{form_id}/attributes: the fields of surveys."""

from sqlmodel import select

from crowdmock.core.db import get_row, lookup_id
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.ushahidi.access import authorize, form_privileges
from crowdmock.vendors.ushahidi.auth import CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import body, read_paging, search
from crowdmock.vendors.ushahidi.errors import validation_failed
from crowdmock.vendors.ushahidi.forms import (
    apply_attribute,
    attribute_stage,
    check_stage,
    hidden_stage_ids,
    load_attribute,
    load_form,
    refresh_form_tags,
    render_attribute,
)
from crowdmock.vendors.ushahidi.models import Form, FormAttribute, FormStage
from crowdmock.vendors.ushahidi.php import php_int
from crowdmock.vendors.ushahidi.render import envelope

router = LazyRouter(prefix="/api/v3/forms", tags=["forms"], dependencies=[require_scope("forms")])


# AttributeRepository::setSearchConditions: these filters are equalities.
ATTRIBUTE_FILTERS = ("key", "label", "input", "type")


def _search(ctx, form_id: int | None) -> dict:
    """Fields of a survey, filtered; callers without "Manage Posts" do not see the fields of its hidden stages
    (AttributeRepository::selectQuery; docs/vendors/ushahidi.md §1.28)."""
    q = ctx.request.query_params
    where = [getattr(FormAttribute, name) == q[name] for name in ATTRIBUTE_FILTERS if name in q]
    if form_id is not None:
        where.append(FormAttribute.form_stage_id.in_(select(FormStage.id).where(FormStage.form_id == form_id)))
        if hidden := hidden_stage_ids(ctx, form_id):
            where.append(FormAttribute.form_stage_id.not_in(hidden))
    paging = read_paging(ctx, "priority", "asc", {"id", "priority", "label", "key"})
    rows, total = search(ctx, FormAttribute, paging, *where)
    return envelope(ctx, [render_attribute(ctx, a) for a in rows], total, paging)


@router.get("/attributes")
def all_attributes(ctx: CtxDep) -> dict:
    authorize(ctx, form_privileges(ctx.caller, None), "search", "form_attributes", 0)
    return _search(ctx, lookup_id(ctx.request.query_params.get("form_id") or ""))


@router.get("/{form_id:int}/attributes")
def form_attributes(ctx: CtxDep, form_id: int) -> dict:
    load_form(ctx, form_id)
    # The query's form_id wins over the path's (AttributesController::index: `$request->query() + [...]`).
    asked = ctx.request.query_params.get("form_id")
    return _search(ctx, lookup_id(asked) if asked else form_id)


@router.post("/{form_id:int}/attributes")
async def create_attribute(ctx: CtxDep, form_id: int) -> dict:
    """CreateFormAttribute: the stage is checked first (404, or 400 when it is another survey's), then the caller's
    right to create on that survey, then the field."""
    ctx.require_token()
    data = await body(ctx)
    stage = attribute_stage(ctx, form_id, data)
    form = get_row(ctx.session, Form, stage.form_id)
    authorize(ctx, form_privileges(ctx.caller, form), "create", "form_attributes", 0)
    attribute = FormAttribute(key="", form_stage_id=stage.id)
    return _save(ctx, form, attribute, {k: v for k, v in data.items() if k != "form_stage_id"})


@router.get("/{form_id:int}/attributes/{attribute_id:int}")
def get_attribute(ctx: CtxDep, form_id: int, attribute_id: int) -> dict:
    load_form(ctx, form_id)
    return render_attribute(ctx, load_attribute(ctx, form_id, attribute_id))


@router.put("/{form_id:int}/attributes/{attribute_id:int}")
async def update_attribute(ctx: CtxDep, form_id: int, attribute_id: int) -> dict:
    ctx.require_token()
    data = await body(ctx)
    form = load_form(ctx, form_id, "update")
    attribute = load_attribute(ctx, form_id, attribute_id)
    if data.get("form_stage_id") is not None:
        attribute.form_stage_id = php_int(data["form_stage_id"])
    check_stage(ctx, attribute)
    return _save(ctx, form, attribute, data)


def _save(ctx, form, attribute: FormAttribute, data: dict) -> dict:
    """The field with `data` applied, checked and stored, with the form's tags that follow its options."""
    errors: list = []
    apply_attribute(ctx, attribute, data, errors, form_id=form.id)
    if errors:
        ctx.session.rollback()
        raise validation_failed("form_attributes", errors)
    ctx.session.add(attribute)
    ctx.session.flush()
    refresh_form_tags(ctx, form)
    ctx.session.add(form)
    ctx.session.commit()
    return render_attribute(ctx, attribute)


@router.delete("/{form_id:int}/attributes/{attribute_id:int}")
def delete_attribute(ctx: CtxDep, form_id: int, attribute_id: int) -> dict:
    ctx.require_token()
    form = load_form(ctx, form_id, "update")
    attribute = load_attribute(ctx, form_id, attribute_id)
    rendered = render_attribute(ctx, attribute)
    ctx.session.delete(attribute)
    ctx.session.flush()
    refresh_form_tags(ctx, form)
    ctx.session.add(form)
    ctx.session.commit()
    return rendered
