"""What a post body may set, checked as the v3 Post validators do (Validator/Post/Create.php and the value
validators; docs/vendors/ushahidi.md §1.5, §1.22, §1.29), and the body itself."""

import re

from sqlalchemy import Row, bindparam, func, or_
from sqlmodel import select

from crowdmock.core import clock
from crowdmock.core.db import get_row, lookup_id, read_columns
from crowdmock.core.payload import read_payload
from crowdmock.vendors.ushahidi.access import authorize
from crowdmock.vendors.ushahidi.auth import Ctx
from crowdmock.vendors.ushahidi.errors import MalformedPostJson
from crowdmock.vendors.ushahidi.models import FormAttribute, FormStage, Post, Role, Tag, User
from crowdmock.vendors.ushahidi.post_view import mysql_datetime, survey, value_time
from crowdmock.vendors.ushahidi.render import parse_time, ref_id

STATUSES = ("published", "draft", "archived")
POST_TYPES = ("report", "update", "revision", "translation")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# What validation reads of a survey's fields: plain rows (attribute access as on the model), not ORM objects,
# which cost several times as much to load and are never changed here.
FIELD_COLUMNS = (
    FormAttribute.key,
    FormAttribute.label,
    FormAttribute.type,
    FormAttribute.required,
    FormAttribute.priority,
    FormAttribute.cardinality,
    FormAttribute.form_stage_id,
)
SurveyField = Row  # one survey field as FIELD_COLUMNS reads it
# Built once: a statement costs more to build than to run from SQLAlchemy's compiled cache.
FIELDS_OF_FORM = select(*FIELD_COLUMNS).where(
    FormAttribute.form_stage_id.in_(select(FormStage.id).where(FormStage.form_id == bindparam("form_id")))
)


async def post_payload(ctx: Ctx) -> dict:
    payload = await read_payload(ctx.request)
    if payload.malformed:
        raise MalformedPostJson()
    return payload.data


def uniqid() -> str:
    now = clock.time()
    return f"{int(now):8x}{int((now % 1) * 1_000_000):05x}"


def slugify(title: str) -> str:
    """Letters and digits of any script, the rest one hyphen (posts.feature: `summary-report-تقرير-ملخص`)."""
    return re.sub(r"[\W_]+", "-", title.lower()).strip("-")


def _check_point(label: str, value, errors: list) -> None:
    if not isinstance(value, dict):
        errors.append(("values", f"the field {label} must contain a valid location"))
        return
    for axis, limit, word in (("lat", 90, "latitude"), ("lon", 180, "longitude")):
        number = value.get(axis)
        if isinstance(number, bool) or not isinstance(number, int | float) or abs(number) > limit:
            errors.append(("values", f"the field {label} must contain a valid {word}"))


def _tag_ids(ctx: Ctx, raw, errors: list, pointer: str, label: str | None = None) -> list[int]:
    """Tags as ids, `{"id"}` objects, or names: Ushahidi looks a name up by `tag` under MySQL's case-insensitive
    collation; crowdmock also takes the slug (docs/vendors/ushahidi.md §1.22)."""
    if not isinstance(raw, list):
        errors.append((pointer, f"{pointer} must be an array"))
        return []
    ids = []
    for item in raw:
        ident = item.get("id") if isinstance(item, dict) else item
        if isinstance(ident, str):
            ident = lookup_id(ident) if lookup_id(ident) is not None else _tag_by_name(ctx, ident)
        if isinstance(ident, bool) or not isinstance(ident, int) or get_row(ctx.session, Tag, ident) is None:
            shown = item.get("id") if isinstance(item, dict) else item
            errors.append(
                (pointer, f"The field {label} must be a valid category id or name, Category: {shown}")
                if label
                else (pointer, f"category {shown} does not exist")
            )
        elif ident not in ids:
            ids.append(ident)
    return ids


def _tag_by_name(ctx: Ctx, name: str) -> int | str:
    lowered = name.strip().lower()
    row = ctx.session.exec(
        select(Tag.id).where(or_(func.lower(Tag.tag) == lowered, Tag.slug == lowered)).order_by(Tag.id)
    ).first()
    return row if row is not None else name


def check_approval(ctx: Ctx, post: Post, before: str | None) -> list[tuple[str, str]]:
    if post.status == before or ctx.caller.can("Manage Posts"):
        return []
    form = survey(ctx, post.form_id)
    if post.status == "published" and (form is None or form.require_approval):
        return [("status", "Post needs approval by an administrator before it can be published")]
    return []


