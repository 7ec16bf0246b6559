"""Read-mostly reference resources: country codes, data providers, roles and permissions."""

from sqlmodel import select

from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.ushahidi.access import READ_SEARCH, admin_only, authorize, managed
from crowdmock.vendors.ushahidi.auth import Ctx, CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import body, get_or_404, page, read_paging, search
from crowdmock.vendors.ushahidi.errors import UshahidiError, validation_failed
from crowdmock.vendors.ushahidi.models import CountryCode, DataProvider, Permission, Role, User
from crowdmock.vendors.ushahidi.render import envelope

country_codes = LazyRouter(
    prefix="/api/v3/country-codes", tags=["country-codes"], dependencies=[require_scope("country_codes")]
)
dataproviders = LazyRouter(
    prefix="/api/v3/dataproviders", tags=["dataproviders"], dependencies=[require_scope("dataproviders")]
)
roles = LazyRouter(prefix="/api/v3/roles", tags=["roles"], dependencies=[require_scope("roles")])
permissions = LazyRouter(
    prefix="/api/v3/permissions", tags=["permissions"], dependencies=[require_scope("permissions")]
)


def render_country(ctx: Ctx, row: CountryCode) -> dict:
    # The seed's formatter links country codes under `country_codes/`.
    return {
        "id": row.id,
        "url": ctx.url("country_codes", row.id),
        "country_name": row.country_name,
        "dial_code": row.dial_code,
        "country_code": row.country_code,
        "allowed_privileges": country_privileges(ctx),
    }


def country_privileges(ctx: Ctx) -> list[str]:
    """CountryCodeAuthorizer: read and search, for admins and "Manage Settings" only (docs/vendors/ushahidi.md §1.2)."""
    return READ_SEARCH if ctx.caller.can("Manage Settings") else []


@country_codes.get("")
def list_country_codes(ctx: CtxDep) -> dict:
    ctx.require_token()
    authorize(ctx, country_privileges(ctx), "search", "country_codes", 0)
    paging = read_paging(ctx, "id", "asc", {"id", "country_name", "country_code", "dial_code"})
    rows, total = search(ctx, CountryCode, paging)
    return envelope(ctx, [render_country(ctx, r) for r in rows], total, paging)


@country_codes.get("/{code_id:int}")
def get_country_code(ctx: CtxDep, code_id: int) -> dict:
    ctx.require_token()
    row = get_or_404(ctx, CountryCode, code_id, "country_codes")
    authorize(ctx, country_privileges(ctx), "read", "country_codes", code_id)
    return render_country(ctx, row)


def render_provider(ctx: Ctx, row: DataProvider) -> dict:
    return {
        "id": row.id,
        "url": ctx.url("dataprovider", row.id),
        "name": row.name,
        "services": row.services,
        "options": row.options,
        "inbound_fields": row.inbound_fields,
        "allowed_privileges": admin_only(ctx.caller, "Manage Settings"),
    }


@dataproviders.get("")
def list_dataproviders(ctx: CtxDep) -> dict:
    authorize(ctx, admin_only(ctx.caller, "Manage Settings"), "search", "dataproviders", 0)
    paging = read_paging(ctx, "id", "asc", {"id", "name"})
    rows = ctx.session.exec(select(DataProvider).order_by(DataProvider.id)).all()
    if paging.descending:
        rows = list(reversed(rows))
    return envelope(ctx, [render_provider(ctx, r) for r in page(list(rows), paging)], len(rows), paging)


@dataproviders.get("/{provider_id}")
def get_dataprovider(ctx: CtxDep, provider_id: str) -> dict:
    row = get_or_404(ctx, DataProvider, provider_id, "dataproviders")
    authorize(ctx, admin_only(ctx.caller, "Manage Settings"), "read", "dataproviders", provider_id)
    return render_provider(ctx, row)


# --- roles and permissions -------------------------------------------------------------------------------


def render_role(ctx: Ctx, role: Role) -> dict:
    return {
        "id": role.id,
        "url": ctx.url("roles", role.id),
        "name": role.name,
        "display_name": role.display_name,
        "description": role.description,
        "permissions": role.permissions or [],
        "protected": role.protected,
        "allowed_privileges": managed(ctx.caller, "Manage Users"),
    }


