"""Surveys (forms) with their stages (tasks) and fields (attributes): rendering, lookups and validation, shared by
the routes of forms, form stages and form attributes."""

from sqlmodel import delete, select

from crowdmock.core import clock
from crowdmock.core.db import get_row
from crowdmock.vendors.ushahidi.access import form_privileges
from crowdmock.vendors.ushahidi.auth import Ctx
from crowdmock.vendors.ushahidi.deps import copy_fields, load_authorized
from crowdmock.vendors.ushahidi.errors import not_found, validation_failed
from crowdmock.vendors.ushahidi.models import ATTRIBUTE_TYPES, Form, FormAttribute, FormRole, FormStage
from crowdmock.vendors.ushahidi.render import w3c

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


def load_attribute(ctx: Ctx, form_id: int, attribute_id: int) -> FormAttribute:
    attribute = get_row(ctx.session, FormAttribute, attribute_id)
    if attribute is None or attribute.form_stage_id not in form_stage_ids(ctx, form_id):
        raise not_found("form_attributes", attribute_id)
    return attribute


def load_stage(ctx: Ctx, form_id: int, stage_id: int) -> FormStage:
    stage = get_row(ctx.session, FormStage, stage_id)
    if stage is None or stage.form_id != form_id:
        raise not_found("form_stages", stage_id)
    return stage


def check_stage(ctx: Ctx, form_id: int, attribute: FormAttribute) -> None:
    if attribute.form_stage_id not in form_stage_ids(ctx, form_id):
        raise validation_failed("form_attributes", [("form_stage_id", "form_stage_id must be a stage of this survey")])


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
