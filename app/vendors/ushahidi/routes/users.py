"""The API index, registration, password reset and /api/v3/users."""

import base64
import hashlib
import re

from fastapi import Response
from sqlalchemy import or_
from sqlmodel import select

from crowdmock.core import clock
from crowdmock.core.db import get_row
from crowdmock.core.passwords import hash_password
from crowdmock.core.routing import LazyRouter
from crowdmock.core.tenancy import tenant_of
from crowdmock.vendors.ushahidi.access import authorize, user_privileges
from crowdmock.vendors.ushahidi.auth import Ctx, CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import body, get_or_404, read_paging, search, time_now
from crowdmock.vendors.ushahidi.errors import ERROR_CONTENT, UshahidiError, not_found, validation_failed
from crowdmock.vendors.ushahidi.models import ConfigGroup, Contact, Post, ResetToken, Role, Set, User
from crowdmock.vendors.ushahidi.render import envelope, w3c

public = LazyRouter(prefix="/api/v3", tags=["index"])
users = LazyRouter(prefix="/api/v3/users", tags=["users"], dependencies=[require_scope("users")])
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@public.get("")
def index(ctx: CtxDep) -> dict:
    user = ctx.caller.user
    return {
        "now": clock.now().strftime("%Y-%m-%dT%H:%M:%S+00:00"),
        "version": "3",
        "user": {
            "id": user.id if user else None,
            "email": user.email if user else None,
            "realname": user.realname if user else None,
        },
    }


def render_user(ctx: Ctx, user: User, full: bool = False) -> dict:
    privileges = user_privileges(ctx.caller, user)
    contacts = ctx.session.exec(select(Contact.id).where(Contact.user_id == user.id)).all()
    contact_refs = [ctx.ref("contacts", c) for c in contacts]
    if "read_full" not in privileges and not full:
        return {
            "id": user.id,
            "url": ctx.url("users", user.id),
            "realname": user.realname,
            "allowed_privileges": privileges,
            "contacts": contact_refs,
        }
    email = (user.email or "").strip().lower()
    return {
        "id": user.id,
        "url": ctx.url("users", user.id),
        "email": user.email,
        "realname": user.realname,
        "logins": user.logins,
        "failed_attempts": user.failed_attempts,
        "last_login": user.last_login,
        "last_attempt": user.last_attempt,
        "created": w3c(user.created),
        "updated": w3c(user.updated),
        "role": user.role,
        "language": user.language,
        "contacts": contact_refs,
        "gravatar": hashlib.md5(email.encode()).hexdigest() if email else "0" * 32,
        "allowed_privileges": privileges,
    }


def apply_user(ctx: Ctx, user: User, data: dict, creating: bool, may_set_role: bool) -> None:
    errors = []
    if "email" in data or creating:
        email = data.get("email")
        if not isinstance(email, str) or not email.strip():
            errors.append(("email", "email must not be empty"))
        elif not EMAIL.match(email.strip()) or len(email) > 150:
            errors.append(("email", "email must be an email address"))
        else:
            taken = ctx.session.exec(select(User).where(User.email == email.strip(), User.id != user.id)).first()
            if taken is not None:
                errors.append(("email", "email is already in use"))
            user.email = email.strip()
    if "realname" in data:
        if data["realname"] is not None and (not isinstance(data["realname"], str) or len(data["realname"]) > 150):
            errors.append(("realname", "realname must be a string of at most 150 characters"))
        else:
            user.realname = data["realname"]
    if "password" in data or creating:
        password = data.get("password")
        if not isinstance(password, str) or not password:
            errors.append(("password", "password must not be empty"))
        elif not 7 <= len(password) <= 72:
            errors.append(
                (
                    "password",
                    "password must be at least 7 characters long"
                    if len(password) < 7
                    else "password must not exceed 72 characters long",
                )
            )
        else:
            user.password_hash = hash_password(password)
    if "language" in data:
        if data["language"] is not None and not isinstance(data["language"], str):
            errors.append(("language", "language must be a string"))
        else:
            user.language = data["language"]
    if "role" in data and may_set_role:
        role = data["role"]
        found = ctx.session.exec(select(Role).where(Role.name == role)).first() if isinstance(role, str) else None
        if found is None:
            errors.append(("role", f"Role {role} does not exist"))
        else:
            user.role = role
            if ctx.caller.owns(user.id):
                ctx.caller.changed_role(role, found.permissions)
    if errors:
        raise validation_failed("users", errors)


