"""/api/v3/posts: search, CRUD, geojson and stats."""

import math
from collections import Counter

from fastapi import Response
from fastapi.responses import JSONResponse
from sqlalchemy import Row
from sqlmodel import delete, select

from crowdmock.core.db import get_row, insert_row, new_row
from crowdmock.core.pagination import to_int
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.ushahidi.access import authorize, post_privileges
from crowdmock.vendors.ushahidi.auth import CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import csv_values, read_paging, time_now
from crowdmock.vendors.ushahidi.errors import UshahidiError, not_found, validation_failed
from crowdmock.vendors.ushahidi.geometry import to_geometry
from crowdmock.vendors.ushahidi.models import Form, FormAttribute, Post, PostSet, Tag
from crowdmock.vendors.ushahidi.post_validation import (
    check_approval,
    post_payload,
    slugify,
    uniqid,
    validate_post,
    validate_update,
)
from crowdmock.vendors.ushahidi.post_view import Restrictions, survey
from crowdmock.vendors.ushahidi.posts import (
    ORDER_COLUMNS,
    forms_by_id,
    list_posts,
    page_by_rows,
    readable,
    render_lock,
    render_one,
    search_posts,
)
from crowdmock.vendors.ushahidi.webhook_delivery import post_webhooks, send_webhooks

router = LazyRouter(prefix="/api/v3/posts", tags=["posts"], dependencies=[require_scope("posts")])


def get_report(ctx: CtxDep, post_id: int) -> Post:
    """A post these routes serve: a report, not a revision or translation under a parent (FindPost, docs §1.23)."""
    post = get_row(ctx.session, Post, post_id)
    if post is None or post.type in ("revision", "translation"):
        raise not_found("posts", post_id)
    return post


@router.get("")
def get_posts(ctx: CtxDep) -> dict:
    authorize(ctx, post_privileges(ctx.caller, None), "search", "posts", 0)
    return list_posts(ctx)


@router.post("")
async def create_post(ctx: CtxDep):
    ctx.require_token()
    data = await post_payload(ctx)
    now = time_now()
    post = new_row(Post, created=now, post_date=now)  # written by insert_row
    errors = validate_post(ctx, data, post)
    # CreatePost: with no user nor author given, the post is the caller's.
    if not (post.user_id or post.author_email or post.author_realname):
        post.user_id = ctx.caller.account_id
    form = survey(ctx, post.form_id)
    authorize(ctx, post_privileges(ctx.caller, post, form), "create", "posts", 0)
    if "status" not in data:
        post.status = "published" if form is not None and not form.require_approval else "draft"
    else:
        errors += check_approval(ctx, post, None)
    if errors:
        raise validation_failed("posts", errors)
    post.slug = f"{slugify(post.title or '')}-{uniqid()}"
    insert_row(ctx.session, post)  # its id; the answer and the webhooks' bodies are read from it in the transaction
    deliveries = post_webhooks(ctx, post, "create")
    # docs/vendors/ushahidi.md §1.2: created, but the creator may not read it
    readable = "read" in post_privileges(ctx.caller, post, form)
    # Answered as FastAPI would answer the dict (JSONResponse), without its jsonable_encoder walk of plain JSON data.
    answer = JSONResponse(render_one(ctx, post)) if readable else Response(status_code=204)
    ctx.session.commit()
    send_webhooks(ctx, deliveries)
    return answer


@router.get("/geojson")
def posts_geojson(ctx: CtxDep) -> dict:
    authorize(ctx, post_privileges(ctx.caller, None), "search", "posts", 0)
    bbox = ctx.request.query_params.get("bbox")
    return geojson_collection(ctx, read_paging(ctx, "post_date", "desc", ORDER_COLUMNS), None, bbox)


