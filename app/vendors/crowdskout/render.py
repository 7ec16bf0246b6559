"""Crowdskout's wire format: the `{"success", "messages", "data"}` envelope of every answer and the field order of
an attribute."""

from crowdmock.vendors.crowdskout.models import CHOICE_TYPES, Attribute


def envelope(data, messages: list | None = None) -> dict:
    return {"success": True, "messages": messages or [], "data": data}


def attribute(attribute: Attribute, list_order: bool = False) -> dict:
    """The docs list attributes as id, type, locked, name and show a single one as id, name, type, locked."""
    if list_order:
        out = {"id": attribute.id, "type": attribute.type, "locked": attribute.locked, "name": attribute.name}
    else:
        out = {"id": attribute.id, "name": attribute.name, "type": attribute.type, "locked": attribute.locked}
    if attribute.type in CHOICE_TYPES:
        out["options"] = attribute.options or []
    return out