@public.post(
    "/register", responses={429: {"description": "Too Many Requests (per deployment)", "content": ERROR_CONTENT}}
)
async def register(ctx: CtxDep) -> dict:
    """docs/vendors/ushahidi.md §1.2: RegisterUser counts every call, before any other check, in one bucket for the
    whole deployment (the platform keys its limiter by the new user's id, which is still null)."""
    settings = ctx.settings
    limiter = tenant_of(ctx.request).control.limiter(
        "ushahidi.register", settings.ushahidi_register_limit, settings.ushahidi_register_window_seconds
    )
    if not limiter.allow("deployment"):
        raise UshahidiError(429, "Too Many Requests")
    site = get_row(ctx.session, ConfigGroup, "site")
    if site and (site.data or {}).get("disable_registration"):
        raise UshahidiError(403, "Registration Disabled")
    data = await body(ctx)
    user = User(role="user", created=time_now())
    # docs/vendors/ushahidi.md §1.2: the role is forced to `user`, whatever the body says.
    apply_user(ctx, user, data, creating=True, may_set_role=False)
    ctx.session.add(user)
    ctx.session.commit()
    return render_user(ctx, user, full=True)  # the new member sees their own record


@public.post("/passwordreset", status_code=204)
async def password_reset(ctx: CtxDep) -> Response:
    data = await body(ctx)
    if "email" not in data:
        given = ", ".join(data.keys())
        raise UshahidiError(
            400,
            f"Bad request: Payload parameter email has not been declared, defined parameters are: {given}",
        )
    email = data["email"]
    user = ctx.session.exec(select(User).where(User.email == email)).first() if isinstance(email, str) else None
    if user is not None:
        # GetResetToken: six upper-case hex digits (`sprintf('%06X', mt_rand(0, 16777215))`).
        ctx.session.add(ResetToken(token=clock.token_hex(3).upper(), user_id=user.id, created=time_now()))
        ctx.session.commit()
    return Response(status_code=204)  # docs/vendors/ushahidi.md §1.2: 204 whether or not the e-mail exists


# Reset tokens expire 30 minutes after they are drawn (UserRepository::isValidResetToken).
RESET_TOKEN_SECONDS = 1800


def reset_token_text(token) -> str | None:
    """The token as ResetUserPassword reads it: base64 is decoded first (`is_base64`)."""
    if not isinstance(token, str):
        return None
    if re.fullmatch(r"[a-zA-Z0-9/\r\n+]*={0,2}", token):
        try:
            decoded = base64.b64decode(token, validate=False)
        except ValueError:
            return token
        if base64.b64encode(decoded).decode() == token:
            return decoded.decode("utf-8", "replace")
    return token


@public.post("/passwordreset/confirm", status_code=204)
async def password_reset_confirm(ctx: CtxDep) -> Response:
    """docs/vendors/ushahidi.md §1.2: Validator\\User\\Reset (token, then password), then the new password and the
    token's removal."""
    data = await body(ctx)
    errors = []
    token, password = reset_token_text(data.get("token")), data.get("password")
    reset = get_row(ctx.session, ResetToken, token) if token else None
    if reset is None or reset.created <= time_now() - RESET_TOKEN_SECONDS:
        errors.append(("token", "Invalid or expired reset token"))
    if not isinstance(password, str) or len(password) < 7:
        errors.append(("password", "password must be at least 7 characters long"))
    elif len(password) > 72:
        errors.append(("password", "password must not exceed 72 characters long"))
    if errors:
        raise validation_failed("users", errors)
    user = get_row(ctx.session, User, reset.user_id)
    if user is not None:
        user.password_hash, user.updated = hash_password(password), time_now()
        ctx.session.add(user)
    ctx.session.delete(reset)
    ctx.session.commit()
    return Response(status_code=204)


