"""/api/v3/tags."""

import re

from sqlmodel import select

from crowdmock.core.db import get_row, lookup_id
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.ushahidi.access import authorize, tag_privileges
from crowdmock.vendors.ushahidi.auth import Ctx, CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import body, copy_fields, get_or_404, read_paging, search, time_now
from crowdmock.vendors.ushahidi.errors import validation_failed
from crowdmock.vendors.ushahidi.models import Form, FormAttribute, Post, Role, Tag
from crowdmock.vendors.ushahidi.php import loosely_equal_id, php_json_array, php_str
from crowdmock.vendors.ushahidi.post_validation import slugify
from crowdmock.vendors.ushahidi.render import envelope, ref_id, w3c

router = LazyRouter(prefix="/api/v3/tags", tags=["tags"], dependencies=[require_scope("tags")])
HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def render_tag(ctx: Ctx, tag: Tag) -> dict:
    out: dict = {"id": tag.id, "url": ctx.url("tags", tag.id)}
    if tag.parent_id:
        out["parent"] = ctx.ref("tags", tag.parent_id)
    else:
        out["parent_id"] = None
    children = ctx.session.exec(select(Tag.id).where(Tag.parent_id == tag.id).order_by(Tag.id)).all()
    out.update(
        tag=tag.tag,
        slug=tag.slug,
        type=tag.type,
        color=tag.color,
        icon=tag.icon,
        description=tag.description,
        priority=tag.priority,
        created=w3c(tag.created),
        role=tag.role,
        children=[ctx.ref("tags", c) for c in children],
        allowed_privileges=tag_privileges(ctx.caller, tag),
    )
    return out


def apply_tag(ctx: Ctx, tag: Tag, data: dict) -> None:
    errors = []
    if "tag" in data or tag.id is None:
        name = data.get("tag")
        if not isinstance(name, str) or not name.strip():
            errors.append(("tag", "tag must not be empty"))
        elif len(name) > 255:
            errors.append(("tag", "tag must not exceed 255 characters long"))
        else:
            tag.tag = name.strip()
    if "slug" in data or tag.id is None:
        slug = data.get("slug") or slugify(tag.tag or "")
        if not isinstance(slug, str):
            errors.append(("slug", "slug must be a string"))
        else:
            tag.slug = slug
    if tag.slug and ctx.session.exec(select(Tag).where(Tag.slug == tag.slug, Tag.id != tag.id)).first():
        errors.append(("slug", f"slug {tag.slug} is already in use"))
    if tag.tag and ctx.session.exec(select(Tag).where(Tag.tag == tag.tag, Tag.id != tag.id)).first():
        errors.append(("tag", f"tag {tag.tag} is already in use"))
    copy_fields(data, {"description": (str, True), "icon": (str, False), "priority": (int, False)}, tag, errors)
    if "type" in data:
        if data["type"] not in ("category", "status"):
            errors.append(("type", "type must be one of category, status"))
        else:
            tag.type = data["type"]
    if "color" in data:
        color = data["color"]
        if color in (None, ""):
            tag.color = None
        elif not isinstance(color, str) or not HEX.match(color):
            errors.append(("color", "color must be a hex colour"))
        else:
            tag.color = "#" + color.lstrip("#").lower()
    if "parent_id" in data or "parent" in data:
        parent_id = ref_id(data, "parent")
        if parent_id is not None and (parent_id == tag.id or get_row(ctx.session, Tag, parent_id) is None):
            errors.append(("parent_id", f"parent tag {parent_id} does not exist"))
        else:
            tag.parent_id = parent_id
    if "role" in data:
        # `role` is a `*json` property: "admin" is ["admin"], '["admin","user"]' a list (php.py).
        tag.role = None if data["role"] is None else php_json_array(data["role"])
    errors += _role_errors(ctx, tag, "role" in data)
    if errors:
        raise validation_failed("tags", errors)