def apply_role(ctx: Ctx, role: Role, data: dict, creating: bool) -> None:
    errors = []
    if creating or "name" in data:
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            errors.append(("name", "name must not be empty"))
        elif ctx.session.exec(select(Role).where(Role.name == name.strip(), Role.id != role.id)).first():
            errors.append(("name", f"role {name} already exists"))
        else:
            role.name = name.strip()
    if creating or "display_name" in data:
        display = data.get("display_name", role.name)
        if not isinstance(display, str) or not display.strip():
            errors.append(("display_name", "display_name must not be empty"))
        else:
            role.display_name = display.strip()
    if "description" in data:
        if data["description"] is not None and not isinstance(data["description"], str):
            errors.append(("description", "description must be a string"))
        else:
            role.description = data["description"]
    if "permissions" in data:
        wanted = data["permissions"] or []
        known = set(ctx.session.exec(select(Permission.name)).all())
        if not isinstance(wanted, list) or not all(isinstance(p, str) for p in wanted):
            errors.append(("permissions", "permissions must be an array of permission names"))
        else:
            errors += [("permissions", f"Permission {p} does not exist") for p in wanted if p not in known]
            role.permissions = wanted
    if errors:
        raise validation_failed("roles", errors)


@roles.get("")
def list_roles(ctx: CtxDep) -> dict:
    where = []
    if name := ctx.request.query_params.get("name"):
        where.append(Role.name == name)
    paging = read_paging(ctx, "id", "asc", {"id", "name", "display_name"})
    rows, total = search(ctx, Role, paging, *where)
    return envelope(ctx, [render_role(ctx, r) for r in rows], total, paging)


@roles.post("")
async def create_role(ctx: CtxDep) -> dict:
    ctx.require_token()
    data = await body(ctx)
    authorize(ctx, managed(ctx.caller, "Manage Users"), "create", "roles", 0)
    role = Role(name="", permissions=[])
    apply_role(ctx, role, data, creating=True)
    ctx.session.add(role)
    ctx.session.commit()
    return render_role(ctx, role)


@roles.get("/{role_id:int}")
def get_role(ctx: CtxDep, role_id: int) -> dict:
    return render_role(ctx, get_or_404(ctx, Role, role_id, "roles"))


@roles.put("/{role_id:int}")
async def update_role(ctx: CtxDep, role_id: int) -> dict:
    ctx.require_token()
    data = await body(ctx)
    role = get_or_404(ctx, Role, role_id, "roles")
    authorize(ctx, managed(ctx.caller, "Manage Users"), "update", "roles", role_id)
    old_name = role.name
    if role.protected and "name" in data and data["name"] != role.name:
        raise validation_failed("roles", [("name", "the name of a protected role cannot change")])
    apply_role(ctx, role, data, creating=False)
    if role.name != old_name:
        for user in ctx.session.exec(select(User).where(User.role == old_name)).all():
            user.role = role.name
            ctx.session.add(user)
    ctx.session.add(role)
    ctx.session.commit()
    return render_role(ctx, role)


@roles.delete("/{role_id:int}")
def delete_role(ctx: CtxDep, role_id: int) -> dict:
    ctx.require_token()
    role = get_or_404(ctx, Role, role_id, "roles")
    authorize(ctx, managed(ctx.caller, "Manage Users"), "delete", "roles", role_id)
    if role.protected:
        raise UshahidiError(403, f"User {ctx.caller.user_id} is not allowed to delete resource roles #{role_id}")
    rendered = render_role(ctx, role)
    for user in ctx.session.exec(select(User).where(User.role == role.name)).all():
        user.role = "user"
        ctx.session.add(user)
    ctx.session.delete(role)
    ctx.session.commit()
    return rendered


def render_permission(ctx: Ctx, row: Permission) -> dict:
    return {
        "id": row.id,
        "url": ctx.url("permissions", row.id),
        "name": row.name,
        "description": row.description,
        "allowed_privileges": READ_SEARCH,
    }


@permissions.get("")
def list_permissions(ctx: CtxDep) -> dict:
    paging = read_paging(ctx, "id", "asc", {"id", "name"})
    rows, total = search(ctx, Permission, paging)
    return envelope(ctx, [render_permission(ctx, r) for r in rows], total, paging)


@permissions.get("/{permission_id:int}")
def get_permission(ctx: CtxDep, permission_id: int) -> dict:
    return render_permission(ctx, get_or_404(ctx, Permission, permission_id, "permissions"))