@router.get("/geojson/{zoom:int}/{x:int}/{y:int}")
def posts_geojson_tile(ctx: CtxDep, zoom: int, x: int, y: int) -> dict:
    authorize(ctx, post_privileges(ctx.caller, None), "search", "posts", 0)
    # Beyond zoom 60 a tile is far smaller than any coordinate's precision; clamping keeps the floats finite.
    zoom = min(zoom, 60)
    n = 2.0**zoom
    x, y = min(x, int(n)), min(y, int(n))

    def lat(tile_y: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * tile_y / n))))

    bbox = [x / n * 360.0 - 180.0, lat(y), (x + 1) / n * 360.0 - 180.0, lat(y + 1)]
    # GeoJSONController::prepBoundingBox puts the tile's box in the query as PHP writes floats (14 digits).
    text = ",".join(php_float(v) for v in bbox)
    return geojson_collection(ctx, read_paging(ctx, "post_date", "desc", ORDER_COLUMNS), bbox, text)


def geojson_collection(ctx: CtxDep, paging, bbox: list[float] | None, bbox_text: str | None) -> dict:
    """Formatter/Post/GeoJSONCollection: a feature per post with places, `bbox` echoed, `total` the search's."""
    posts = search_posts(ctx, paging, bbox=bbox)
    page = readable(ctx, page_by_rows(posts, paging))
    forms = forms_by_id(ctx, page)
    seen = Restrictions.load(ctx, forms, page)
    wanted = csv_values(ctx.request.query_params.get("include_attributes") or "")
    features = []
    for post in page:
        values = {k: v for k, v in seen.values(post).items() if not wanted or k in wanted}
        geometries = [g for items in values.values() for g in map(to_geometry, items) if g]
        if geometries:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "GeometryCollection", "geometries": geometries},
                    "properties": {
                        "title": post.title,
                        "description": post.content,
                        "marker-color": marker_color(forms.get(post.form_id)),
                        "id": post.id,
                        "url": ctx.url("posts", post.id),
                        "source": post.source or "web",
                        "data_source_message_id": post.data_source_message_id,
                    },
                }
            )
    out: dict = {"type": "FeatureCollection", "features": features}
    if bbox_text:
        out["bbox"] = bbox_text.split(",")
    out["total"] = len(posts)
    return out


def marker_color(form: Form | Row | None) -> str | None:
    color = (form.color or "").lstrip("#") if form else ""
    return f"#{color}" if color else None


def php_float(value: float) -> str:
    text = f"{value:.14G}"
    return "0" if text == "-0" else text


