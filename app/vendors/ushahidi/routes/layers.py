"""/api/v5/layers: the map overlays of the v5 API (LayerController, docs/vendors/ushahidi.md §1.24)."""

import contextlib
import json

from sqlalchemy import func
from sqlmodel import select

from crowdmock.core.db import MAX_INTEGER, get_row
from crowdmock.core.payload import whole_number
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.ushahidi.auth import Caller, Ctx, CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import body, time_now
from crowdmock.vendors.ushahidi.errors import UshahidiError, V5ValidationError
from crowdmock.vendors.ushahidi.models import Layer, Media
from crowdmock.vendors.ushahidi.private import members_only
from crowdmock.vendors.ushahidi.v5 import paginated, read_v5_paging

router = LazyRouter(prefix="/api/v5/layers", tags=["layers (v5)"], dependencies=[require_scope("layers")])
ALL = ("read", "create", "update", "delete", "search")
TYPES = ("geojson", "wms", "tile")
COLUMNS = {"id", "media_id", "name", "type", "data_url", "active", "visible_by_default", "created", "updated"}
# LayerRequest::messages(), with trans() of keys the platform's lang files lack left as the key itself.
MESSAGES = {
    "name.required": "Name must not be empty",
    "name.min": "Name must be at least 3 characters long",
    "name.max": "Name must not exceed 50 characters long",
    "type.required": "fields.type must not be empty",
    "type.in": "fields.type must be one of the available options",
    "active.required": "validation.boolean",
    "visible_by_default.required": "validation.boolean",
    "media_id.exists": "fields.media_id must exist",
}
UNAUTHORIZED = "This action is unauthorized."


@members_only
def layer_privileges(caller: Caller, layer: Layer | None) -> list[str]:
    """LayerAuthorizer: admins do everything; other signed-in users only read active layers."""
    if caller.is_admin:
        return list(ALL)
    return ["read"] if caller.user_id and layer is not None and layer.active else []


def render_layer(ctx: Ctx, layer: Layer) -> dict:
    """The model's attributes in column order (ints as MySQL returns them), options decoded as PHP arrays."""
    options = layer.options
    return {
        "id": layer.id,
        "media_id": layer.media_id,
        "name": layer.name,
        "type": layer.type,
        "data_url": layer.data_url,
        "options": [] if options == {} else options,
        "active": layer.active,
        "visible_by_default": layer.visible_by_default,
        "created": layer.created,
        "updated": layer.updated,
        "allowed_privileges": layer_privileges(ctx.caller, layer),
    }


def allow(ctx: Ctx, layer: Layer | None, action: str) -> None:
    """LayerPolicy through Laravel's Gate: a refusal is 403 `This action is unauthorized.`."""
    if action not in layer_privileges(ctx.caller, layer):
        raise UshahidiError(403, UNAUTHORIZED)


def find_layer(ctx: Ctx, layer_id: int) -> Layer:
    layer = get_row(ctx.session, Layer, layer_id)
    if layer is None:
        raise UshahidiError(404, "Layer not found")
    return layer


@router.get("")
def list_layers(ctx: CtxDep) -> dict:
    ctx.require_token()
    allow(ctx, None, "search")
    q = ctx.request.query_params
    where = []
    if kind := q.get("type"):
        where.append(Layer.type == kind)
    active = q.get("active")
    if active not in (None, ""):  # LayerSearchFields: a truthy value means 1, "0" means 0
        where.append(Layer.active == (0 if active == "0" else 1))
    paging = read_v5_paging(ctx, COLUMNS)
    column = getattr(Layer, paging.orderby)
    total = ctx.session.exec(select(func.count()).select_from(Layer).where(*where)).one()
    stmt = select(Layer).where(*where).order_by(column.desc() if paging.descending else column.asc())
    # A page beyond 64 bits of rows is empty (the database driver would fail on the offset).
    in_range = paging.offset <= MAX_INTEGER
    rows = ctx.session.exec(stmt.offset(paging.offset).limit(min(paging.limit, MAX_INTEGER))).all() if in_range else []
    return paginated(f"{ctx.base}/api/v5/layers", [render_layer(ctx, r) for r in rows], total, paging)


@router.get("/{layer_id:int}")
def get_layer(ctx: CtxDep, layer_id: int) -> dict:
    ctx.require_token()
    layer = find_layer(ctx, layer_id)
    allow(ctx, layer, "read")
    return {"result": render_layer(ctx, layer)}


