"""What the Crowdskout route functions share: the JSON body (its faults as Crowdskout's 400) and the lookups that
answer 404."""

from fastapi import Request
from sqlmodel import Session

from crowdmock.core.db import get_row
from crowdmock.core.payload import read_payload
from crowdmock.vendors.crowdskout.errors import CrowdskoutError
from crowdmock.vendors.crowdskout.models import Attribute, Profile


async def json_body(request: Request) -> dict:
    payload = await read_payload(request)
    if payload.malformed:
        raise CrowdskoutError(400, "The request body is not valid JSON.")
    if payload.not_an_object:
        raise CrowdskoutError(400, "The request body must be a JSON object.")
    return payload.data


def load_attribute(session: Session, attribute_id: int) -> Attribute:
    attribute = get_row(session, Attribute, attribute_id)
    if attribute is None:
        raise CrowdskoutError(404, f"Attribute {attribute_id} not found.")
    return attribute


def load_profile(session: Session, profile_id) -> Profile:
    profile = get_row(session, Profile, profile_id) if isinstance(profile_id, int) else None
    if profile is None:
        raise CrowdskoutError(404, f"Profile {profile_id} not found.")
    return profile
