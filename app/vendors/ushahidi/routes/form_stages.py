"""/api/v3/forms/stages and /api/v3/forms/{form_id}/stages: the stages (tasks) of surveys."""

from fastapi import APIRouter
from sqlmodel import delete

from crowdmock.core.db import lookup_id
from crowdmock.vendors.ushahidi.access import authorize, form_privileges
from crowdmock.vendors.ushahidi.auth import CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import body, copy_fields, read_paging, search
from crowdmock.vendors.ushahidi.errors import validation_failed
from crowdmock.vendors.ushahidi.forms import STAGE_FIELDS, load_form, load_stage, refresh_form_tags, render_stage
from crowdmock.vendors.ushahidi.models import FormAttribute, FormStage
from crowdmock.vendors.ushahidi.render import envelope

router = APIRouter(prefix="/api/v3/forms", tags=["forms"], dependencies=[require_scope("forms")])


@router.get("/stages")
def all_stages(ctx: CtxDep) -> dict:
    authorize(ctx, form_privileges(ctx.caller, None), "search", "form_stages", 0)
    where = []
    if (form_id := ctx.request.query_params.get("form_id")) and lookup_id(form_id) is not None:
        where.append(FormStage.form_id == lookup_id(form_id))
    paging = read_paging(ctx, "priority", "asc", {"id", "priority", "label"})
    rows, total = search(ctx, FormStage, paging, *where)
    return envelope(ctx, [render_stage(ctx, s) for s in rows], total, paging)


@router.get("/{form_id:int}/stages")
def form_stages(ctx: CtxDep, form_id: int) -> dict:
    load_form(ctx, form_id)
    paging = read_paging(ctx, "priority", "asc", {"id", "priority", "label"})
    rows, total = search(ctx, FormStage, paging, FormStage.form_id == form_id)
    return envelope(ctx, [render_stage(ctx, s) for s in rows], total, paging)


@router.post("/{form_id:int}/stages")
async def create_stage(ctx: CtxDep, form_id: int) -> dict:
    ctx.require_token()
    data = await body(ctx)
    load_form(ctx, form_id, "update")
    return _save(ctx, FormStage(form_id=form_id), data)


@router.get("/{form_id:int}/stages/{stage_id:int}")
def get_stage(ctx: CtxDep, form_id: int, stage_id: int) -> dict:
    load_form(ctx, form_id)
    return render_stage(ctx, load_stage(ctx, form_id, stage_id))


@router.put("/{form_id:int}/stages/{stage_id:int}")
async def update_stage(ctx: CtxDep, form_id: int, stage_id: int) -> dict:
    ctx.require_token()
    data = await body(ctx)
    load_form(ctx, form_id, "update")
    return _save(ctx, load_stage(ctx, form_id, stage_id), data)


def _save(ctx, stage: FormStage, data: dict) -> dict:
    """The stage with `data` applied, checked and stored."""
    errors: list = []
    copy_fields(data, STAGE_FIELDS, stage, errors)
    if not stage.label:
        errors.append(("label", "label must not be empty"))
    if errors:
        ctx.session.rollback()
        raise validation_failed("form_stages", errors)
    ctx.session.add(stage)
    ctx.session.commit()
    return render_stage(ctx, stage)


@router.delete("/{form_id:int}/stages/{stage_id:int}")
def delete_stage(ctx: CtxDep, form_id: int, stage_id: int) -> dict:
    ctx.require_token()
    form = load_form(ctx, form_id, "update")
    stage = load_stage(ctx, form_id, stage_id)
    rendered = render_stage(ctx, stage)
    ctx.session.exec(delete(FormAttribute).where(FormAttribute.form_stage_id == stage_id))
    ctx.session.delete(stage)
    ctx.session.flush()
    refresh_form_tags(ctx, form)
    ctx.session.add(form)
    ctx.session.commit()
    return rendered
