"""/api/v3/hxl: the HXL feature's licenses, tags and HDX metadata (docs/vendors/ushahidi.md §1.17).

Every route is behind `auth:api` (no token: 401) and then `feature:hxl` (switched off: a bare 404); no scope."""

from typing import NoReturn

from fastapi import Response
from sqlmodel import select

from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.ushahidi.access import ALL, authorize, deny
from crowdmock.vendors.ushahidi.auth import Caller, Ctx, CtxDep
from crowdmock.vendors.ushahidi.deps import body, read_paging, search
from crowdmock.vendors.ushahidi.errors import ERROR_CONTENT, UshahidiError, validation_failed
from crowdmock.vendors.ushahidi.hxl import (
    exists,
    hxl_enabled,
    hxl_privileges,
    php_bool,
    php_int,
    php_string,
    text_error,
)
from crowdmock.vendors.ushahidi.models import (
    HxlAttribute,
    HxlAttributeTypeTag,
    HxlLicense,
    HxlMetadata,
    HxlTag,
    HxlTagAttribute,
)
from crowdmock.vendors.ushahidi.render import envelope, w3c

router = LazyRouter(prefix="/api/v3/hxl", tags=["hxl"])
LICENSE_COLUMNS = {"id", "code", "name", "link"}
TAG_COLUMNS = {"id", "tag_name", "description"}


def hxl_gate(ctx: Ctx) -> None:
    ctx.require_token()
    if not hxl_enabled(ctx.session):
        raise UshahidiError(404)  # CheckFeature: abort(404)


@router.get("")
def hxl_index(ctx: CtxDep) -> dict:
    """HXLController@index: a placeholder that never calls HDX."""
    hxl_gate(ctx)
    return {"hxl": []}


def render_license(ctx: Ctx, row: HxlLicense) -> dict:
    return {
        "id": row.id,
        "url": ctx.url("hxl_license", row.id),
        "code": row.code.strip(),
        "name": row.name.strip(),
        "link": row.link.strip(),
        "allowed_privileges": hxl_privileges(ctx.caller),
    }


@router.get("/licenses")
def list_licenses(ctx: CtxDep) -> dict:
    hxl_gate(ctx)
    authorize(ctx, hxl_privileges(ctx.caller), "search", "hxl_license", 0)
    q = ctx.request.query_params
    where = [getattr(HxlLicense, name) == q[name] for name in ("code", "name") if q.get(name)]
    paging = read_paging(ctx, "id", "asc", LICENSE_COLUMNS)
    rows, total = search(ctx, HxlLicense, paging, *where)
    return envelope(ctx, [render_license(ctx, r) for r in rows], total, paging)


def tag_attributes(ctx: Ctx) -> dict[int, dict | list]:
    """HXLTagRepository::getAllHXLAttributes: one query over every tag's attributes, filtered per tag with PHP's
    array_filter, which keeps the positions; only the first tag's block starts at 0 and encodes as a JSON list,
    the others as objects keyed by position (docs/vendors/ushahidi.md §1.17)."""
    stmt = (
        select(HxlTagAttribute.tag_id, HxlAttribute.id, HxlAttribute.attribute, HxlAttribute.description)
        .join(HxlTag, HxlTag.id == HxlTagAttribute.tag_id)
        .join(HxlAttribute, HxlAttribute.id == HxlTagAttribute.attribute_id)
        .order_by(HxlTagAttribute.tag_id, HxlTagAttribute.attribute_id)
    )
    blocks: dict[int, dict[int, dict]] = {}
    for position, (tag_id, attribute_id, attribute, description) in enumerate(ctx.session.exec(stmt).all()):
        item = {"hxl_tag_id": tag_id, "id": attribute_id, "attribute": attribute, "description": description}
        blocks.setdefault(tag_id, {})[position] = item
    out: dict[int, dict | list] = {}
    for tag_id, block in blocks.items():
        keys = list(block)
        out[tag_id] = list(block.values()) if keys == list(range(len(keys))) else {str(k): v for k, v in block.items()}
    return out


