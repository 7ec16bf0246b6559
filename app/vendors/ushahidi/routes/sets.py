"""/api/v3/collections (and their posts) and /api/v3/savedsearches: one `sets` table, as in Ushahidi."""

from sqlmodel import delete, select

from crowdmock.core.db import get_row, lookup_id
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.ushahidi.access import authorize, post_privileges, set_privileges
from crowdmock.vendors.ushahidi.auth import Ctx, CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import body, read_paging, search, time_now
from crowdmock.vendors.ushahidi.errors import UshahidiError, not_found, validation_failed
from crowdmock.vendors.ushahidi.models import VIEWS, Post, PostSet, Role, Set
from crowdmock.vendors.ushahidi.posts import list_posts, render_one
from crowdmock.vendors.ushahidi.render import envelope, ref_id, w3c

collections = LazyRouter(
    prefix="/api/v3/collections", tags=["collections"], dependencies=[require_scope("collections", "sets")]
)
savedsearches = LazyRouter(
    prefix="/api/v3/savedsearches",
    tags=["savedsearches"],
    dependencies=[require_scope("savedsearches", "sets")],
)


def render_set(ctx: Ctx, item: Set) -> dict:
    out: dict = {"id": item.id, "url": item.url}  # the row's own `url` column wins (docs/vendors/ushahidi.md §1.4)
    if item.user_id:
        out["user"] = ctx.ref("users", item.user_id)
    else:
        out["user_id"] = None
    out.update(
        name=item.name,
        description=item.description,
        view=item.view,
        view_options=item.view_options,
        role=item.role,
        featured=item.featured,
    )
    if item.search:
        out.update(search=True, filter=item.filter)
    out.update(
        created=w3c(item.created),
        updated=w3c(item.updated),
        allowed_privileges=set_privileges(ctx.caller, item),
    )
    return out


def load_set(ctx: Ctx, set_id: int, is_search: bool) -> Set:
    item = get_row(ctx.session, Set, set_id)
    if item is None or item.search != is_search:
        raise not_found("sets", set_id)
    return item


def list_sets(ctx: Ctx, is_search: bool) -> dict:
    authorize(ctx, set_privileges(ctx.caller, None), "search", "sets", 0)
    q = ctx.request.query_params
    where = [Set.search == is_search]
    if text := q.get("q"):
        where.append(Set.name.like(f"%{text}%"))
    if (user := q.get("user_id")) and lookup_id(user) is not None:
        where.append(Set.user_id == lookup_id(user))
    if (featured := q.get("featured")) is not None:
        where.append(Set.featured == (featured.lower() in ("1", "true")))
    paging = read_paging(ctx, "id", "asc", {"id", "created", "updated", "name", "featured"})
    rows, total = search(ctx, Set, paging, *where)
    results = [render_set(ctx, s) for s in rows if "read" in set_privileges(ctx.caller, s)]
    return envelope(ctx, results, total, paging)


def apply_set(ctx: Ctx, item: Set, data: dict, is_search: bool) -> None:
    errors = []
    if "name" in data or item.id is None:
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            errors.append(("name", "name must not be empty"))
        elif len(name) > 255:
            errors.append(("name", "name must not exceed 255 characters long"))
        else:
            item.name = name.strip()
    if "description" in data:
        if data["description"] is not None and not isinstance(data["description"], str):
            errors.append(("description", "description must be a string"))
        else:
            item.description = data["description"]
    if "view" in data:
        if data["view"] not in VIEWS:
            errors.append(("view", f"view must be one of {', '.join(VIEWS)}"))
        else:
            item.view = data["view"]
    if "view_options" in data:
        item.view_options = data["view_options"]
    if "role" in data:
        roles = data["role"]
        if roles in (None, []):
            item.role = None if roles is None else []
        elif not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            errors.append(("role", "role must be an array of role names"))
        else:
            names = set(ctx.session.exec(select(Role.name)).all())
            errors += [("role", f"Role {r} does not exist") for r in roles if r not in names]
            item.role = roles
    if "featured" in data:
        featured = data["featured"] in (True, 1, "1", "true")
        if featured != item.featured and not ctx.caller.can("Manage Collections and Saved Searches"):
            raise UshahidiError(
                403, f"User {ctx.caller.user_id} is not allowed to update resource sets #{item.id or 0}"
            )
        item.featured = featured
    if is_search and ("filter" in data or item.id is None):
        if not isinstance(data.get("filter"), dict):
            errors.append(("filter", "filter must be an object of post search parameters"))
        else:
            item.filter = data["filter"]
    if errors:
        raise validation_failed("sets", errors)


