"""/api/v3/posts/{parent}/revisions and /translations: posts of type `revision` or `translation` under a parent post,
found by id (or a translation by its locale) only under that parent (docs/vendors/ushahidi.md §1.23)."""

import re

from fastapi import Response
from sqlalchemy import Row, false, func
from sqlmodel import select

from crowdmock.core.db import get_row
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.ushahidi.access import authorize, post_privileges
from crowdmock.vendors.ushahidi.auth import CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import time_now
from crowdmock.vendors.ushahidi.errors import UshahidiError, validation_failed
from crowdmock.vendors.ushahidi.models import Post
from crowdmock.vendors.ushahidi.post_validation import post_payload, slugify, uniqid, validate_post, validate_update
from crowdmock.vendors.ushahidi.post_view import survey
from crowdmock.vendors.ushahidi.posts import list_posts, render_one

router = LazyRouter(prefix="/api/v3/posts/{parent_id:int}", tags=["posts"], dependencies=[require_scope("posts")])
# Laravel's route constraints: `{id}` is digits, `{locale}` letters and underscores; anything else is no route.
LOCALE = re.compile(r"[A-Za-z_]+")


def _lookup(**identifiers) -> str:
    # VerifyEntityLoaded prints every identifier, PHP's null as nothing.
    return ", ".join(f"{k}: {'' if v is None else v}" for k, v in identifiers.items())


def _parent(ctx: CtxDep, parent_id: int, kind: str) -> Post:
    """The parent post the caller may read (VerifyParentLoaded: 404 when missing)."""
    parent = get_row(ctx.session, Post, parent_id)
    if parent is None:
        raise UshahidiError(404, f"Could not locate any posts matching [{_lookup(parent_id=parent_id, type=kind)}]")
    authorize(ctx, post_privileges(ctx.caller, parent, _form(ctx, parent)), "read", "posts", parent_id)
    return parent


def _form(ctx: CtxDep, post: Post) -> Row | None:
    return survey(ctx, post.form_id)


def _child(ctx: CtxDep, parent_id: int, ident: str, kind: str, action: str) -> Post:
    """The `kind` post `ident` (an id, or a translation's locale) of the parent, once the caller may `action` it."""
    _parent(ctx, parent_id, kind)
    where = [Post.parent_id == parent_id, Post.type == kind]
    post_id, locale = ident, None
    if ident.isdigit():
        post_id = int(ident)
        where.append(Post.id == post_id)
    elif kind == "translation" and LOCALE.fullmatch(ident):
        post_id, locale = None, ident
        where.append(func.lower(Post.locale) == ident.lower())
    else:
        where.append(false())
    post = ctx.session.exec(select(Post).where(*where).order_by(Post.id)).first()
    if post is None:
        lookup = _lookup(id=post_id, parent_id=parent_id, locale=locale, type=kind)
        raise UshahidiError(404, f"Could not locate any posts matching [{lookup}]")
    authorize(ctx, post_privileges(ctx.caller, post, _form(ctx, post)), action, "posts", post.id)
    return post


def _own_fields(data: dict) -> dict:
    """The body without what the route decides: a translation's type and parent."""
    return {k: v for k, v in data.items() if k not in ("type", "parent", "parent_id")}


def _check_locale(ctx: CtxDep, parent: Post, post: Post) -> list[tuple[str, str]]:
    """PostRepository::doesTranslationExist: not the parent's locale, nor another translation's."""
    taken = (
        parent.locale == post.locale
        or ctx.session.exec(
            select(Post.id).where(
                Post.type == "translation",
                Post.parent_id == parent.id,
                func.lower(Post.locale) == post.locale,
                Post.id != (post.id or 0),
            )
        ).first()
    )
    return [("locale", f"Translation {post.locale} for post {parent.id} already exists")] if taken else []


@router.get("/revisions")
def list_revisions(ctx: CtxDep, parent_id: int) -> dict:
    _parent(ctx, parent_id, "revision")
    return list_posts(ctx, post_type="revision", parent_id=parent_id)


@router.get("/revisions/{ident}")
def get_revision(ctx: CtxDep, parent_id: int, ident: str) -> dict:
    return render_one(ctx, _child(ctx, parent_id, ident, "revision", "read"))


@router.get("/translations")
def list_translations(ctx: CtxDep, parent_id: int) -> dict:
    _parent(ctx, parent_id, "translation")
    return list_posts(ctx, post_type="translation", parent_id=parent_id)


@router.get("/translations/{ident}")
def get_translation(ctx: CtxDep, parent_id: int, ident: str) -> dict:
    return render_one(ctx, _child(ctx, parent_id, ident, "translation", "read"))


@router.post("/translations")
async def create_translation(ctx: CtxDep, parent_id: int):
    ctx.require_token()
    data = await post_payload(ctx)
    parent = _parent(ctx, parent_id, "translation")
    now = time_now()
    post = Post(created=now, post_date=now, user_id=ctx.caller.account_id, form_id=parent.form_id)
    errors = validate_post(ctx, _own_fields(data), post)
    post.type, post.parent_id = "translation", parent_id
    form = _form(ctx, post)
    authorize(ctx, post_privileges(ctx.caller, post, form), "create", "posts", 0)
    errors += _check_locale(ctx, parent, post)
    if errors:
        ctx.session.rollback()
        raise validation_failed("posts", errors)
    post.slug = f"{slugify(post.title or '')}-{uniqid()}"
    ctx.session.add(post)
    ctx.session.commit()
    if "read" not in post_privileges(ctx.caller, post, form):
        return Response(status_code=204)
    return render_one(ctx, post)


@router.put("/translations/{ident}")
async def update_translation(ctx: CtxDep, parent_id: int, ident: str) -> dict:
    ctx.require_token()
    data = await post_payload(ctx)
    post = _child(ctx, parent_id, ident, "translation", "update")
    parent = get_row(ctx.session, Post, parent_id)
    errors = validate_update(ctx, _own_fields(data), post)
    if "locale" in data:
        errors += _check_locale(ctx, parent, post)
    if errors:
        ctx.session.rollback()
        raise validation_failed("posts", errors)
    post.updated = time_now()
    ctx.session.add(post)
    ctx.session.commit()
    return render_one(ctx, post)


@router.delete("/translations/{ident}")
def delete_translation(ctx: CtxDep, parent_id: int, ident: str) -> dict:
    ctx.require_token()
    post = _child(ctx, parent_id, ident, "translation", "delete")
    rendered = render_one(ctx, post)
    ctx.session.delete(post)
    ctx.session.commit()
    return rendered
