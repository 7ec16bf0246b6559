"""Posts: search filters, the paged list and rendering, kept apart from the HTTP routes so tests can call them (and
the collections' post lists share them). What a body may change is checked in post_validation.py."""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import orjson
from sqlalchemy import Row, bindparam, func, or_
from sqlmodel import select

from crowdmock.core import clock
from crowdmock.core.db import MAX_INTEGER, lookup_id, read_columns
from crowdmock.vendors.ushahidi.access import is_published_to, post_privileges
from crowdmock.vendors.ushahidi.auth import Ctx
from crowdmock.vendors.ushahidi.deps import multi_param, read_paging
from crowdmock.vendors.ushahidi.models import POSTS_BY_STATUS_AND_TYPE, Form, Post, PostSet
from crowdmock.vendors.ushahidi.post_view import Restrictions, midnight, surveys, value_time
from crowdmock.vendors.ushahidi.render import Paging, empty_as_list, envelope, w3c

ORDER_COLUMNS = {"id", "created", "updated", "post_date", "title", "status"}
# docs/vendors/ushahidi.md §1.3: API_POST_LIST_MAX_LIMIT for callers without "Manage Posts", 100 for managers.
USER_MAX_LIMIT, MANAGER_MAX_LIMIT = 20, 100


# --- rendering -----------------------------------------------------------------------------------------


# Built once: a statement costs more to build than to run from SQLAlchemy's compiled cache.
SETS_OF_POSTS = (
    select(PostSet.post_id, PostSet.set_id)
    .where(PostSet.post_id.in_(bindparam("ids", expanding=True)))
    .order_by(PostSet.set_id)
)


