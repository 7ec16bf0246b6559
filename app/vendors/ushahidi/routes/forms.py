"""/api/v3/forms (surveys) with their stages (tasks), attributes (fields), roles and stats."""

from fastapi import APIRouter
from sqlmodel import delete, select

from crowdmock.core import clock
from crowdmock.core.db import get_row, lookup_id
from crowdmock.vendors.ushahidi.access import authorize, form_privileges
from crowdmock.vendors.ushahidi.auth import Ctx, CtxDep, require_scope
from crowdmock.vendors.ushahidi.crud import (
    body,
    copy_fields,
    envelope,
    load_authorized,
    read_paging,
    search,
    time_now,
)
from crowdmock.vendors.ushahidi.errors import not_found, validation_failed
from crowdmock.vendors.ushahidi.models import Form, FormAttribute, FormRole, FormStage, Post, Role
from crowdmock.vendors.ushahidi.schemas import w3c

router = APIRouter(prefix="/api/v3/forms", tags=["forms"], dependencies=[require_scope("forms")])

FORM_FLAGS = (
    "disabled",
    "hide_author",
    "hide_time",
    "hide_location",
    "require_approval",
    "everyone_can_create",
    "targeted_survey",
)
# name -> (JSON type, may be null)
STAGE_FIELDS = {
    "label": (str, False),
    "priority": (int, False),
    "icon": (str, True),
    "type": (str, False),
    "required": (bool, False),
    "show_when_published": (bool, False),
    "description": (str, True),
    "task_is_internal_only": (bool, False),
}
ATTRIBUTE_FIELDS = {
    "key": (str, False),
    "label": (str, False),
    "instructions": (str, True),
    "input": (str, False),
    "type": (str, False),
    "required": (bool, False),
    "default": (str, True),
    "priority": (int, False),
    "cardinality": (int, False),
    "response_private": (bool, False),
}
ATTRIBUTE_TYPES = {
    "varchar",
    "text",
    "point",
    "datetime",
    "decimal",
    "int",
    "geometry",
    "link",
    "media",
    "relation",
    "title",
    "description",
    "tags",
    "markdown",
    "video",
}


def render_form(ctx: Ctx, form: Form) -> dict:
    return {
        "id": form.id,
        "url": ctx.url("forms", form.id),
        "parent_id": form.parent_id,
        "name": form.name,
        "description": form.description,
        "color": form.color,
        "type": form.type,
        "disabled": form.disabled,
        "created": w3c(form.created),
        "updated": w3c(form.updated),
        "hide_author": form.hide_author,
        "hide_time": form.hide_time,
        "hide_location": form.hide_location,
        "require_approval": form.require_approval,
        "everyone_can_create": form.everyone_can_create,
        "targeted_survey": form.targeted_survey,
        "can_create": form.can_create or [],
        "tags": [ctx.ref("tags", t) for t in form.tags or []],
        "allowed_privileges": form_privileges(ctx.caller, form),
    }


def render_stage(ctx: Ctx, stage: FormStage) -> dict:
    return {
        "id": stage.id,
        "url": ctx.url("form_stages", stage.id),
        "form_id": stage.form_id,
        "label": stage.label,
        "priority": stage.priority,
        "icon": stage.icon,
        "type": stage.type,
        "required": stage.required,
        "show_when_published": stage.show_when_published,
        "description": stage.description,
        "task_is_internal_only": stage.task_is_internal_only,
        "allowed_privileges": form_privileges(ctx.caller, None),
    }


def render_attribute(ctx: Ctx, attribute: FormAttribute) -> dict:
    return {
        "id": attribute.id,
        "url": ctx.url("form_attributes", attribute.id),
        "key": attribute.key,
        "label": attribute.label,
        "instructions": attribute.instructions,
        "input": attribute.input,
        "type": attribute.type,
        "required": attribute.required,
        "default": attribute.default,
        "priority": attribute.priority,
        "options": attribute.options,
        "cardinality": attribute.cardinality,
        "config": attribute.config,
        "form_stage_id": attribute.form_stage_id,
        "response_private": attribute.response_private,
        "allowed_privileges": form_privileges(ctx.caller, None),
    }


def render_form_role(ctx: Ctx, row: FormRole) -> dict:
    # The seed shows these links without the /api/v3 part; kept as documented.
    return {
        "id": row.id,
        "url": f"{ctx.base}/forms/{row.form_id}/roles/{row.id}",
        "form_id": row.form_id,
        "role_id": row.role_id,
        "allowed_privileges": form_privileges(ctx.caller, None),
    }


def load_form(ctx: Ctx, form_id: int, action: str = "read") -> Form:
    return load_authorized(ctx, Form, form_id, "forms", action, form_privileges)


def form_stage_ids(ctx: Ctx, form_id: int) -> list[int]:
    return list(ctx.session.exec(select(FormStage.id).where(FormStage.form_id == form_id)).all())