def _role_errors(ctx: Ctx, tag: Tag, sent: bool) -> list:
    """The `role` rules of Validator/Tag/Update.php, the first that fails: some named role must exist
    (RoleRepository::exists counts names IN the list), then a child's roles must equal its parent's
    (TagRepository::isRoleValid, checked even when `role` is not sent or empty; null and [] are equal to PHP's `!=`),
    docs/vendors/ushahidi.md §1.28."""
    roles = tag.role or []
    if sent and roles:
        names = [r for r in (roles.values() if isinstance(roles, dict) else roles) if isinstance(r, str)]
        if not names or not ctx.session.exec(select(Role.id).where(Role.name.in_(names))).first():
            return [("role", f"Role {php_str(roles)} does not exist")]
    parent = get_row(ctx.session, Tag, tag.parent_id) if tag.parent_id else None
    if parent is not None and (parent.role or []) != roles:
        return [("role", "Role must match the parent category")]
    return []


@router.get("")
def list_tags(ctx: CtxDep) -> dict:
    authorize(ctx, tag_privileges(ctx.caller, None), "search", "tags", 0)
    q = ctx.request.query_params
    where = []
    if value := q.get("tag"):
        where.append(Tag.tag == value)
    if value := q.get("type"):
        where.append(Tag.type == value)
    if value := q.get("parent_id"):
        where.append(Tag.parent_id == ident if (ident := lookup_id(value)) is not None else Tag.parent_id.is_(None))
    if value := q.get("q"):
        where.append(Tag.tag.like(f"%{value}%"))
    if q.get("level") == "parent":
        where.append(Tag.parent_id.is_(None))
    paging = read_paging(ctx, "id", "asc", {"id", "tag", "slug", "priority", "created"})
    rows, total = search(ctx, Tag, paging, *where)
    results = [render_tag(ctx, t) for t in rows if "read" in tag_privileges(ctx.caller, t)]
    return envelope(ctx, results, total, paging)


@router.post("")
async def create_tag(ctx: CtxDep) -> dict:
    ctx.require_token()
    data = await body(ctx)
    authorize(ctx, tag_privileges(ctx.caller, None), "create", "tags", 0)
    tag = Tag(created=time_now())
    apply_tag(ctx, tag, data)
    ctx.session.add(tag)
    ctx.session.commit()
    return render_tag(ctx, tag)


@router.get("/{tag_id:int}")
def get_tag(ctx: CtxDep, tag_id: int) -> dict:
    tag = get_or_404(ctx, Tag, tag_id, "tags")
    authorize(ctx, tag_privileges(ctx.caller, tag), "read", "tags", tag_id)
    return render_tag(ctx, tag)


@router.put("/{tag_id:int}")
async def update_tag(ctx: CtxDep, tag_id: int) -> dict:
    ctx.require_token()
    data = await body(ctx)
    tag = get_or_404(ctx, Tag, tag_id, "tags")
    authorize(ctx, tag_privileges(ctx.caller, tag), "update", "tags", tag_id)
    apply_tag(ctx, tag, data)
    ctx.session.add(tag)
    ctx.session.commit()
    return render_tag(ctx, tag)


@router.delete("/{tag_id:int}")
def delete_tag(ctx: CtxDep, tag_id: int) -> dict:
    ctx.require_token()
    tag = get_or_404(ctx, Tag, tag_id, "tags")
    authorize(ctx, tag_privileges(ctx.caller, tag), "delete", "tags", tag_id)
    rendered = render_tag(ctx, tag)
    for model in (Post, Form):
        for row in ctx.session.exec(select(model)).all():
            if tag_id in (row.tags or []):
                row.tags = [t for t in row.tags if t != tag_id]
                ctx.session.add(row)
    remove_from_field_options(ctx, tag_id)
    for child in ctx.session.exec(select(Tag).where(Tag.parent_id == tag_id)).all():
        child.parent_id = None
        ctx.session.add(child)
    ctx.session.delete(tag)
    ctx.session.commit()
    return rendered


def remove_from_field_options(ctx: Ctx, tag_id: int) -> None:
    """FormsTags::removeTagFromAttributeOptions: the first option of each tags field loosely equal to the id (`1`
    or `"1"`) goes."""
    for field in ctx.session.exec(select(FormAttribute).where(FormAttribute.type == "tags")).all():
        options = field.options if isinstance(field.options, list) else []
        for n, option in enumerate(options):
            if loosely_equal_id(option, tag_id):
                field.options = options[:n] + options[n + 1 :]
                ctx.session.add(field)
                break