def post_sets(ctx: Ctx, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        rows = read_columns(ctx.session, SETS_OF_POSTS, {"ids": ids}).all()
        for post_id, set_id in rows:
            out[post_id].append(str(set_id))
    return out


def forms_by_id(ctx: Ctx, posts: list[Post]) -> dict[int, Row]:
    """The posts' surveys (post_view.py `surveys`: a survey the request already read costs no query)."""
    return surveys(ctx, {p.form_id for p in posts if p.form_id})


def render_post(ctx: Ctx, post: Post, sets: list[str], form: Form | Row | None, seen: Restrictions) -> dict:
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
    seen = Restrictions.load(ctx, forms, posts)
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


@dataclass
class PostSearch:
    """A search as SQL (`where`, `order`) and the filters SQL cannot express, applied in Python in order."""

    where: list
    order: list
    filters: list[Callable[[list[Post]], list[Post]]]
    # (statuses, or None for all; types) when `where` says no more than that: the database's counts answer it.
    by_status_and_type: tuple[list[str] | None, list[str]] | None = None

    def count(self, ctx: Ctx) -> int:
        """How many posts `where` finds (the filters aside)."""
        if self.by_status_and_type is None:
            return ctx.session.exec(select(func.count()).select_from(Post).where(*self.where)).one()
        statuses, types = self.by_status_and_type
        counts = POSTS_BY_STATUS_AND_TYPE.table
        where = [counts.c.type.in_(types)] + ([] if statuses is None else [counts.c.status.in_(statuses)])
        return POSTS_BY_STATUS_AND_TYPE.total(ctx.session, *where)

    def all(self, ctx: Ctx) -> list[Post]:
        posts = list(ctx.session.exec(select(Post).where(*self.where).order_by(*self.order)).all())
        for keep in self.filters:
            posts = keep(posts)
        return posts


def search_posts(
    ctx: Ctx,
    paging: Paging,
    bbox: list[float] | None = None,
    set_id: int | None = None,
    post_type: str = "report",
    parent_id: int | None = None,
) -> list[Post]:
    """Every post the caller may see that matches the query's filters, ordered (docs/vendors/ushahidi.md §1.3)."""
    return post_search(ctx, paging, bbox, set_id, post_type, parent_id).all(ctx)


def post_search(
    ctx: Ctx,
    paging: Paging,
    bbox: list[float] | None = None,
    set_id: int | None = None,
    post_type: str = "report",
    parent_id: int | None = None,
) -> PostSearch:
    """The search of `search_posts`. `post_type` and `parent_id` are the defaults a route gives, which the query may
    override, as PHP's `+` does."""
    q = ctx.request.query_params
    caller = ctx.caller
    where = []
    statuses = multi_param(ctx, "status") or ["published"]
    if "all" in statuses:
        statuses = None
    else:
        where.append(Post.status.in_(statuses))
    types = multi_param(ctx, "type") or [post_type]
    where.append(Post.type.in_(types))
    answerable = len(where)  # how many conditions a count by status and type answers
    if parent_id is not None and not multi_param(ctx, "parent"):
        where.append(Post.parent_id == parent_id)
    if text := q.get("q"):
        like = f"%{text}%"
        match = or_(Post.title.like(like), Post.content.like(like))
        where.append(or_(match, Post.id == ident) if (ident := lookup_id(text)) is not None else match)
    for name, column in (("user", Post.user_id), ("parent", Post.parent_id), ("form", Post.form_id)):
        if values := multi_param(ctx, name):
            where.append(_id_filter(column, values, caller.account_id))
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
    if not caller.has_user:
        where.append(Post.status == "published")
        statuses = [s for s in statuses or ["published"] if s == "published"]
        answerable += 1
    elif not caller.can("Manage Posts"):
        where.append(or_(Post.status == "published", Post.user_id == caller.user_id))
        answerable = -1  # the caller's own posts besides
    if sources := multi_param(ctx, "source"):
        clauses = [Post.source.in_(sources)]
        if "web" in sources:
            clauses.append(Post.message_id.is_(None))
        where.append(or_(*clauses))
    for name, column in (("locale", Post.locale), ("slug", Post.slug)):
        if value := q.get(name):
            where.append(column == value.lower() if name == "locale" else column == value)

    column = getattr(Post, paging.orderby, Post.post_date)
    order = [column.desc() if paging.descending else column.asc(), Post.id.desc()]
    filters: list[Callable[[list[Post]], list[Post]]] = []

    tag_any = [i for i in map(lookup_id, multi_param(ctx, "tags") + multi_param(ctx, "tags[any]")) if i is not None]
    tag_all = [i for i in map(lookup_id, multi_param(ctx, "tags[all]")) if i is not None]
    if tag_any:
        filters.append(lambda posts: [p for p in posts if set(p.tags or []) & set(tag_any)])
    if tag_all:
        filters.append(lambda posts: [p for p in posts if set(tag_all) <= set(p.tags or [])])
    wanted_values: dict[str, list[str]] = {}
    for key, raw in q.multi_items():
        if match := VALUES_PARAM.fullmatch(key):
            wanted_values.setdefault(match.group(1), []).extend(raw.split(","))
    for key, wanted in wanted_values.items():  # each value repository's getValueQuery: LIKE '%match%', any match
        filters.append(partial(_with_value, key=key, needles=[w.lower() for w in wanted]))
    if published_to := multi_param(ctx, "published_to"):
        filters.append(lambda posts: [p for p in posts if set(published_to) & set(p.published_to or [])])
    if (mapped := q.get("has_location")) in ("mapped", "unmapped"):
        filters.append(lambda posts: [p for p in posts if bool(point_values(p)) == (mapped == "mapped")])
    if bbox := bbox or _floats(q.get("bbox"), 4):
        filters.append(partial(_in_box, box=bbox))
    center, within = _floats(q.get("center_point"), 2), q.get("within_km")
    if center and within:
        filters.append(partial(_near, center=(center[0], center[1]), within=within))
    if len(where) == answerable:  # no condition but the status, the type and an anonymous caller's
        return PostSearch(where, order, filters, (statuses, types))
    return PostSearch(where, order, filters)


VALUES_PARAM = re.compile(r"values\[([^\]]+)\](\[\])?")


def _with_value(posts: list[Post], key: str, needles: list[str]) -> list[Post]:
    return [p for p in posts if any(n in _text(v) for v in (p.values or {}).get(key, []) for n in needles)]


def _near(posts: list[Post], center: tuple[float, float], within: str) -> list[Post]:
    try:  # a radius that is no number, or a distance math cannot take, filters nothing
        radius = float(within)
        return [p for p in posts if any(_km(center, pt) <= radius for pt in point_values(p))]
    except ValueError:
        return posts


def _in_box(posts: list[Post], box: list[float]) -> list[Post]:
    west, north, east, south = box
    return [
        p
        for p in posts
        if any(
            min(south, north) <= lat <= max(south, north) and min(west, east) <= lon <= max(west, east)
            for lat, lon in point_values(p)
        )
    ]


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
    search = post_search(ctx, paging, set_id=set_id, post_type=post_type, parent_id=parent_id)
    if search.filters:
        posts = search.all(ctx)
        total, page = len(posts), page_by_rows(posts, paging)
    else:  # all in SQL: the total counted, and no more posts read than the page can reach
        total = search.count(ctx)
        reach = min(paging.offset + paging.limit, MAX_INTEGER)  # an offset past every post reads none
        first = select(Post).where(*search.where).order_by(*search.order).limit(reach)
        page = page_by_rows(list(ctx.session.exec(first).all()), paging)
    results = render_posts(ctx, readable(ctx, page))
    paging.limit = requested
    return envelope(ctx, results, total, paging)