def refresh_form_tags(ctx: Ctx, form: Form) -> None:
    """A survey's `tags` are the options of its tag fields."""
    tags: list[int] = []
    stages = form_stage_ids(ctx, form.id)
    for attribute in ctx.session.exec(
        select(FormAttribute).where(FormAttribute.form_stage_id.in_(stages), FormAttribute.type == "tags")
    ).all():
        tags += [t for t in attribute.options or [] if isinstance(t, int) and t not in tags]
    form.tags = tags


def apply_attribute(ctx: Ctx, attribute: FormAttribute, data: dict, errors: list, prefix: str = "") -> None:
    copy_fields(data, ATTRIBUTE_FIELDS, attribute, errors, prefix)
    if "options" in data:
        attribute.options = data["options"]
    if "config" in data:
        attribute.config = data["config"]
    if not attribute.label or not str(attribute.label).strip():
        errors.append((f"{prefix}label", "label must not be empty"))
    if attribute.type not in ATTRIBUTE_TYPES:
        errors.append((f"{prefix}type", f"type must be one of {', '.join(sorted(ATTRIBUTE_TYPES))}"))
    if not attribute.key:
        attribute.key = str(clock.uuid4())
    clash = ctx.session.exec(
        select(FormAttribute).where(FormAttribute.key == attribute.key, FormAttribute.id != attribute.id)
    ).first()
    if clash is not None:
        errors.append((f"{prefix}key", f"key {attribute.key} is already in use"))


def apply_tasks(ctx: Ctx, form: Form, tasks, errors: list) -> None:
    """Nested `tasks` of a survey: create, update, and drop the stages (and their fields) not listed."""
    if not isinstance(tasks, list):
        errors.append(("tasks", "tasks must be an array"))
        return
    existing = {s.id: s for s in ctx.session.exec(select(FormStage).where(FormStage.form_id == form.id)).all()}
    kept: set[int] = set()
    for n, task in enumerate(tasks):
        if not isinstance(task, dict):
            errors.append((f"tasks.{n}", "task must be an object"))
            continue
        stage = existing.get(task.get("id")) if isinstance(task.get("id"), int) else None
        stage = stage or FormStage(form_id=form.id, priority=n)
        copy_fields(task, STAGE_FIELDS, stage, errors, f"tasks.{n}.")
        if not stage.label:
            errors.append((f"tasks.{n}.label", "label must not be empty"))
        ctx.session.add(stage)
        ctx.session.flush()
        kept.add(stage.id)
        old = {
            a.id: a
            for a in ctx.session.exec(select(FormAttribute).where(FormAttribute.form_stage_id == stage.id)).all()
        }
        keep_attributes: set[int] = set()
        for m, fields in enumerate(task.get("attributes") or []):
            if not isinstance(fields, dict):
                errors.append((f"tasks.{n}.attributes.{m}", "attribute must be an object"))
                continue
            attribute = old.get(fields.get("id")) if isinstance(fields.get("id"), int) else None
            attribute = attribute or FormAttribute(form_stage_id=stage.id, key="")
            apply_attribute(ctx, attribute, fields, errors, f"tasks.{n}.attributes.{m}.")
            ctx.session.add(attribute)
            ctx.session.flush()
            keep_attributes.add(attribute.id)
        if "attributes" in task:
            for ident, attribute in old.items():
                if ident not in keep_attributes:
                    ctx.session.delete(attribute)
    for ident, stage in existing.items():
        if ident not in kept:
            ctx.session.exec(delete(FormAttribute).where(FormAttribute.form_stage_id == ident))
            ctx.session.delete(stage)


def apply_form(ctx: Ctx, form: Form, data: dict, creating: bool) -> None:
    errors: list = []
    if "name" in data or creating:
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            errors.append(("name", "name must not be empty"))
        else:
            form.name = name.strip()
    copy_fields(data, {"description": (str, True), "color": (str, True), "type": (str, False)}, form, errors)
    for name in FORM_FLAGS:
        if name in data:
            value = data[name]
            if value in (0, 1, "0", "1", "true", "false") and not isinstance(value, float):
                value = value in (1, "1", "true", True)
            if not isinstance(value, bool):
                errors.append((name, f"{name} must be a boolean"))
            else:
                setattr(form, name, value)
    if errors:
        raise validation_failed("forms", errors)
    ctx.session.add(form)
    ctx.session.flush()
    if "tasks" in data:
        apply_tasks(ctx, form, data["tasks"], errors)
        refresh_form_tags(ctx, form)
    if errors:
        ctx.session.rollback()
        raise validation_failed("forms", errors)


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