@router.get("/stats")
def posts_stats(ctx: CtxDep) -> dict:
    authorize(ctx, post_privileges(ctx.caller, None), "search", "posts", 0)
    q = ctx.request.query_params
    posts = search_posts(ctx, read_paging(ctx, "post_date", "desc", ORDER_COLUMNS))
    group_by = q.get("group_by")
    values: list[dict] = []
    if group_by == "status":
        counts = Counter(p.status for p in posts)
        values = [{"label": s, "total": counts[s]} for s in ("published", "draft", "archived") if counts[s]]
    elif group_by == "form":
        counts = Counter(p.form_id for p in posts)
        forms = {f.id: f for f in ctx.session.exec(select(Form)).all()}
        values = [
            {"label": forms[f].name if f in forms else "Unknown", "total": n, "id": f}
            for f, n in sorted(counts.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
        ]
    elif group_by == "tags":
        counts = Counter(t for p in posts for t in (p.tags or []))
        tags = ctx.session.exec(select(Tag).order_by(Tag.id)).all()
        parent = to_int(q.get("group_by_tags"))
        values = [
            {"label": t.tag, "total": counts[t.id], "id": t.id}
            for t in tags
            if counts[t.id] and (parent is None or t.parent_id == parent)
        ]
    elif group_by == "attribute":
        key = q.get("group_by_attribute_key")
        attribute = ctx.session.exec(select(FormAttribute).where(FormAttribute.key == key)).first()
        counts = Counter(str(v) for p in posts for v in (p.values or {}).get(key, []) if not isinstance(v, dict))
        label = attribute.label if attribute else key
        values = [{"label": v, "total": n, "key": label} for v, n in sorted(counts.items())]
    elif group_by is not None:
        raise validation_failed("stats", [("group_by", "group_by must be one of status, form, tags, attribute")])
    else:
        values = [{"total": len(posts)}]
    return {
        "totals": [{"key": group_by or "all", "values": values}],
        "group_by": group_by,
        "group_by_tags": q.get("group_by_tags"),
        "group_by_attribute_key": q.get("group_by_attribute_key"),
        "timeline": q.get("timeline"),
        "timeline_interval": q.get("timeline_interval"),
        "timeline_attribute": q.get("timeline_attribute"),
    }


@router.get("/{post_id:int}")
def get_post(ctx: CtxDep, post_id: int) -> dict:
    post = get_report(ctx, post_id)
    form = survey(ctx, post.form_id)
    authorize(ctx, post_privileges(ctx.caller, post, form), "read", "posts", post_id)
    return render_one(ctx, post)


@router.get("/{post_id:int}/geojson")
def post_geojson(ctx: CtxDep, post_id: int) -> dict:
    """Formatter/Post/GeoJSON: one feature per place value, with the field it came from."""
    post = get_report(ctx, post_id)
    form = survey(ctx, post.form_id)
    authorize(ctx, post_privileges(ctx.caller, post, form), "read", "posts", post_id)
    seen = Restrictions.load(ctx, {form.id: form} if form else {}, [post])
    features = [
        {
            "type": "Feature",
            "geometry": geometry,
            "properties": {
                "title": post.title,
                "description": post.content,
                "marker-color": marker_color(form),
                "id": post.id,
                "attribute_key": key,
            },
        }
        for key, items in seen.values(post).items()
        for geometry in map(to_geometry, items)
        if geometry
    ]
    return {"type": "FeatureCollection", "features": features}


@router.put("/{post_id:int}")
async def update_post(ctx: CtxDep, post_id: int) -> dict:
    ctx.require_token()
    data = await post_payload(ctx)
    post = get_report(ctx, post_id)
    form = survey(ctx, post.form_id)
    authorize(ctx, post_privileges(ctx.caller, post, form), "update", "posts", post_id)
    errors = validate_update(ctx, data, post)
    if errors:
        ctx.session.rollback()
        raise validation_failed("posts", errors)
    post.updated = time_now()
    ctx.session.add(post)
    ctx.session.flush()
    deliveries = post_webhooks(ctx, post, "update")
    answer = render_one(ctx, post)
    ctx.session.commit()
    send_webhooks(ctx, deliveries)
    return answer


@router.delete("/{post_id:int}")
def delete_post(ctx: CtxDep, post_id: int) -> dict:
    ctx.require_token()
    post = get_report(ctx, post_id)
    form = survey(ctx, post.form_id)
    authorize(ctx, post_privileges(ctx.caller, post, form), "delete", "posts", post_id)
    rendered = render_one(ctx, post)
    ctx.session.exec(delete(PostSet).where(PostSet.post_id == post_id))
    ctx.session.delete(post)
    ctx.session.commit()
    return rendered


@router.put("/{post_id:int}/lock")
def lock_post(ctx: CtxDep, post_id: int) -> dict:
    ctx.require_token()
    post = get_report(ctx, post_id)
    authorize(ctx, post_privileges(ctx.caller, post), "update", "posts", post_id)
    if post.lock and post.lock.get("user_id") not in (None, ctx.caller.user_id):
        raise UshahidiError(403, "Post is locked by another user")
    post.lock = {
        "id": post.id,
        "user_id": ctx.caller.user_id,
        "post_id": post.id,
        "expires": time_now() + 300,
    }
    ctx.session.add(post)
    ctx.session.commit()
    return render_lock(ctx, post.lock)


@router.delete("/{post_id:int}/lock")
def unlock_post(ctx: CtxDep, post_id: int) -> dict:
    ctx.require_token()
    post = get_report(ctx, post_id)
    authorize(ctx, post_privileges(ctx.caller, post), "update", "posts", post_id)
    lock, post.lock = post.lock or {"id": post.id, "user_id": None, "post_id": post.id, "expires": None}, None
    ctx.session.add(post)
    ctx.session.commit()
    return render_lock(ctx, lock)