def validate_update(ctx: Ctx, data: dict, post: Post) -> list[tuple[str, str]]:
    """A PUT on a loaded post (a report or a translation): only managers give it to another user (PostAuthorizer,
    403 before validation), then the body's checks and the approval rule."""
    changes_user = ("user" in data or "user_id" in data) and ref_id(data, "user") != post.user_id
    if changes_user and not ctx.caller.can("Manage Posts"):
        authorize(ctx, [], "update", "posts", post.id)
    before = post.status
    errors = validate_post(ctx, data, post)
    return errors + check_approval(ctx, post, before)


def validate_post(ctx: Ctx, data: dict, post: Post) -> list[tuple[str, str]]:
    """Apply `data` onto `post` (a new or loaded row); returns the per-field validation errors."""
    errors: list[tuple[str, str]] = []
    for name, limit in (("title", 150), ("content", None), ("author_realname", 150), ("color", 20)):
        if name in data:
            value = data[name]
            if value is not None and not isinstance(value, str):
                errors.append((name, f"{name} must be a string"))
            elif value is not None and limit and len(value) > limit:
                errors.append((name, f"{name} must not exceed {limit} characters long"))
            else:
                setattr(post, name, value.strip() if isinstance(value, str) else value)
    if "author_email" in data:
        value = data["author_email"]
        if value not in (None, "") and (not isinstance(value, str) or not EMAIL.match(value)):
            errors.append(("author_email", "author_email must be an email address"))
        else:
            post.author_email = value or None
    if "status" in data:
        if data["status"] not in STATUSES:
            errors.append(("status", "status must be one of published, draft, archived"))
        else:
            post.status = data["status"]
    if "type" in data:
        if data["type"] not in POST_TYPES:
            errors.append(("type", "type must be one of report, update, revision, translation"))
        else:
            post.type = data["type"]
    if "locale" in data:
        if not isinstance(data["locale"], str) or not data["locale"].strip():
            errors.append(("locale", "locale must be a valid locale"))
        else:
            post.locale = data["locale"].strip().lower()
    if "post_date" in data:
        stamp = parse_time(data["post_date"])
        if stamp is None:
            errors.append(("post_date", "post_date must be a valid date"))
        else:
            post.post_date = stamp
    if "form" in data or "form_id" in data:
        form_id = ref_id(data, "form")
        raw = data.get("form", data.get("form_id"))
        if raw is not None and (form_id is None or survey(ctx, form_id) is None):
            errors.append(("form", f"form {raw.get('id') if isinstance(raw, dict) else raw} does not exist"))
        else:
            post.form_id = form_id
    if "parent_id" in data or "parent" in data:
        parent_id = ref_id(data, "parent")
        if parent_id is not None and get_row(ctx.session, Post, parent_id) is None:
            errors.append(("parent_id", f"parent post {parent_id} does not exist"))
        else:
            post.parent_id = parent_id
    if "user" in data or "user_id" in data:
        user_id = ref_id(data, "user")
        if user_id is not None and get_row(ctx.session, User, user_id) is None:
            errors.append(("user_id", f"user_id {user_id} does not exist"))
        elif user_id and (post.author_email or post.author_realname):
            # Validator/Post/Create.php onlyAuthorOrUserSet, which has no text: Kohana shows the message key.
            errors.append(("user_id", "post.user_id.onlyAuthorOrUserSet"))
        else:
            post.user_id = user_id
    if "published_to" in data:
        roles = data["published_to"] or []
        names = set(ctx.session.exec(select(Role.name)).all())
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            errors.append(("published_to", "published_to must be an array of role names"))
        else:
            errors += [("published_to", f"Role {r} does not exist") for r in roles if r not in names]
            post.published_to = roles
    tags = list(post.tags or [])
    if "tags" in data:
        tags = _tag_ids(ctx, data["tags"] or [], errors, "tags")
    attributes = _form_attributes(ctx, post.form_id)
    if "values" in data:
        values = data["values"]
        if values in (None, []):
            values = {}
        if not isinstance(values, dict):
            errors.append(("values", "values must be an object"))
        else:
            # Built apart and assigned once: a lookup below may autoflush, and an in-place change after it is lost.
            stored: dict = {}
            for key, value in values.items():
                attribute = attributes.get(key)
                if attribute is None:
                    errors.append(("values", f'attribute "{key}" does not exist'))
                    break  # Ushahidi stops at the first unknown key (docs/vendors/ushahidi.md §1.5)
                if attribute.type in ("title", "description"):
                    continue  # stored as the post's title and content, never as values (posts.feature)
                items = value if isinstance(value, list) else [value]
                if attribute.cardinality and len(items) > attribute.cardinality:
                    errors.append(("values", f"Too many values for {attribute.label} (max: {attribute.cardinality})"))
                if (problem := _value_problem(attribute, items)) is not None:
                    errors.append(("values", problem))
                if attribute.type == "point":
                    for item in items:
                        _check_point(attribute.label, item, errors)
                elif attribute.type == "tags":
                    items = _tag_ids(ctx, items, errors, "values", attribute.label)
                    tags += [t for t in items if t not in tags]
                elif attribute.type in ("datetime", "date"):
                    stamps = [value_time(item) for item in items]
                    if None in stamps:
                        errors.append(("values", f"the field {attribute.label} must be a date"))
                    else:  # the Datetime value repository stores and answers "Y-m-d H:i:s" in UTC
                        items = [mysql_datetime(ts) for ts in stamps]
                stored[key] = items
            post.values = stored
        if isinstance(values, dict) and post.form_id:
            errors += _missing_required(ctx, post.form_id, attributes, values, data.get("completed_stages"))
    post.tags = tags
    # PostRepository::create/update: a legacy `tags` list fills the survey's first tags field when values lack it.
    first_tags = min((a for a in attributes.values() if a.type == "tags"), key=lambda a: a.priority, default=None)
    if "tags" in data and first_tags and first_tags.key not in (data.get("values") or {}):
        post.values = {**(post.values or {}), first_tags.key: tags}
    if "completed_stages" in data:
        stages = data["completed_stages"] or []
        valid = set(ctx.session.exec(select(FormStage.id).where(FormStage.form_id == post.form_id)).all())
        if not isinstance(stages, list) or not all(isinstance(s, int) and not isinstance(s, bool) for s in stages):
            errors.append(("completed_stages", "completed_stages must be an array of stage ids"))
        else:
            errors += [
                ("completed_stages", f"stage {s} does not belong to this survey") for s in stages if s not in valid
            ]
            post.completed_stages = stages
    for attribute in attributes.values():
        if attribute.required and attribute.type == "title" and not post.title:
            errors.append(("title", "title must not be empty"))
    return errors