@router.get("/stages")
def all_stages(ctx: CtxDep) -> dict:
    authorize(ctx, form_privileges(ctx.caller, None), "search", "form_stages", 0)
    where = []
    if (form_id := ctx.request.query_params.get("form_id")) and lookup_id(form_id) is not None:
        where.append(FormStage.form_id == lookup_id(form_id))
    paging = read_paging(ctx, "priority", "asc", {"id", "priority", "label"})
    rows, total = search(ctx, FormStage, paging, *where)
    return envelope(ctx, [render_stage(ctx, s) for s in rows], total, paging)


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


# --- attributes and stages of one survey ----------------------------------------------------------------


@router.get("/{form_id:int}/attributes")
def form_attributes(ctx: CtxDep, form_id: int) -> dict:
    load_form(ctx, form_id)
    paging = read_paging(ctx, "priority", "asc", {"id", "priority", "label", "key"})
    where = FormAttribute.form_stage_id.in_(select(FormStage.id).where(FormStage.form_id == form_id))
    rows, total = search(ctx, FormAttribute, paging, where)
    return envelope(ctx, [render_attribute(ctx, a) for a in rows], total, paging)


def load_attribute(ctx: Ctx, form_id: int, attribute_id: int) -> FormAttribute:
    attribute = get_row(ctx.session, FormAttribute, attribute_id)
    if attribute is None or attribute.form_stage_id not in form_stage_ids(ctx, form_id):
        raise not_found("form_attributes", attribute_id)
    return attribute


def _check_stage(ctx: Ctx, form_id: int, attribute: FormAttribute) -> None:
    if attribute.form_stage_id not in form_stage_ids(ctx, form_id):
        raise validation_failed("form_attributes", [("form_stage_id", "form_stage_id must be a stage of this survey")])


@router.post("/{form_id:int}/attributes")
async def create_attribute(ctx: CtxDep, form_id: int) -> dict:
    ctx.require_token()
    data = await body(ctx)
    form = load_form(ctx, form_id, "update")
    attribute = FormAttribute(key="", form_stage_id=data.get("form_stage_id"))
    errors: list = []
    apply_attribute(ctx, attribute, data, errors)
    if errors:
        raise validation_failed("form_attributes", errors)
    _check_stage(ctx, form_id, attribute)
    ctx.session.add(attribute)
    ctx.session.flush()
    refresh_form_tags(ctx, form)
    ctx.session.add(form)
    ctx.session.commit()
    return render_attribute(ctx, attribute)


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
    errors: list = []
    if isinstance(data.get("form_stage_id"), int):
        attribute.form_stage_id = data["form_stage_id"]
    apply_attribute(ctx, attribute, data, errors)
    if errors:
        ctx.session.rollback()
        raise validation_failed("form_attributes", errors)
    _check_stage(ctx, form_id, attribute)
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


@router.get("/{form_id:int}/stages")
def form_stages(ctx: CtxDep, form_id: int) -> dict:
    load_form(ctx, form_id)
    paging = read_paging(ctx, "priority", "asc", {"id", "priority", "label"})
    rows, total = search(ctx, FormStage, paging, FormStage.form_id == form_id)
    return envelope(ctx, [render_stage(ctx, s) for s in rows], total, paging)


def load_stage(ctx: Ctx, form_id: int, stage_id: int) -> FormStage:
    stage = get_row(ctx.session, FormStage, stage_id)
    if stage is None or stage.form_id != form_id:
        raise not_found("form_stages", stage_id)
    return stage


@router.post("/{form_id:int}/stages")
async def create_stage(ctx: CtxDep, form_id: int) -> dict:
    ctx.require_token()
    data = await body(ctx)
    load_form(ctx, form_id, "update")
    stage, errors = FormStage(form_id=form_id), []
    copy_fields(data, STAGE_FIELDS, stage, errors)
    if not stage.label:
        errors.append(("label", "label must not be empty"))
    if errors:
        raise validation_failed("form_stages", errors)
    ctx.session.add(stage)
    ctx.session.commit()
    return render_stage(ctx, stage)


@router.get("/{form_id:int}/stages/{stage_id:int}")
def get_stage(ctx: CtxDep, form_id: int, stage_id: int) -> dict:
    load_form(ctx, form_id)
    return render_stage(ctx, load_stage(ctx, form_id, stage_id))


@router.put("/{form_id:int}/stages/{stage_id:int}")
async def update_stage(ctx: CtxDep, form_id: int, stage_id: int) -> dict:
    ctx.require_token()
    data = await body(ctx)
    load_form(ctx, form_id, "update")
    stage, errors = load_stage(ctx, form_id, stage_id), []
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


# --- roles and stats ------------------------------------------------------------------------------------


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
    posts = ctx.session.exec(select(Post).where(Post.form_id == form_id)).all()
    by_source = {"sms": 0, "email": 0, "twitter": 0, "web": 0}
    for post in posts:
        source = post.source if post.source in by_source else "web"
        by_source[source] += 1
    # The seed shows MySQL counts as strings ("2") and missing sources as the integer 0.
    totals = {k: (str(v) if v else 0) for k, v in by_source.items()}
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
