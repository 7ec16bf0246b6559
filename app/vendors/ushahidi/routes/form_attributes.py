"""/api/v3/forms/attributes and /api/v3/forms/{form_id}/attributes: the fields of surveys."""

from fastapi import APIRouter
from sqlmodel import select

from crowdmock.core.db import lookup_id
from crowdmock.vendors.ushahidi.access import authorize, form_privileges
from crowdmock.vendors.ushahidi.auth import CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import body, read_paging, search
from crowdmock.vendors.ushahidi.errors import validation_failed
from crowdmock.vendors.ushahidi.forms import (
    apply_attribute,
    check_stage,
    load_attribute,
    load_form,
    refresh_form_tags,
    render_attribute,
)
from crowdmock.vendors.ushahidi.models import FormAttribute, FormStage
from crowdmock.vendors.ushahidi.render import envelope

router = APIRouter(prefix="/api/v3/forms", tags=["forms"], dependencies=[require_scope("forms")])


@router.get("/attributes")
def all_attributes(ctx: CtxDep) -> dict:
    authorize(ctx, form_privileges(ctx.caller, None), "search", "form_attributes", 0)
    where = []
    if (form_id := ctx.request.query_params.get("form_id")) and lookup_id(form_id) is not None:
        where.append(
            FormAttribute.form_stage_id.in_(select(FormStage.id).where(FormStage.form_id == lookup_id(form_id)))
        )
    paging = read_paging(ctx, "priority", "asc", {"id", "priority", "label", "key"})
    rows, total = search(ctx, FormAttribute, paging, *where)
    return envelope(ctx, [render_attribute(ctx, a) for a in rows], total, paging)


@router.get("/{form_id:int}/attributes")
def form_attributes(ctx: CtxDep, form_id: int) -> dict:
    load_form(ctx, form_id)
    paging = read_paging(ctx, "priority", "asc", {"id", "priority", "label", "key"})
    where = FormAttribute.form_stage_id.in_(select(FormStage.id).where(FormStage.form_id == form_id))
    rows, total = search(ctx, FormAttribute, paging, where)
    return envelope(ctx, [render_attribute(ctx, a) for a in rows], total, paging)


@router.post("/{form_id:int}/attributes")
async def create_attribute(ctx: CtxDep, form_id: int) -> dict:
    ctx.require_token()
    data = await body(ctx)
    form = load_form(ctx, form_id, "update")
    attribute = FormAttribute(key="", form_stage_id=data.get("form_stage_id"))
    return _save(ctx, form_id, form, attribute, data)


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
    if isinstance(data.get("form_stage_id"), int):
        attribute.form_stage_id = data["form_stage_id"]
    return _save(ctx, form_id, form, attribute, data)


def _save(ctx, form_id: int, form, attribute: FormAttribute, data: dict) -> dict:
    """The attribute with `data` applied, checked and stored, with the form's tags that follow its options."""
    errors: list = []
    apply_attribute(ctx, attribute, data, errors)
    if errors:
        ctx.session.rollback()
        raise validation_failed("form_attributes", errors)
    check_stage(ctx, form_id, attribute)
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
