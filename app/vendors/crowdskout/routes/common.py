"""Request helpers of the Crowdskout routes."""

from fastapi import Request

from crowdmock.core.payload import read_payload
from crowdmock.vendors.crowdskout.errors import CrowdskoutError


async def json_body(request: Request) -> dict:
    payload = await read_payload(request)
    if payload.malformed:
        raise CrowdskoutError(400, "The request body is not valid JSON.")
    if payload.not_an_object:
        raise CrowdskoutError(400, "The request body must be a JSON object.")
    return payload.data