@router.post("")
async def create_layer(ctx: CtxDep) -> dict:
    ctx.require_token()
    data = await body(ctx)
    check(ctx, data, creating=True)
    now = time_now()
    layer = Layer(created=now, updated=now)
    assign(layer, data, creating=True)
    allow(ctx, layer, "create")
    ctx.session.add(layer)
    ctx.session.commit()
    return {"result": render_layer(ctx, layer)}


@router.put("/{layer_id:int}")
async def update_layer(ctx: CtxDep, layer_id: int) -> dict:
    ctx.require_token()
    data = await body(ctx)
    check(ctx, data, creating=False)
    layer = find_layer(ctx, layer_id)
    assign(layer, data, creating=False)
    allow(ctx, layer, "update")
    layer.updated = time_now()
    ctx.session.add(layer)
    ctx.session.commit()
    return {"result": render_layer(ctx, layer)}


@router.delete("/{layer_id:int}")
def delete_layer(ctx: CtxDep, layer_id: int) -> dict:
    ctx.require_token()
    layer = get_row(ctx.session, Layer, layer_id)
    allow(ctx, layer or Layer(active=0), "delete")  # the controller authorizes an empty layer when none is found
    if layer is None:
        raise UshahidiError(404, "Layer not found")
    ctx.session.delete(layer)
    ctx.session.commit()
    return {"result": {"deleted": layer_id}}


def present(data: dict, name: str) -> bool:
    """Laravel's `required`: not null, not blank text, not an empty array."""
    value = data.get(name)
    return not (value is None or (isinstance(value, str) and not value.strip()) or value in ([], {}))


def is_boolean(value) -> bool:
    return value in (True, False, 0, 1, "0", "1") and not isinstance(value, float)


def check(ctx: Ctx, data: dict, creating: bool) -> None:
    """LayerRequest's rules, field by field in their order; a field stops at its first failed presence rule."""
    failures: dict[str, list[str]] = {}

    def fail(name: str, rule: str, default: str) -> None:
        failures.setdefault(name, []).append(MESSAGES.get(f"{name}.{rule}", default))

    presence = "required" if creating else "filled"
    for name in ("name", "type", "active", "visible_by_default"):
        if not present(data, name):
            if creating or name in data:
                fail(name, presence, f"validation.{presence}")
            continue
        value = data[name]
        if name == "name":
            if not isinstance(value, str):
                fail(name, "string", "Name must be text")
            elif len(value) < 2:
                fail(name, "min", "")
            elif len(value) > 50:
                fail(name, "max", "")
        elif name == "type" and (isinstance(value, list | dict) or str(value) not in TYPES):
            fail(name, "in", "")
        elif name in ("active", "visible_by_default") and not is_boolean(value):
            fail(name, "boolean", "validation.boolean")
    if not present(data, "media_id") and not present(data, "data_url"):
        fail("media_id", "required_without_all", "validation.required_without_all")
        fail("data_url", "required_without_all", "validation.required_without_all")
    elif data.get("media_id") is not None and not media_exists(ctx, data["media_id"]):
        # Laravel's `exists` passes a blank text or an empty array, which the server then fails to insert (a 500):
        # crowdmock says the medium does not exist (docs/vendors/ushahidi.md §1.24).
        fail("media_id", "exists", "")
    if "data_url" in data and data["data_url"] is not None and not isinstance(data["data_url"], str):
        fail("data_url", "string", "fields.data_url must be text")
    if failures:
        raise V5ValidationError(failures)


def media_exists(ctx: Ctx, value) -> bool:
    value = whole_number(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_INTEGER:
        return False
    return get_row(ctx.session, Media, value) is not None


def assign(layer: Layer, data: dict, creating: bool) -> None:
    """CreateLayerCommand / UpdateLayerCommand through the Layer entity's casts: fields a create leaves out are
    null (the table's defaults do not apply), an update keeps them."""
    for name in ("media_id", "name", "type", "data_url", "options", "active", "visible_by_default"):
        if name not in data and not creating:
            continue
        value = data.get(name)
        if value is None:
            setattr(layer, name, None if name in ("media_id", "data_url", "options") else getattr(layer, name))
        elif name == "media_id":
            layer.media_id = int(whole_number(value) if not isinstance(value, str) else value.strip())
        elif name == "options":
            layer.options = json_options(value)
        elif name in ("active", "visible_by_default"):
            setattr(layer, name, int(value not in (False, 0, "0")))
        else:
            setattr(layer, name, str(value))


def json_options(value):
    """The entity's `*json` cast (always an array) then the model's mutator (an empty array is stored as null)."""
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    if not isinstance(value, list | dict):
        value = [value]
    return value or None
