"""Surveys (forms) with their stages (tasks) and fields (attributes): rendering, lookups and validation, shared by
the routes of forms, form stages and form attributes."""

import re
import unicodedata

from sqlmodel import delete, select

from crowdmock.core import clock
from crowdmock.core.db import get_row
from crowdmock.vendors.ushahidi.access import form_privileges
from crowdmock.vendors.ushahidi.auth import Ctx
from crowdmock.vendors.ushahidi.deps import copy_fields, load_authorized
from crowdmock.vendors.ushahidi.errors import UshahidiError, not_found, validation_failed
from crowdmock.vendors.ushahidi.models import (
    ATTRIBUTE_INPUTS,
    ATTRIBUTE_TYPES,
    Form,
    FormAttribute,
    FormRole,
    FormStage,
)
from crowdmock.vendors.ushahidi.php import cast_fields, php_bool, php_int, php_json_array, php_str
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
STAGE_BOOLEANS = {"required": php_bool, "show_when_published": php_bool, "task_is_internal_only": php_bool}
ATTRIBUTE_BOOLEANS = {"required": php_bool, "response_private": php_bool}
# A new stage's columns default so in the platform's schema (docs/vendors/ushahidi.md §1.28).
NEW_STAGE = {
    "priority": 99,
    "type": "task",
    "required": False,
    "show_when_published": True,
    "task_is_internal_only": True,
}


def standard_text(value: str) -> bool:
    """LegacyValidator::REGEX_STANDARD_TEXT, `^[\\pL\\pN\\pP ]++$`: letters, numbers, punctuation and spaces."""
    return bool(value) and all(c == " " or unicodedata.category(c)[0] in "LNP" for c in value)


def stage_errors(stage: FormStage, data: dict, creating: bool) -> list:
    """Validator/Form/Stage: a new stage needs a label and a known type and nothing more; an update checks the
    properties it sends (one error each)."""
    if creating:
        errors = [] if stage.label else [("label", "label must not be empty")]
        if stage.type not in ("post", "task"):
            errors.append(("type", "type must be one of the available options"))
        return errors
    errors = []
    if "label" in data and stage.label:
        if len(stage.label) < 2:
            errors.append(("label", "label must be at least 2 characters long"))
        elif not standard_text(stage.label):
            errors.append(("label", "label does not match the required format"))
    if "priority" in data and isinstance(stage.priority, int) and stage.priority < 0:
        errors.append(("priority", "priority must be a digit"))
    if "icon" in data and stage.icon and not stage.icon.isalpha():
        errors.append(("icon", "icon must contain only letters"))
    return errors


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


def sees_hidden_stages(ctx: Ctx) -> bool:
    """FormPermissions::canUserEditForm: only "Manage Posts" shows the stages hidden from the public."""
    return ctx.caller.can("Manage Posts")


def stage_visibility(ctx: Ctx, post_status: str | None = None) -> list:
    """StageRepository::selectQuery: others see stages shown when published, and no internal-only task unless they
    ask for the stages of a published post (`postStatus=published`)."""
    if sees_hidden_stages(ctx):
        return []
    where = [FormStage.show_when_published.is_(True)]
    if post_status != "published":
        where.append(FormStage.task_is_internal_only.is_(False))
    return where


def hidden_stage_ids(ctx: Ctx, form_id: int | None) -> list[int]:
    """StageRepository::getHiddenStageIds: the form's stages not shown when published or internal-only."""
    if form_id is None or sees_hidden_stages(ctx):
        return []
    hidden = (FormStage.show_when_published.is_(False)) | (FormStage.task_is_internal_only.is_(True))
    return list(ctx.session.exec(select(FormStage.id).where(FormStage.form_id == form_id, hidden)).all())


def visible_stage(ctx: Ctx, stage_id) -> FormStage | None:
    stage = get_row(ctx.session, FormStage, stage_id) if isinstance(stage_id, int) else None
    if stage is None or (stage_visibility(ctx) and (not stage.show_when_published or stage.task_is_internal_only)):
        return None
    return stage


def load_stage(ctx: Ctx, form_id: int, stage_id: int) -> FormStage:
    stage = visible_stage(ctx, stage_id)
    if stage is None or stage.form_id != form_id:
        raise not_found("form_stages", stage_id)
    return stage


def check_stage(ctx: Ctx, attribute: FormAttribute) -> None:
    """An update may move a field to any existing stage (the validator's `exists` rule; nothing ties it to the
    survey of the path)."""
    if get_row(ctx.session, FormStage, attribute.form_stage_id) is None:
        raise validation_failed("form_attributes", [("form_stage_id", "form_stage_id must exist")])