async def create_set(ctx: Ctx, is_search: bool) -> dict:
    ctx.require_token()
    data = await body(ctx)
    authorize(ctx, set_privileges(ctx.caller, None), "create", "sets", 0)
    item = Set(
        user_id=ctx.caller.account_id,
        search=is_search,
        created=time_now(),
        description="",
        filter=None,
    )
    apply_set(ctx, item, data, is_search)
    ctx.session.add(item)
    ctx.session.commit()
    return render_set(ctx, item)


async def update_set(ctx: Ctx, set_id: int, is_search: bool) -> dict:
    ctx.require_token()
    data = await body(ctx)
    item = load_set(ctx, set_id, is_search)
    authorize(ctx, set_privileges(ctx.caller, item), "update", "sets", set_id)
    apply_set(ctx, item, data, is_search)
    item.updated = time_now()
    ctx.session.add(item)
    ctx.session.commit()
    return render_set(ctx, item)


def delete_set(ctx: Ctx, set_id: int, is_search: bool) -> dict:
    ctx.require_token()
    item = load_set(ctx, set_id, is_search)
    authorize(ctx, set_privileges(ctx.caller, item), "delete", "sets", set_id)
    rendered = render_set(ctx, item)
    ctx.session.exec(delete(PostSet).where(PostSet.set_id == set_id))
    ctx.session.delete(item)
    ctx.session.commit()
    return rendered  # docs/vendors/ushahidi.md §1.9: 200 with the deleted set, not the seed's 204


def read_set(ctx: Ctx, set_id: int, is_search: bool) -> Set:
    item = load_set(ctx, set_id, is_search)
    authorize(ctx, set_privileges(ctx.caller, item), "read", "sets", set_id)
    return item


for router, is_search in ((collections, False), (savedsearches, True)):

    def _routes(router: LazyRouter = router, is_search: bool = is_search) -> None:
        @router.get("")
        def list_(ctx: CtxDep) -> dict:
            return list_sets(ctx, is_search)

        @router.post("")
        async def create(ctx: CtxDep) -> dict:
            return await create_set(ctx, is_search)

        @router.get("/{set_id:int}")
        def get(ctx: CtxDep, set_id: int) -> dict:
            return render_set(ctx, read_set(ctx, set_id, is_search))

        @router.put("/{set_id:int}")
        async def update(ctx: CtxDep, set_id: int) -> dict:
            return await update_set(ctx, set_id, is_search)

        @router.delete("/{set_id:int}")
        def remove(ctx: CtxDep, set_id: int) -> dict:
            return delete_set(ctx, set_id, is_search)

    _routes()


@collections.get("/{set_id:int}/posts")
def get_collection_posts(ctx: CtxDep, set_id: int) -> dict:
    read_set(ctx, set_id, False)
    return list_posts(ctx, set_id=set_id)


def post_in_set(ctx: Ctx, set_id: int, post_id: int) -> Post:
    if get_row(ctx.session, PostSet, (set_id, post_id)) is None:
        raise not_found("posts", post_id)
    post = get_row(ctx.session, Post, post_id)
    if post is None:
        raise not_found("posts", post_id)
    return post


@collections.get("/{set_id:int}/posts/{post_id:int}")
def get_collection_post(ctx: CtxDep, set_id: int, post_id: int) -> dict:
    read_set(ctx, set_id, False)
    post = post_in_set(ctx, set_id, post_id)
    authorize(ctx, post_privileges(ctx.caller, post), "read", "posts", post_id)
    return render_one(ctx, post)


@collections.post("/{set_id:int}/posts")
async def add_collection_post(ctx: CtxDep, set_id: int) -> dict:
    ctx.require_token()
    data = await body(ctx)
    item = load_set(ctx, set_id, False)
    authorize(ctx, set_privileges(ctx.caller, item), "update", "sets", set_id)
    post_id = ref_id(data, "id") if not isinstance(data.get("id"), dict) else ref_id(data["id"], "id")
    post = get_row(ctx.session, Post, post_id) if post_id is not None else None
    if post is None:
        raise validation_failed("posts_sets", [("id", f"post {data.get('id')} does not exist")])
    if get_row(ctx.session, PostSet, (set_id, post.id)) is None:
        ctx.session.add(PostSet(set_id=set_id, post_id=post.id, created=time_now()))
        ctx.session.commit()
    return render_one(ctx, post)


@collections.delete("/{set_id:int}/posts/{post_id:int}")
def remove_collection_post(ctx: CtxDep, set_id: int, post_id: int) -> dict:
    ctx.require_token()
    item = load_set(ctx, set_id, False)
    authorize(ctx, set_privileges(ctx.caller, item), "update", "sets", set_id)
    post = post_in_set(ctx, set_id, post_id)
    ctx.session.exec(delete(PostSet).where(PostSet.set_id == set_id, PostSet.post_id == post_id))
    ctx.session.commit()
    return render_one(ctx, post)
