"""What the Crowdynews route functions share: the JSON body (its faults as Crowdynews' 400) and the lookups that
answer 404 (or 403 for another customer's resource)."""

from fastapi import Request
from sqlmodel import Session as DbSession
from sqlmodel import select

from crowdmock.core.payload import read_payload
from crowdmock.vendors.crowdynews.auth import Caller
from crowdmock.vendors.crowdynews.errors import CrowdynewsError
from crowdmock.vendors.crowdynews.models import Resource
from crowdmock.vendors.crowdynews.resources import Kind


async def body_of(request: Request):
    payload = await read_payload(request)
    if payload.malformed:
        raise CrowdynewsError(400, "The request body is not valid JSON.")
    if payload.not_an_object:
        raise CrowdynewsError(400, "The request body must be a JSON object.")
    return payload.data


def load_resource(db: DbSession, caller: Caller, kind: Kind, ident: str) -> Resource:
    """A Control API resource of the caller's customer."""
    row = db.get(Resource, ident)
    if row is None or row.kind != kind.name:
        raise CrowdynewsError(404, f"The {kind.label} {ident} was not found.")
    if row.customer_id != caller.customer_id:
        raise CrowdynewsError(403, f"You have no access to this {kind.label}.")
    return row


def find_contract(db: DbSession, ref: str) -> Resource:
    """A contract by its slug or `_id` (the Content API's path)."""
    row = db.get(Resource, ref)
    if row is None or row.kind != "contracts":
        query = select(Resource).where(Resource.kind == "contracts")
        row = next((r for r in db.exec(query) if (r.doc or {}).get("slug") == ref), None)
    if row is None:
        raise CrowdynewsError(404, f"Contract {ref} was not found.")
    return row
