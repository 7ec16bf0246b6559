"""Posts: search filters, the paged list, validation and rendering, kept apart from the HTTP routes so tests can
call them (and the collections' post lists share them)."""

import math
import re

import orjson
from sqlalchemy import func, or_
from sqlmodel import select

from crowdmock.core import clock
from crowdmock.core.db import get_row, lookup_id
from crowdmock.core.payload import read_payload
from crowdmock.vendors.ushahidi.access import is_published_to, post_privileges
from crowdmock.vendors.ushahidi.auth import Ctx
from crowdmock.vendors.ushahidi.deps import multi_param, read_paging
from crowdmock.vendors.ushahidi.errors import MalformedPostJson
from crowdmock.vendors.ushahidi.models import Form, FormAttribute, FormStage, Post, PostSet, Role, Tag, User
from crowdmock.vendors.ushahidi.post_view import Restrictions, midnight, mysql_datetime, value_time
from crowdmock.vendors.ushahidi.render import Paging, empty_as_list, envelope, parse_time, ref_id, w3c

STATUSES = ("published", "draft", "archived")
POST_TYPES = ("report", "update", "revision", "translation")
ORDER_COLUMNS = {"id", "created", "updated", "post_date", "title", "status"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# docs/vendors/ushahidi.md §1.3: API_POST_LIST_MAX_LIMIT for callers without "Manage Posts", 100 for managers.
USER_MAX_LIMIT, MANAGER_MAX_LIMIT = 20, 100


# --- rendering -----------------------------------------------------------------------------------------


def post_sets(ctx: Ctx, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        rows = ctx.session.exec(select(PostSet).where(PostSet.post_id.in_(ids)).order_by(PostSet.set_id)).all()
        for row in rows:
            out[row.post_id].append(str(row.set_id))
    return out


def forms_by_id(ctx: Ctx, posts: list[Post]) -> dict[int, Form]:
    ids = {p.form_id for p in posts if p.form_id}
    if not ids:
        return {}
    return {f.id: f for f in ctx.session.exec(select(Form).where(Form.id.in_(ids))).all()}


def render_post(ctx: Ctx, post: Post, sets: list[str], form: Form | None, seen: Restrictions) -> dict:
    privileges = post_privileges(ctx.caller, post, form)
    hide_author, at = seen.hides_author(ctx, post), (midnight if seen.hides_time(post) else _same)
    out: dict = {"id": post.id, "url": ctx.url("posts", post.id)}
    if post.parent_id:
        out["parent"] = ctx.ref("posts", post.parent_id)
    else:
        out["parent_id"] = None
    if post.form_id:
        out["form"] = ctx.ref("forms", post.form_id)
    else:
        out["form_id"] = None
    if post.user_id and not hide_author:
        out["user"] = ctx.ref("users", post.user_id)
    else:
        out["user_id"] = None
    out["message"] = ctx.ref("messages", post.message_id) if post.message_id else None
    out.update(color=post.color, type=post.type, title=post.title, slug=post.slug, content=post.content)
    if "read_full" in privileges and not hide_author:
        out.update(author_email=post.author_email, author_realname=post.author_realname)
    out.update(
        status=post.status,
        created=w3c(at(post.created)),
        updated=w3c(at(post.updated)),
        locale=post.locale,
        values=empty_as_list(seen.values(post)),
        post_date=w3c(at(post.post_date)),
        tags=[ctx.ref("tags", t) for t in post.tags or []],
        published_to=post.published_to or [],
        completed_stages=post.completed_stages or [],
        sets=sets,
        # PostRepository::getHydratedLock: an unexpired lock, shown to callers with "Manage Posts" only.
        lock=render_lock(ctx, post.lock) if post.lock and seen.manager and not _expired(post.lock) else None,
        source=post.source,
        # The seed's formatter links contacts under the singular `contact/` path.
        contact=ctx.ref("contact", post.contact_id) if post.contact_id else None,
        data_source_message_id=post.data_source_message_id,
        allowed_privileges=privileges,
    )
    return out


def _expired(lock: dict) -> bool:
    return isinstance(lock.get("expires"), int) and lock["expires"] < clock.time()


def render_lock(ctx: Ctx, lock: dict) -> dict:
    """The v3 API formatter's lock: `user_id` becomes a `user` relation (Formatter/Post/Lock.php)."""
    user_id = lock.get("user_id")
    return {
        "id": lock.get("id"),
        "url": ctx.url("posts", lock.get("post_id"), "lock"),
        "user": ctx.ref("users", user_id) if user_id else None,
        "post_id": lock.get("post_id"),
        "expires": lock.get("expires"),
    }


def render_posts(ctx: Ctx, posts: list[Post]) -> list[dict]:
    sets = post_sets(ctx, [p.id for p in posts])
    forms = forms_by_id(ctx, posts)
    seen = Restrictions.load(ctx, forms)
    return [render_post(ctx, p, sets[p.id], forms.get(p.form_id), seen) for p in posts]


def _same(ts: int | None) -> int | None:
    return ts


def render_one(ctx: Ctx, post: Post) -> dict:
    return render_posts(ctx, [post])[0]


# --- search --------------------------------------------------------------------------------------------


def _id_filter(column, values: list[str], caller_id: int | None = None):
    ids, with_null = [], False
    for v in values:
        if v == "none":
            with_null = True
        elif v == "me" and caller_id is not None:
            ids.append(caller_id)
        elif (ident := lookup_id(v)) is not None:
            ids.append(ident)
    clauses = []
    if ids:
        clauses.append(column.in_(ids))
    if with_null:
        clauses.append(column.is_(None))
    return or_(*clauses) if clauses else column.in_([])


def point_values(post: Post) -> list[tuple[float, float]]:
    points = []
    for values in (post.values or {}).values():
        for v in values if isinstance(values, list) else []:
            if isinstance(v, dict) and "lat" in v and "lon" in v:
                try:
                    points.append((float(v["lat"]), float(v["lon"])))
                except (TypeError, ValueError):
                    continue
    return points


def _floats(text: str | None, count: int) -> list[float] | None:
    if not text:
        return None
    try:
        numbers = [float(x) for x in text.split(",")]
    except ValueError:
        return None
    return numbers if len(numbers) == count else None


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def search_posts(
    ctx: Ctx,
    paging: Paging,
    bbox: list[float] | None = None,
    set_id: int | None = None,
    post_type: str = "report",
    parent_id: int | None = None,
) -> list[Post]:
    """Every post the caller may see that matches the query's filters, ordered (docs/vendors/ushahidi.md §1.3).
    `post_type` and `parent_id` are the defaults a route gives, which the query may override, as PHP's `+` does."""
    q = ctx.request.query_params
    caller = ctx.caller
    where = []
    statuses = multi_param(ctx, "status") or ["published"]
    if "all" not in statuses:
        where.append(Post.status.in_(statuses))
    where.append(Post.type.in_(multi_param(ctx, "type") or [post_type]))
    if parent_id is not None and not multi_param(ctx, "parent"):
        where.append(Post.parent_id == parent_id)
    if text := q.get("q"):
        like = f"%{text}%"
        match = or_(Post.title.like(like), Post.content.like(like))
        where.append(or_(match, Post.id == ident) if (ident := lookup_id(text)) is not None else match)
    for name, column in (("user", Post.user_id), ("parent", Post.parent_id), ("form", Post.form_id)):
        if values := multi_param(ctx, name):
            where.append(_id_filter(column, values, caller.user_id if caller.user else None))
    for name in ("post_id", "id"):
        if values := multi_param(ctx, name):
            where.append(Post.id.in_([i for i in map(lookup_id, values) if i is not None]))
    set_ids = [i for i in map(lookup_id, multi_param(ctx, "set")) if i is not None]
    if set_id is not None:
        set_ids = [set_id]
    if set_ids or multi_param(ctx, "set"):
        where.append(Post.id.in_(select(PostSet.post_id).where(PostSet.set_id.in_(set_ids))))
    # PostRepository::setSearchConditions: created/updated bounds are inclusive, date_after is strict.
    for name, column, op in (
        ("created_after", Post.created, "ge"),
        ("created_before", Post.created, "le"),
        ("updated_after", Post.updated, "ge"),
        ("updated_before", Post.updated, "le"),
        ("date_after", Post.post_date, "gt"),
        ("date_before", Post.post_date, "le"),
    ):
        if (stamp := value_time(q.get(name))) is not None:
            where.append(getattr(column, f"__{op}__")(stamp))
    for name, op, shift in (("created_before_by_id", "le", 0), ("created_after_by_id", "ge", 1)):
        if (ident := lookup_id(q.get(name) or "")) is not None:
            created = ctx.session.exec(select(Post.created).where(Post.id == ident)).first()
            where.append(getattr(Post.created, f"__{op}__")((created or 0) + shift))
    # Anonymous callers search published posts only, others without "Manage Posts" also their own.
    if not caller.user:
        where.append(Post.status == "published")
    elif not caller.can("Manage Posts"):
        where.append(or_(Post.status == "published", Post.user_id == caller.user_id))
    if sources := multi_param(ctx, "source"):
        clauses = [Post.source.in_(sources)]
        if "web" in sources:
            clauses.append(Post.message_id.is_(None))
        where.append(or_(*clauses))
    for name, column in (("locale", Post.locale), ("slug", Post.slug)):
        if value := q.get(name):
            where.append(column == value.lower() if name == "locale" else column == value)

    column = getattr(Post, paging.orderby, Post.post_date)
    stmt = select(Post).where(*where).order_by(column.desc() if paging.descending else column.asc(), Post.id.desc())
    posts = list(ctx.session.exec(stmt).all())

    tag_any = [i for i in map(lookup_id, multi_param(ctx, "tags") + multi_param(ctx, "tags[any]")) if i is not None]
    tag_all = [i for i in map(lookup_id, multi_param(ctx, "tags[all]")) if i is not None]
    if tag_any:
        posts = [p for p in posts if set(p.tags or []) & set(tag_any)]
    if tag_all:
        posts = [p for p in posts if set(tag_all) <= set(p.tags or [])]
    wanted_values: dict[str, list[str]] = {}
    for key, raw in q.multi_items():
        if match := re.fullmatch(r"values\[([^\]]+)\](\[\])?", key):
            wanted_values.setdefault(match.group(1), []).extend(raw.split(","))
    for key, wanted in wanted_values.items():  # each value repository's getValueQuery: LIKE '%match%', any match
        needles = [w.lower() for w in wanted]
        posts = [p for p in posts if any(n in _text(v) for v in (p.values or {}).get(key, []) for n in needles)]
    if published_to := multi_param(ctx, "published_to"):
        posts = [p for p in posts if set(published_to) & set(p.published_to or [])]
    if (mapped := q.get("has_location")) in ("mapped", "unmapped"):
        posts = [p for p in posts if bool(point_values(p)) == (mapped == "mapped")]
    bbox = bbox or _floats(q.get("bbox"), 4)
    if bbox:
        west, north, east, south = bbox
        posts = [
            p
            for p in posts
            if any(
                min(south, north) <= lat <= max(south, north) and min(west, east) <= lon <= max(west, east)
                for lat, lon in point_values(p)
            )
        ]
    center, within = _floats(q.get("center_point"), 2), q.get("within_km")
    if center and within:
        try:
            radius = float(within)
            posts = [p for p in posts if any(_km(tuple(center), pt) <= radius for pt in point_values(p))]
        except ValueError:
            pass
    return posts


def _text(value) -> str:
    return (orjson.dumps(value).decode() if isinstance(value, dict | list) else str(value)).lower()


def readable(ctx: Ctx, posts: list[Post]) -> list[Post]:
    """SearchUsecase drops the results the caller may not read after counting the total."""
    caller = ctx.caller
    if caller.can("Manage Posts"):
        return posts
    return [p for p in posts if caller.owns(p.user_id) or is_published_to(p, caller.role)]


WKT = re.compile(r"^\s*(MULTI)?(POINT|LINESTRING|POLYGON)\s*\(", re.I)


def joined_rows(post: Post) -> int:
    """How many rows the v3 search query gives this post: it LEFT JOINs every point and every geometry value."""
    geometries = sum(
        1 for items in (post.values or {}).values() if isinstance(items, list) for v in items if _is_wkt(v)
    )
    return max(1, len(point_values(post))) * max(1, geometries)


def _is_wkt(value) -> bool:
    return isinstance(value, str) and WKT.match(value) is not None


def page_by_rows(posts: list[Post], paging: Paging) -> list[Post]:
    """LIMIT and OFFSET count the query's joined rows, and PHP then keys the page by post id
    (CollectionLoader::getCollection): a post with several points fills several places of a page."""
    end = None if paging.limit is None else paging.offset + paging.limit
    out, row = [], 0
    for post in posts:
        rows = joined_rows(post)
        if row + rows > paging.offset and (end is None or row < end):
            out.append(post)
        row += rows
        if end is not None and row >= end:
            break
    return out


def list_posts(ctx: Ctx, set_id: int | None = None, post_type: str = "report", parent_id: int | None = None) -> dict:
    """The v3 list of the posts the caller may see (of one collection with `set_id`), paged within the cap."""
    paging = read_paging(ctx, "post_date", "desc", ORDER_COLUMNS)
    cap = MANAGER_MAX_LIMIT if ctx.caller.can("Manage Posts") else USER_MAX_LIMIT
    requested = paging.limit
    paging.limit = cap if requested is None or requested > cap else requested
    posts = search_posts(ctx, paging, set_id=set_id, post_type=post_type, parent_id=parent_id)
    results = render_posts(ctx, readable(ctx, page_by_rows(posts, paging)))
    paging.limit = requested
    return envelope(ctx, results, len(posts), paging)


# --- validation ----------------------------------------------------------------------------------------


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
        if raw is not None and (form_id is None or get_row(ctx.session, Form, form_id) is None):
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
            errors += _missing_required(ctx, post.form_id, values, data.get("completed_stages"))
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


def _value_problem(attribute: FormAttribute, items: list) -> str | None:
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


def _missing_required(ctx: Ctx, form_id: int, values: dict, completed) -> list[tuple[str, str]]:
    """checkRequiredPostAttributes and checkRequiredTaskAttributes: the survey's post stage's required fields, and
    every completed stage's, must be among the values' keys. Title and description fields are the post's own title
    and content, checked apart (the seed marks them required where Ushahidi's datasets do not)."""
    stages = {s.id: s for s in ctx.session.exec(select(FormStage).where(FormStage.form_id == form_id)).all()}
    post_stage = next((s for s in sorted(stages.values(), key=lambda s: s.id) if s.type == "post"), None)
    required = ctx.session.exec(
        select(FormAttribute).where(FormAttribute.form_stage_id.in_(list(stages) or [0]), FormAttribute.required)
    ).all()
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


def _form_attributes(ctx: Ctx, form_id: int | None) -> dict[str, FormAttribute]:
    if not form_id:
        return {}
    stage_ids = select(FormStage.id).where(FormStage.form_id == form_id)
    rows = ctx.session.exec(select(FormAttribute).where(FormAttribute.form_stage_id.in_(stage_ids))).all()
    return {a.key: a for a in rows}