@router.get("/tags")
def list_tags(ctx: CtxDep) -> dict:
    hxl_gate(ctx)
    privileges = hxl_privileges(ctx.caller)
    authorize(ctx, privileges, "search", "hxl_tag", 0)
    paging = read_paging(ctx, "id", "asc", TAG_COLUMNS)  # `tag_name` is a declared filter that filters nothing
    rows, total = search(ctx, HxlTag, paging)
    attributes = tag_attributes(ctx)
    types: dict[int, list[dict]] = {}
    for link in ctx.session.exec(select(HxlAttributeTypeTag).order_by(HxlAttributeTypeTag.id)).all():
        types.setdefault(link.hxl_tag_id, []).append({"form_attribute_type": link.form_attribute_type})
    results = [
        {
            "id": tag.id,
            "url": ctx.url("hxl_tag", tag.id),
            "tag_name": tag.tag_name.strip(),
            "hxl_attributes": attributes.get(tag.id, []),
            "form_attribute_types": types.get(tag.id, []),
            "allowed_privileges": privileges,
        }
        for tag in rows
    ]
    return envelope(ctx, results, total, paging)


def metadata_privileges(caller: Caller, owner_id: int | None) -> list[str]:
    """HXLMetadataAuthorizer: HXLAuthorizer's permission and ownership, for every privilege."""
    owns = bool(caller.user_id) and owner_id == caller.user_id
    return list(ALL) if owns and hxl_privileges(caller) else []


def render_metadata(ctx: Ctx, row: HxlMetadata) -> dict:
    return {
        "id": row.id,
        "url": ctx.url("hxl_meta_data", row.id),
        "user": ctx.ref("users", row.user_id),
        "private": row.private,
        "dataset_title": row.dataset_title.strip(),
        "license_id": row.license_id,
        "organisation_id": row.organisation_id.strip(),
        "organisation_name": row.organisation_name.strip() if row.organisation_name is not None else None,
        "source": row.source.strip(),
        "created": w3c(row.created),
        "updated": w3c(row.updated) if row.updated else None,
        "allowed_privileges": metadata_privileges(ctx.caller, row.user_id),
    }


# The search use case asks the authoriser about an empty entity, which nobody owns: always 403, so the OpenAPI
# document gives the route no success answer (docs/vendors/ushahidi.md §1.17).
NEVER_ALLOWED = {403: {"description": "Always: nobody may search HXL metadata", "content": ERROR_CONTENT}}


@router.get("/metadata", status_code=403, response_model=None, responses=NEVER_ALLOWED)
def list_metadata(ctx: CtxDep) -> NoReturn:
    hxl_gate(ctx)
    raise deny(ctx, "search", "hxl_meta_data", 0)


def text_field(data: dict, name: str, minimum: int) -> tuple[str | None, str | None]:
    raw = data.get(name)
    if isinstance(raw, list | dict):
        return None, f"{name} must be text"  # the server fails on PHP's array-to-string warning
    value = php_string(raw)
    return value, text_error(name, value, minimum)


def metadata_errors(ctx: Ctx, data: dict, private, license_id) -> tuple[dict, list[tuple[str, str]]]:
    """Validator\\HXL\\Metadata\\Create, in its rules' order, one message per field."""
    errors: list[tuple[str, str]] = []
    if private is None:
        errors.append(("private", "Private should be a boolean. Received: NULL"))
    values = {}
    for name, minimum in (("dataset_title", 2), ("organisation_id", 1), ("organisation_name", 1), ("source", 2)):
        values[name], problem = text_field(data, name, minimum)
        if problem:
            errors.append((name, problem))
    if license_id is None:
        errors.append(("license_id", "license_id must not be empty"))  # the server fails on its NOT NULL column
    elif not exists(ctx.session, HxlLicense, license_id):
        errors.append(("license_id", "license_id must exist"))
    return values, errors


@router.post("/metadata")
async def create_metadata(ctx: CtxDep) -> dict:
    hxl_gate(ctx)
    data = await body(ctx)
    user_id = php_int(data.get("user_id")) or ctx.caller.user_id or None
    authorize(ctx, metadata_privileges(ctx.caller, user_id), "create", "hxl_meta_data", 0)
    private, license_id = php_bool(data.get("private")), php_int(data.get("license_id"))
    values, errors = metadata_errors(ctx, data, private, license_id)
    if errors:
        raise validation_failed("hxl_meta_data", errors)
    # `created` keeps its column default: the repository's insert does not set it.
    row = HxlMetadata(private=private, license_id=license_id, user_id=user_id, **values)
    ctx.session.add(row)
    ctx.session.commit()
    return render_metadata(ctx, row)


@router.get("/organisations")
def list_organisations(ctx: CtxDep) -> Response:
    """GetByUser asks HDX for the user's organisations; without an HDX server it has none, and the empty answer is a
    204 (RESTController::prepResponse)."""
    hxl_gate(ctx)
    return Response(status_code=204)