def attribute_stage(ctx: Ctx, form_id: int, data: dict) -> FormStage:
    """VerifyStageLoaded: the stage a new field names (`form_stage_id`, else `form_stage` or `form_stage.id`) must
    be one the caller sees (404) and belong to the survey of the path (400)."""
    if "form_stage_id" in data:
        named = data["form_stage_id"]
    elif isinstance(data.get("form_stage"), dict):
        named = data["form_stage"].get("id")
    else:
        named = data.get("form_stage")
    stage_id = None if named is None else php_int(named)
    stage = visible_stage(ctx, stage_id)
    if stage is None:
        raise UshahidiError(404, f"Could not locate any form_stages matching [form_stage_id: {php_str(stage_id)}]")
    if stage.form_id != form_id:
        raise UshahidiError(400, f"Bad request: Invalid form stage used, stage {stage_id} is not in form {form_id}")
    return stage


def refresh_form_tags(ctx: Ctx, form: Form) -> None:
    """A survey's `tags` are the options of its tag fields."""
    tags: list[int] = []
    stages = form_stage_ids(ctx, form.id)
    for attribute in ctx.session.exec(
        select(FormAttribute).where(FormAttribute.form_stage_id.in_(stages), FormAttribute.type == "tags")
    ).all():
        tags += [t for t in attribute.options or [] if isinstance(t, int) and t not in tags]
    form.tags = tags


# The order the platform's validator checks a field's properties in, which is the order of its errors.
ATTRIBUTE_RULE_ORDER = ("key", "label", "input", "type", "required", "priority", "cardinality", "response_private")
KEY_CHARACTERS = re.compile(r"^[-\w]+$")


def apply_attribute(
    ctx: Ctx, attribute: FormAttribute, data: dict, errors: list, prefix: str = "", form_id: int | None = None
) -> None:
    """`data` applied to a field and checked as Validator/Form/Attribute/Update.php does: one error per property
    (the first rule it fails), in the validator's order. A new field's key is checked, then replaced by a UUID
    (AttributeRepository::create)."""
    found: list = []
    data = cast_fields(data, ATTRIBUTE_BOOLEANS)
    copy_fields(data, ATTRIBUTE_FIELDS, attribute, found)
    # `*json` columns: a scalar is stored as a one-element list, an empty object as [] (php.py).
    if "options" in data:
        attribute.options = None if data["options"] is None else php_json_array(data["options"])
    if "config" in data:
        attribute.config = None if data["config"] is None else php_json_array(data["config"])
    # As the platform's validator, only the properties sent are checked (a stored "video" type stays).
    key = attribute.key if "key" in data else None
    if key:
        if len(key) > 150:
            found.append(("key", "key must not exceed 150 characters long"))
        elif not KEY_CHARACTERS.match(key):
            found.append(("key", "key must contain only numbers, letters and dashes"))
        elif ctx.session.exec(
            select(FormAttribute.id).where(FormAttribute.key == key, FormAttribute.id != attribute.id)
        ).first():
            found.append(("key", f'The key "{key}" is not available'))
    if not attribute.label:
        found.append(("label", "label must not be empty"))
    elif len(attribute.label) > 150:
        found.append(("label", "label must not exceed 150 characters long"))
    if "input" in data and attribute.input not in ATTRIBUTE_INPUTS:
        found.append(("input", "input must be one of the available options"))
    if "type" not in data:
        pass
    elif attribute.type not in ATTRIBUTE_TYPES:
        found.append(("type", "type must be one of the available options"))
    elif attribute.type in ("title", "description") and form_id is not None:
        others = select(FormAttribute.id).where(
            FormAttribute.type == attribute.type,
            FormAttribute.form_stage_id.in_(form_stage_ids(ctx, form_id)),
        )
        if attribute.id is not None:
            others = others.where(FormAttribute.id != attribute.id)
        if ctx.session.exec(others).first():
            found.append(("type", f" There cannot be more than one field with the type {attribute.type}"))
    if "response_private" in data and attribute.type == "tags" and attribute.response_private:
        found.append(("response_private", "form_attribute.response_private.canMakePrivate"))
    firsts: dict = {}
    for field, text in found:
        firsts.setdefault(field, text)
    order = {name: n for n, name in enumerate(ATTRIBUTE_RULE_ORDER)}
    errors += [(f"{prefix}{f}", firsts[f]) for f in sorted(firsts, key=lambda f: order.get(f, len(order)))]
    if attribute.id is None or not attribute.key:
        attribute.key = str(clock.uuid4())


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
        copy_fields(cast_fields(task, STAGE_BOOLEANS), STAGE_FIELDS, stage, errors, f"tasks.{n}.")
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
            apply_attribute(ctx, attribute, fields, errors, f"tasks.{n}.attributes.{m}.", form.id)
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
