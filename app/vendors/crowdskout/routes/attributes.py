"""/v1/attribute (and the /v1/attributes alias a real client calls)."""

from fastapi import Depends, Request
from sqlmodel import func, select

from crowdmock.core.db import SessionDep
from crowdmock.core.pagination import to_int
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.crowdskout import render
from crowdmock.vendors.crowdskout.auth import get_caller
from crowdmock.vendors.crowdskout.deps import json_body, load_attribute
from crowdmock.vendors.crowdskout.errors import CrowdskoutError
from crowdmock.vendors.crowdskout.models import ATTRIBUTE_TYPES, CHOICE_TYPES, Attribute, Profile
from crowdmock.vendors.crowdskout.render import envelope

router = LazyRouter(prefix="/v1", tags=["attributes"], dependencies=[Depends(get_caller)])


def list_attributes(request: Request, session: SessionDep) -> dict:
    limit = to_int(request.query_params.get("limit"), None, minimum=0)
    offset = to_int(request.query_params.get("offset"), 0, minimum=0)
    total = session.exec(select(func.count()).select_from(Attribute)).one()
    stmt = select(Attribute).order_by(Attribute.id).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return envelope({"total": total, "list": [render.attribute(a, list_order=True) for a in session.exec(stmt).all()]})


router.add_api_route("/attribute", list_attributes, methods=["GET"])
router.add_api_route("/attributes", list_attributes, methods=["GET"], include_in_schema=False)


def _name(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CrowdskoutError(400, "The name field is required and must be a string.")
    return value.strip()


def _option_value(option) -> str:
    if not isinstance(option, dict) or not isinstance(option.get("value"), str) or not option["value"].strip():
        raise CrowdskoutError(400, "Each option needs a string value.")
    return option["value"].strip()


@router.post("/attribute")
async def create_attribute(request: Request, session: SessionDep) -> dict:
    body = await json_body(request)
    name = _name(body.get("name"))
    kind = body.get("type")
    if kind not in ATTRIBUTE_TYPES:
        raise CrowdskoutError(400, f"The type field must be one of: {', '.join(ATTRIBUTE_TYPES)}.")
    locked = body.get("locked", False)
    if not isinstance(locked, bool):
        raise CrowdskoutError(400, "The locked field must be a boolean.")
    options = None
    if kind in CHOICE_TYPES:
        raw = body.get("options")
        if not isinstance(raw, list) or not raw:
            raise CrowdskoutError(400, f"Options are required for {kind} attributes.")
        options = [{"id": n, "value": _option_value(o)} for n, o in enumerate(raw, start=1)]
    attribute = Attribute(name=name, type=kind, locked=locked, options=options)
    session.add(attribute)
    session.commit()
    return envelope(render.attribute(attribute))


@router.get("/attribute/{attribute_id:int}")
def get_attribute(session: SessionDep, attribute_id: int) -> dict:
    return envelope(render.attribute(load_attribute(session, attribute_id)))


@router.put("/attribute/{attribute_id:int}")
async def update_attribute(request: Request, session: SessionDep, attribute_id: int) -> dict:
    body = await json_body(request)
    attribute = load_attribute(session, attribute_id)
    if "type" in body and body["type"] != attribute.type:
        raise CrowdskoutError(400, "The type of an attribute cannot be changed.")
    name = _name(body["name"]) if "name" in body else attribute.name
    options = list(attribute.options or [])
    if "options" in body:
        if attribute.type not in CHOICE_TYPES or not isinstance(body["options"], list):
            raise CrowdskoutError(400, f"{attribute.type} attributes have no options.")
        for given in body["options"]:
            if not isinstance(given, dict):
                raise CrowdskoutError(400, "Each option must be an object.")
            ident = given.get("id")
            index = next((i for i, o in enumerate(options) if ident and o["id"] == ident), None)
            if given.get("delete") is True:
                if index is not None:
                    options.pop(index)
            elif not ident:
                next_id = 1 + max((o["id"] for o in attribute.options or []), default=0)
                next_id = max(next_id, 1 + max((o["id"] for o in options), default=0))
                options.append({"id": next_id, "value": _option_value(given)})
            elif index is not None:
                options[index] = {"id": ident, "value": _option_value(given)}
            else:
                raise CrowdskoutError(404, f"Option {ident} not found on attribute {attribute_id}.")
        if not options:
            raise CrowdskoutError(400, f"Options are required for {attribute.type} attributes.")
    attribute.name, attribute.options = name, options if attribute.type in CHOICE_TYPES else None
    session.add(attribute)
    session.commit()
    return envelope(render.attribute(attribute))


@router.delete("/attribute/{attribute_id:int}")
def delete_attribute(session: SessionDep, attribute_id: int) -> dict:
    attribute = load_attribute(session, attribute_id)
    for profile in session.exec(select(Profile)).all():
        items = (profile.collections or {}).get("Attributes")
        if items and any(i.get("AttributeId") == attribute_id for i in items):
            kept = [i for i in items if i.get("AttributeId") != attribute_id]
            profile.collections = {**profile.collections, "Attributes": kept}
            session.add(profile)
    session.delete(attribute)
    session.commit()
    return envelope({})
