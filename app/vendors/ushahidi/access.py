"""`allowed_privileges` per resource and caller (docs/vendors/ushahidi.md §1.7), and the refusal that follows."""

from sqlalchemy import Row

from crowdmock.vendors.ushahidi.auth import Caller, Ctx
from crowdmock.vendors.ushahidi.errors import MSG_NO_TOKEN, UshahidiError, unauthorized
from crowdmock.vendors.ushahidi.models import Form, Post, Set, Tag, User
from crowdmock.vendors.ushahidi.private import members_only

ALL = ("read", "create", "update", "delete", "search")
READ_SEARCH = ["read", "search"]
POST_PRIVS = (*ALL, "change_status", "read_full")
USER_PRIVS = (*ALL, "read_full", "register")
# The permission behind export jobs and CSV imports.
BULK = "Bulk Data Import and Export"


def _ordered(allowed: set[str], order=ALL) -> list[str]:
    return [p for p in order if p in allowed]


def managed(caller: Caller, permission: str) -> list[str]:
    """Resources an admin or a holder of `permission` may do everything with; others only read."""
    return list(ALL) if caller.can(permission) else READ_SEARCH


def admin_only(caller: Caller, permission: str) -> list[str]:
    return list(ALL) if caller.can(permission) else []


@members_only
def post_privileges(caller: Caller, post: Post | None, form: Form | Row | None = None) -> list[str]:
    if caller.is_admin:
        return list(POST_PRIVS)
    allowed = {"search"}
    if caller.can("Manage Posts"):
        allowed |= {"read", "create", "update", "change_status", "read_full"}
        if caller.can("Delete Posts"):
            allowed.add("delete")
        return _ordered(allowed, POST_PRIVS)
    owner = post is not None and caller.owns(post.user_id)
    may_post_to_form = form is None or form.everyone_can_create or caller.role in (form.can_create or [])
    if (post is None or post.user_id is None or owner) and may_post_to_form:
        allowed.add("create")
    if post is None or owner or is_published_to(post, caller.role):
        allowed.add("read")
    if owner and caller.can("Edit their own posts"):
        allowed.add("update")
    if owner and caller.can("Delete Their Own Posts"):
        allowed.add("delete")
    return _ordered(allowed, POST_PRIVS)


def is_published_to(post: Post, role: str | None) -> bool:
    if post.status != "published":
        return False
    published_to = post.published_to or []
    return not published_to or (role is not None and role in published_to)


def set_privileges(caller: Caller, item: Set | None) -> list[str]:
    if caller.locked_out:  # SetAuthorizer lets anyone search, before the private-deployment check (§1.26)
        return ["search"]
    if caller.can("Manage Collections and Saved Searches") or (item is not None and caller.owns(item.user_id)):
        return list(ALL)
    allowed = {"search"}
    if caller.has_user:
        allowed.add("create")
    if item is None or not item.role or (caller.role in item.role):
        allowed.add("read")
    return _ordered(allowed)


@members_only
def tag_privileges(caller: Caller, tag: Tag | None) -> list[str]:
    if caller.can("Manage Settings"):
        return list(ALL)
    if tag is not None and tag.role and caller.role not in tag.role:
        return ["search"]
    return READ_SEARCH


@members_only
def form_privileges(caller: Caller, form: Form | None) -> list[str]:
    if caller.can("Manage Settings"):
        return list(ALL)
    return ["search"] if form is not None and form.disabled else READ_SEARCH


@members_only
def user_privileges(caller: Caller, user: User | None) -> list[str]:
    """UserAuthorizer: "Manage Users" everything but deleting oneself; anyone else reads, updates and reads in full
    only themselves, and may always register (no `search`: a plain user's list is refused)."""
    if caller.can("Manage Users"):
        allowed = set(USER_PRIVS)
        if user is not None and caller.owns(user.id):
            allowed.discard("delete")
        return _ordered(allowed, USER_PRIVS)
    allowed = {"register"}
    if user is not None and caller.owns(user.id):
        allowed |= {"read", "update", "read_full"}
    return _ordered(allowed, USER_PRIVS)


def deny(ctx: Ctx, action: str, resource: str, ident) -> UshahidiError:
    """Authorizer refusal: 401 without an Authorization header, else `User N is not allowed to ...`."""
    if not ctx.caller.token_present:
        return unauthorized(MSG_NO_TOKEN)
    return UshahidiError(403, f"User {ctx.caller.user_id} is not allowed to {action} resource {resource} #{ident or 0}")


def authorize(ctx: Ctx, privileges: list[str], action: str, resource: str, ident) -> None:
    if action not in privileges:
        raise deny(ctx, action, resource, ident)