FIELDS_OF_THE_POST = ("title", "description")
URL = re.compile(r"^(https?|ftp)://[^\s/$.?#][^\s]*$", re.I)


def _value_problem(attribute: SurveyField, items: list) -> str | None:
    """The first failing value of a field, as the v3 value validators word it (Validator/Post/*, lang post.php)."""
    label = attribute.label
    for value in items:
        if attribute.type in ("varchar", "title") and not isinstance(value, str | int | float | bool):
            return f"The field {label} must be scalar, Given: {value}"
        if attribute.type == "varchar" and isinstance(value, str) and len(value) > 255:
            return f"The field {label} must not exceed 255 characters long, Given: 255"
        if attribute.type in ("link", "video") and not (isinstance(value, str) and URL.match(value)):
            return f"The field {label} must be a url, Given: {value}"
        if attribute.type == "video" and "youtube" not in value and "vimeo" not in value:
            return f"The field {label} must be either a youtube or vimeo url, Given: {value}"
        if attribute.type in ("int", "decimal") and not _numeric(value):
            word = "a digit" if attribute.type == "int" else "a decimal with 2 places"
            return f"The field {label} must be {word}, Given: {value}"
    return None


def _numeric(value) -> bool:
    if isinstance(value, bool):
        return False
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _missing_required(
    ctx: Ctx, form_id: int, attributes: dict[str, SurveyField], values: dict, completed
) -> list[tuple[str, str]]:
    """checkRequiredPostAttributes and checkRequiredTaskAttributes: the survey's post stage's required fields, and
    every completed stage's, must be among the values' keys. Title and description fields are the post's own title
    and content, checked apart (the seed marks them required where Ushahidi's datasets do not)."""
    stages = {s.id: s for s in ctx.session.exec(select(FormStage).where(FormStage.form_id == form_id)).all()}
    post_stage = next((s for s in sorted(stages.values(), key=lambda s: s.id) if s.type == "post"), None)
    required = [a for a in attributes.values() if a.required]  # the survey's fields, already loaded
    errors = [
        ("values", f"attribute {a.label} is required")
        for a in required
        if post_stage
        and a.form_stage_id == post_stage.id
        and a.type not in ("title", "description")
        and a.key not in values
    ]
    for stage_id in completed if isinstance(completed, list) else []:
        stage = stages.get(stage_id) if isinstance(stage_id, int) else None
        errors += [
            ("values", f'attribute {a.label} is required before stage "{stage.label}" can be completed')
            for a in required
            if stage and a.form_stage_id == stage.id and a.type not in FIELDS_OF_THE_POST and a.key not in values
        ]
    return errors


def _form_attributes(ctx: Ctx, form_id: int | None) -> dict[str, SurveyField]:
    if not form_id:
        return {}
    rows = read_columns(ctx.session, FIELDS_OF_FORM, {"form_id": form_id}).all()
    return {a.key: a for a in rows}
