"""/v1/profile: get with collections, create, update, bulk, non-match check and external ids."""

from fastapi import Depends, Request
from sqlmodel import Session, select

from crowdmock.core.db import SessionDep
from crowdmock.core.payload import whole_number
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.crowdskout.auth import get_caller
from crowdmock.vendors.crowdskout.collections import ALIASES, COLLECTIONS
from crowdmock.vendors.crowdskout.deps import json_body, load_profile
from crowdmock.vendors.crowdskout.errors import CrowdskoutError
from crowdmock.vendors.crowdskout.models import Profile
from crowdmock.vendors.crowdskout.profiles import apply_profile, render_profile, select_items
from crowdmock.vendors.crowdskout.render import envelope
from crowdmock.vendors.crowdskout.segments import differs

router = LazyRouter(prefix="/v1", tags=["profile"], dependencies=[Depends(get_caller)])


def requested_collections(request: Request) -> list[str]:
    raw = request.query_params.get("collections")
    if not raw or not raw.strip():
        raise CrowdskoutError(400, "The collections parameter is required.")
    names = [ALIASES.get(n.strip(), n.strip()) for n in raw.split(",") if n.strip()]
    unknown = [n for n in names if n not in COLLECTIONS]
    if unknown:
        raise CrowdskoutError(400, f"Unknown collections: {', '.join(unknown)}.")
    return list(dict.fromkeys(names))


def profile_object(body: dict, key: str = "profile") -> dict:
    """The `{"profile": {...}}` wrapper (docs since 2016-04); a bare object as in earlier drafts."""
    value = body.get(key, body if key == "profile" and "profile" not in body else None)
    if not isinstance(value, dict):
        raise CrowdskoutError(400, f"The {key} parameter is required and must be a profile object.")
    return value


def profile_list(body: dict) -> list:
    value = body.get("profiles")
    if not isinstance(value, list):
        raise CrowdskoutError(400, "The profiles parameter is required and must be an array of profiles.")
    return value


def create(session: Session, given: dict) -> dict:
    # Filled before it joins the session: one INSERT with its collections, not an empty row updated after.
    profile = Profile(collections={})
    touched = apply_profile(session, profile, given, creating=True)
    session.add(profile)
    session.flush()
    return render_profile(profile, touched)


def update(session: Session, profile: Profile, given: dict) -> dict:
    touched = apply_profile(session, profile, given, creating=False)
    session.add(profile)
    return render_profile(profile, touched)


@router.get("/profile/{profile_id:int}")
def get_profile(request: Request, session: SessionDep, profile_id: int) -> dict:
    collections = requested_collections(request)
    profile = load_profile(session, profile_id)
    query = dict(request.query_params)
    data = render_profile(profile, collections)
    for name in collections:
        data[name] = select_items(data[name], name, query)
    return envelope(data)


@router.post("/profile")
async def create_profile(request: Request, session: SessionDep) -> dict:
    given = profile_object(await json_body(request))
    data = create(session, given)
    session.commit()
    return envelope(data)


@router.post("/profile/bulk")
async def create_profiles(request: Request, session: SessionDep) -> dict:
    data = [create(session, given) for given in profile_list(await json_body(request)) if isinstance(given, dict)]
    session.commit()
    return envelope(data)


@router.put("/profile/bulk")
async def update_profiles(request: Request, session: SessionDep) -> dict:
    results = []
    for given in profile_list(await json_body(request)):
        if isinstance(given, dict) and "id" in given:
            given["id"] = whole_number(given["id"])
        if not isinstance(given, dict) or not isinstance(given.get("id"), int) or isinstance(given["id"], bool):
            raise CrowdskoutError(400, "Every profile to update needs its id.")
        results.append(update(session, load_profile(session, given["id"]), given))
    session.commit()
    return envelope(results)


@router.put("/profile/{profile_id:int}")
async def update_profile(request: Request, session: SessionDep, profile_id: int) -> dict:
    given = profile_object(await json_body(request))
    data = update(session, load_profile(session, profile_id), given)
    session.commit()
    return envelope(data)


@router.post("/profile/{profile_id:int}/non-match-check")
async def non_match_check(request: Request, session: SessionDep, profile_id: int) -> dict:
    given = profile_object(await json_body(request))
    return envelope(differs(load_profile(session, profile_id), given))


@router.get("/external-id/{external_id}/{external_id_type}")
def external_ids(session: SessionDep, external_id: str, external_id_type: str) -> dict:
    ids = []
    for profile in session.exec(select(Profile).order_by(Profile.id)).all():
        for item in (profile.collections or {}).get("ExternalIDs", []):
            kind = item.get("ExternalIDType") or {}
            if str(item.get("ExternalID")) == external_id and external_id_type.lower() in (
                str(kind.get("value", "")).lower(),
                str(kind.get("id", "")).lower(),
            ):
                ids.append(profile.id)
                break
    return envelope({"ids": ids})
