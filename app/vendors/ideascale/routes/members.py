"""Members: lists, one member (by id, by name as a list, by e-mail as one object), creation (with or
without the verification e-mail), their ideas, comments and votes, and avatar uploads."""

import re
from pathlib import PurePosixPath

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlmodel import func, or_, select

from crowdmock.core import clock
from crowdmock.core.db import SessionDep
from crowdmock.core.payload import read_payload
from crowdmock.core.routing import LazyRouter
from crowdmock.core.tenancy import tenant_of
from crowdmock.vendors.ideascale.auth import Caller, CallerDep, member_by_email
from crowdmock.vendors.ideascale.content import check_text
from crowdmock.vendors.ideascale.deps import get_member, json_body, renderer
from crowdmock.vendors.ideascale.errors import IdeaScaleError
from crowdmock.vendors.ideascale.listing import PAGED, Paging, comment_list, idea_list, member_list, vote_list
from crowdmock.vendors.ideascale.models import Comment, Idea, Member, SentEmail, StoredFile, Vote

router = LazyRouter(prefix="/a/rest/v1")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
AVATAR_TYPES = {"jpg", "jpeg", "png", "gif"}


def _members(request: Request, db: SessionDep, caller: CallerDep, page=None, size=None, order=None):
    return member_list(request, db, caller, Paging(page, size, order))


@router.get("/members/name/{name}")
def by_name(name: str, request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    if not name.strip():
        raise IdeaScaleError("MEMBER_NAME_NOT_FOUND")
    wanted = name.strip().lower()
    return member_list(
        request, db, caller, Paging(), or_(func.lower(Member.name) == wanted, func.lower(Member.user_name) == wanted)
    )


@router.get("/members/email/{email}")
def by_email(email: str, request: Request, db: SessionDep, caller: CallerDep) -> dict:
    member = member_by_email(db, email)
    if member is None:
        raise IdeaScaleError("MEMBER_NOT_FOUND")
    return renderer(request, db, caller).member_info(member)


async def _create(request: Request, db, caller: Caller, silent: bool) -> dict:
    caller.require_admin()
    data = await json_body(request)
    settings = tenant_of(request).settings
    name = check_text(settings, data.get("name"), limit=100)
    email = data.get("email")
    if email is None or isinstance(email, str) and not email.strip():
        raise IdeaScaleError("REQUIRED_FIELD_MISSING")
    if not isinstance(email, str) or not EMAIL.match(email.strip()):
        raise IdeaScaleError("INVALID_EMAIL")
    email = email.strip()
    if member_by_email(db, email) is not None:
        raise IdeaScaleError("EMAIL_ALREADY_REGISTERED")
    now = clock.time()
    person = (db.exec(select(func.max(Member.person_id))).one() or 0) + 1
    member = Member(
        name=name,
        email=email,
        user_name=re.sub(r"[^a-z0-9]", "", name.lower()) or email.split("@")[0],
        person_id=person,
        status="member/Verified" if silent else "member/Unverified",
        source="api",
        registered=now,
        modified=now,
        group_ids=[],
        profile_questions={},
    )
    db.add(member)
    if not silent:
        subject = "Please verify your e-mail address"
        db.add(SentEmail(group="verification", subject=subject, body=f"Welcome, {name}!", recipients=[email], sent=now))
    db.commit()
    return renderer(request, db, caller).member_info(member)


@router.post("/members")
async def create(request: Request, db: SessionDep, caller: CallerDep) -> dict:
    """Creates a member and sends the verification e-mail."""
    return await _create(request, db, caller, silent=False)


@router.post("/members/create/silent")
async def create_silent(request: Request, db: SessionDep, caller: CallerDep) -> dict:
    """Creates a member without the verification e-mail."""
    return await _create(request, db, caller, silent=True)


@router.get("/members/{member_id}/ideas/votes")
def member_idea_votes(member_id: str, request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    member = get_member(db, member_id)
    return vote_list(request, db, caller, Vote.member_id == member.id, Vote.idea_id.is_not(None))


@router.get("/members/{member_id}/comments/votes")
def member_comment_votes(member_id: str, request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    member = get_member(db, member_id)
    return vote_list(request, db, caller, Vote.member_id == member.id, Vote.comment_id.is_not(None))


@router.get("/members/{member_id}/comments")
def member_comments(member_id: str, request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    member = get_member(db, member_id)
    return comment_list(request, db, caller, Paging(), Comment.author_id == member.id)


def _member_ideas(
    member_id: str, request: Request, db: SessionDep, caller: CallerDep, page=None, size=None, order=None
):
    member = get_member(db, member_id)
    return idea_list(request, db, caller, Paging(page, size, order), [Idea.author_id == member.id])


for _suffix in PAGED:
    router.add_api_route("/members/{member_id}/ideas" + _suffix, _member_ideas, methods=["GET"])


@router.post("/members/{member_id}/avatar/upload")
async def upload_avatar(member_id: str, request: Request, db: SessionDep, caller: CallerDep) -> dict:
    member = get_member(db, member_id)
    if member.id != caller.actor.id and not caller.is_admin:
        raise IdeaScaleError("PERMISSION_DENIED")
    upload = (await read_payload(request)).files.get("avatar")
    if upload is None:
        raise IdeaScaleError("REQUIRED_FIELD_MISSING")
    name = PurePosixPath((upload.filename or "").replace("\\", "/")).name
    ext = name.rsplit(".", 1)[1].lower() if "." in name else ""
    if ext not in AVATAR_TYPES:
        raise IdeaScaleError("UNSUPPORTED_FILE_EXTENSION")
    path = f"/a/avatars/{member.id}-{int(clock.time() * 1000)}.{ext}"
    db.add(StoredFile(path=path, mime=f"image/{'jpeg' if ext == 'jpg' else ext}", content=await upload.read()))
    member.avatar_url, member.modified = path, clock.time()
    db.add(member)
    db.commit()
    return {"url": renderer(request, db, caller).url(path)}


@router.get("/members/{member_id}")
def get_one(member_id: str, request: Request, db: SessionDep, caller: CallerDep) -> dict:
    return renderer(request, db, caller).member_info(get_member(db, member_id))


for _suffix in PAGED:
    router.add_api_route("/members" + _suffix, _members, methods=["GET"])
