"""/api/v3/forms/stages and /api/v3/forms/{form_id}/stages: the stages (tasks) of surveys."""

from sqlmodel import delete

from crowdmock.core.db import get_row, lookup_id
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.ushahidi.access import authorize, form_privileges
from crowdmock.vendors.ushahidi.auth import CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import body, copy_fields, read_paging, search
from crowdmock.vendors.ushahidi.errors import UshahidiError, validation_failed
from crowdmock.vendors.ushahidi.forms import (
    NEW_STAGE,
    STAGE_BOOLEANS,
    STAGE_FIELDS,
    load_form,
    load_stage,
    refresh_form_tags,
    render_stage,
    stage_errors,
    stage_visibility,
)
from crowdmock.vendors.ushahidi.models import Form, FormAttribute, FormStage
from crowdmock.vendors.ushahidi.php import cast_fields
from crowdmock.vendors.ushahidi.render import envelope

router = LazyRouter(prefix="/api/v3/forms", tags=["forms"], dependencies=[require_scope("forms")])


def _search(ctx, form_id: int | None) -> dict:
    """Stages, those hidden from the public only for callers with "Manage Posts" (StageRepository::selectQuery;
    docs/vendors/ushahidi.md §1.28)."""
    q = ctx.request.query_params
    where = stage_visibility(ctx, q.get("postStatus"))
    if form_id is not None:
        where.append(FormStage.form_id == form_id)
    if text := q.get("q"):
        where.append(FormStage.label.like(f"%{text}%"))
    if (label := q.get("label")) is not None:
        where.append(FormStage.label == label)
    paging = read_paging(ctx, "priority", "asc", {"id", "priority", "label"})
    rows, total = search(ctx, FormStage, paging, *where)
    return envelope(ctx, [render_stage(ctx, s) for s in rows], total, paging)


@router.get("/stages")
def all_stages(ctx: CtxDep) -> dict:
    authorize(ctx, form_privileges(ctx.caller, None), "search", "form_stages", 0)
    return _search(ctx, lookup_id(ctx.request.query_params.get("form_id") or ""))


@router.get("/{form_id:int}/stages")
def form_stages(ctx: CtxDep, form_id: int) -> dict:
    load_form(ctx, form_id)
    asked = ctx.request.query_params.get("form_id")
    return _search(ctx, lookup_id(asked) if asked else form_id)


@router.post("/{form_id:int}/stages")
async def create_stage(ctx: CtxDep, form_id: int) -> dict:
    """CreateFormStage: the survey must exist (404 naming `form_id`), then the caller may create on it."""
    ctx.require_token()
    data = await body(ctx)
    form = get_row(ctx.session, Form, form_id)
    if form is None:
        raise UshahidiError(404, f"Could not locate any forms matching [form_id: {form_id}]")
    authorize(ctx, form_privileges(ctx.caller, form), "create", "form_stages", 0)
    return _save(ctx, FormStage(form_id=form_id, **NEW_STAGE), data, creating=True)


@router.get("/{form_id:int}/stages/{stage_id:int}")
def get_stage(ctx: CtxDep, form_id: int, stage_id: int) -> dict:
    load_form(ctx, form_id)
    return render_stage(ctx, load_stage(ctx, form_id, stage_id))


@router.put("/{form_id:int}/stages/{stage_id:int}")
async def update_stage(ctx: CtxDep, form_id: int, stage_id: int) -> dict:
    ctx.require_token()
    data = await body(ctx)
    load_form(ctx, form_id, "update")
    return _save(ctx, load_stage(ctx, form_id, stage_id), data, creating=False)


def _save(ctx, stage: FormStage, data: dict, creating: bool) -> dict:
    """The stage with `data` applied, checked as Validator/Form/Stage/Create.php (a new stage) or Update.php (the
    properties sent) does, and stored."""
    errors: list = []
    data = cast_fields(data, STAGE_BOOLEANS)
    copy_fields(data, STAGE_FIELDS, stage, errors)
    errors += stage_errors(stage, data, creating)
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