def me(ctx: Ctx) -> User:
    ctx.require_token()
    if ctx.caller.user is None:
        raise not_found("users", "0")
    return ctx.caller.user


@users.get("/me")
def get_me(ctx: CtxDep) -> dict:
    return render_user(ctx, me(ctx))


@users.put("/me")
async def update_me(ctx: CtxDep) -> dict:
    user = me(ctx)
    data = await body(ctx)
    if "role" in data and data["role"] != user.role and not ctx.caller.can("Manage Users"):
        raise UshahidiError(403, f"User {user.id} is not allowed to change_role resource users #{user.id}")
    apply_user(ctx, user, data, creating=False, may_set_role=ctx.caller.can("Manage Users"))
    user.updated = time_now()
    ctx.session.add(user)
    ctx.session.commit()
    return render_user(ctx, user)


@users.get("")
def list_users(ctx: CtxDep) -> dict:
    authorize(ctx, user_privileges(ctx.caller, None), "search", "users", 0)
    q = ctx.request.query_params
    where = []
    if email := q.get("email"):
        where.append(User.email == email)
    if roles := [r for v in q.getlist("role") + q.getlist("role[]") for r in v.split(",") if r]:
        where.append(User.role.in_(roles))
    if text := q.get("q"):
        where.append(or_(User.email.like(f"%{text}%"), User.realname.like(f"%{text}%")))
    paging = read_paging(ctx, "id", "asc", {"id", "email", "realname", "created", "updated"})
    rows, total = search(ctx, User, paging, *where)
    return envelope(ctx, [render_user(ctx, u) for u in rows], total, paging)


@users.post("")
async def create_user(ctx: CtxDep) -> dict:
    ctx.require_token()
    data = await body(ctx)
    authorize(ctx, user_privileges(ctx.caller, None), "create", "users", 0)
    user = User(role="user", created=time_now())
    apply_user(ctx, user, data, creating=True, may_set_role=True)
    ctx.session.add(user)
    ctx.session.commit()
    return render_user(ctx, user)


@users.get("/{user_id:int}")
def get_user(ctx: CtxDep, user_id: int) -> dict:
    user = get_or_404(ctx, User, user_id, "users")
    authorize(ctx, user_privileges(ctx.caller, user), "read", "users", user_id)
    return render_user(ctx, user)


@users.put("/{user_id:int}")
async def update_user(ctx: CtxDep, user_id: int) -> dict:
    ctx.require_token()
    data = await body(ctx)
    user = get_or_404(ctx, User, user_id, "users")
    authorize(ctx, user_privileges(ctx.caller, user), "update", "users", user_id)
    if "role" in data and data["role"] != user.role and not ctx.caller.can("Manage Users"):
        raise UshahidiError(403, f"User {ctx.caller.user_id} is not allowed to change_role resource users #{user_id}")
    apply_user(ctx, user, data, creating=False, may_set_role=ctx.caller.can("Manage Users"))
    user.updated = time_now()
    ctx.session.add(user)
    ctx.session.commit()
    return render_user(ctx, user)


@users.delete("/{user_id:int}")
def delete_user(ctx: CtxDep, user_id: int) -> dict:
    ctx.require_token()
    user = get_or_404(ctx, User, user_id, "users")
    authorize(ctx, user_privileges(ctx.caller, user), "delete", "users", user_id)
    rendered = render_user(ctx, user)
    # Posts and sets keep existing without an owner, as Ushahidi's `ON DELETE SET NULL` keys do.
    for model in (Post, Set, Contact):
        for row in ctx.session.exec(select(model).where(model.user_id == user_id)).all():
            row.user_id = None
            ctx.session.add(row)
    ctx.session.delete(user)
    ctx.session.commit()
    return rendered
