"""Idea lists (all, per campaign, per stage, per member, the kinds recent/top/hot/inreview/inprogress/
complete, custom status, search), an idea, creating, attaching, deleting and voting."""

import mimetypes
import re
from pathlib import PurePosixPath

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlmodel import func, or_, select

from crowdmock.core import clock
from crowdmock.core.db import SessionDep
from crowdmock.core.payload import read_payload, whole_number
from crowdmock.core.routing import LazyRouter
from crowdmock.core.tenancy import tenant_of
from crowdmock.vendors.ideascale import ideas as logic
from crowdmock.vendors.ideascale.auth import CallerDep
from crowdmock.vendors.ideascale.deps import (
    committed,
    get_campaign,
    get_idea,
    json_body,
    parse_id,
    renderer,
    visible_ideas,
)
from crowdmock.vendors.ideascale.errors import IdeaScaleError
from crowdmock.vendors.ideascale.listing import KINDS, PAGED, Paging, idea_list, vote_list
from crowdmock.vendors.ideascale.models import Campaign, Idea, Stage, StoredFile, Vote

router = LazyRouter(prefix="/a/rest/v1")
ATTACHMENT_TYPES = {
    "jpg",
    "jpeg",
    "png",
    "gif",
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "txt",
    "csv",
    "zip",
}
ATTACHMENT_LIMIT = 25 * 1_048_576  # per idea


def _add(path: str, endpoint, methods=("GET",)) -> None:
    for suffix in PAGED:
        router.add_api_route(path + suffix, endpoint, methods=list(methods), response_model=None)


# --- literal paths first, so `/ideas/{page}/{size}` never shadows them -----------------------------------


@router.get("/ideas/search")
def search(request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    """`discussionIDs` (campaign ids, comma-separated) and `query` (words in the title or text)."""
    params = request.query_params
    where = []
    ids = [v for v in params.get("discussionIDs", "").split(",") if v.strip()]
    if ids:
        where.append(Idea.campaign_id.in_([parse_id(v.strip()) for v in ids]))
    text = params.get("query", "").strip()
    if text:
        pattern = f"%{text.lower()}%"
        where.append(or_(func.lower(Idea.title).like(pattern), func.lower(Idea.text).like(pattern)))
    return idea_list(request, db, caller, Paging(params.get("page"), params.get("size")), where)


@router.get("/ideas/votes")
def all_idea_votes(request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    return vote_list(request, db, caller, Vote.idea_id.in_(select(Idea.id).where(visible_ideas(db, caller))))


def _kind_ideas(kind: str):
    def endpoint(request: Request, db: SessionDep, caller: CallerDep, page=None, size=None, order=None):
        return idea_list(request, db, caller, Paging(page, size, order), kind=kind)

    return endpoint


def _campaign_kind_ideas(kind: str):
    def endpoint(
        campaign_id: str, request: Request, db: SessionDep, caller: CallerDep, page=None, size=None, order=None
    ):
        campaign = get_campaign(db, caller, campaign_id)
        return idea_list(request, db, caller, Paging(page, size, order), [Idea.campaign_id == campaign.id], kind)

    return endpoint


for _kind in KINDS:
    _add(f"/ideas/{_kind}", _kind_ideas(_kind))
    _add(f"/campaigns/{{campaign_id}}/ideas/{_kind}", _campaign_kind_ideas(_kind))


def _archived_ideas(archived: bool):
    def endpoint(request: Request, db: SessionDep, caller: CallerDep, page=None, size=None, order=None):
        where = [Idea.campaign_id.in_(select(Campaign.id).where(Campaign.archived == archived))]
        return idea_list(request, db, caller, Paging(page, size, order), where)

    return endpoint


_add("/campaigns/active/ideas", _archived_ideas(False))
_add("/campaigns/archived/ideas", _archived_ideas(True))


@router.get("/campaigns/{campaign_id}/ideas/status/custom/{stage_id}/{page}/{size}")
def custom_status_ideas(
    campaign_id: str, stage_id: str, page: str, size: str, request: Request, db: SessionDep, caller: CallerDep
) -> JSONResponse:
    campaign = get_campaign(db, caller, campaign_id)
    stage = db.get(Stage, parse_id(stage_id))
    if stage is None or stage.funnel_id != campaign.funnel_id:
        raise IdeaScaleError("STATUS_NOT_FOUND")
    where = [Idea.campaign_id == campaign.id, Idea.stage_id == stage.id]
    return idea_list(request, db, caller, Paging(page, size), where)


def _campaign_ideas(
    campaign_id: str, request: Request, db: SessionDep, caller: CallerDep, page=None, size=None, order=None
):
    campaign = get_campaign(db, caller, campaign_id)
    return idea_list(request, db, caller, Paging(page, size, order), [Idea.campaign_id == campaign.id])


_add("/campaigns/{campaign_id}/ideas", _campaign_ideas)


@router.get("/stages/{stage_id}/ideas/{page}/{size}")
def stage_ideas(stage_id: str, page: str, size: str, request: Request, db: SessionDep, caller: CallerDep):
    stage = db.get(Stage, parse_id(stage_id))
    if stage is None:
        raise IdeaScaleError("STAGE_NOT_FOUND")
    return idea_list(request, db, caller, Paging(page, size), [Idea.stage_id == stage.id])


@router.get("/ideas/{idea_id}/votes")
def idea_votes(idea_id: str, request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    idea = get_idea(db, caller, idea_id)
    return vote_list(request, db, caller, Vote.idea_id == idea.id)


async def _vote_value(request: Request, fixed: int | None) -> int:
    data = await json_body(request)
    if fixed is not None:
        return fixed
    value = data.get("myVote")
    if isinstance(value, bool) or value not in (1, -1, 0, "1", "-1", "0"):
        raise IdeaScaleError("REQUIRED_FIELD_MISSING" if value is None else "INVALID_INPUT")
    return int(value)


def _voting(direction: int | None):
    async def endpoint(idea_id: str, request: Request, db: SessionDep, caller: CallerDep) -> dict:
        idea = get_idea(db, caller, idea_id)
        value = await _vote_value(request, direction)
        logic.vote(db, caller, idea, db.get(Campaign, idea.campaign_id), value)
        return committed(db, renderer(request, db, caller).idea(idea))

    return endpoint


router.add_api_route("/ideas/{idea_id}/vote/up", _voting(1), methods=["POST"], summary="Vote an idea up")
router.add_api_route("/ideas/{idea_id}/vote/down", _voting(-1), methods=["POST"], summary="Vote an idea down")
router.add_api_route("/ideas/{idea_id}/vote", _voting(None), methods=["POST"], summary="Vote with myVote 1, -1 or 0")


def _all_ideas(request: Request, db: SessionDep, caller: CallerDep, page=None, size=None, order=None):
    return idea_list(request, db, caller, Paging(page, size, order))


_add("/ideas", _all_ideas)


@router.get("/ideas/{idea_id}")
def get_one(idea_id: str, request: Request, db: SessionDep, caller: CallerDep) -> dict:
    return renderer(request, db, caller).idea(get_idea(db, caller, idea_id))


@router.post("/idea")
async def create(request: Request, db: SessionDep, caller: CallerDep) -> dict:
    data = await json_body(request)
    campaign_id = whole_number(data.get("campaignId"))
    if campaign_id is None or campaign_id == "":
        raise IdeaScaleError("REQUIRED_FIELD_MISSING")
    if isinstance(campaign_id, bool) or not str(campaign_id).isdigit():
        raise IdeaScaleError("INVALID_INPUT")
    campaign = get_campaign(db, caller, str(campaign_id))
    r = renderer(request, db, caller)
    idea = logic.create_idea(db, tenant_of(request).settings, caller, data, campaign, r.custom_fields)
    return committed(db, r.idea(idea))


@router.post("/ideas/{idea_id}/attach")
async def attach(idea_id: str, request: Request, db: SessionDep, caller: CallerDep) -> dict:
    idea = get_idea(db, caller, idea_id)
    if idea.author_id != caller.actor.id and not caller.is_admin:
        raise IdeaScaleError("PERMISSION_DENIED")
    upload = (await read_payload(request)).files.get("attachment")
    if upload is None:
        raise IdeaScaleError("REQUIRED_FIELD_MISSING")
    name = re.sub(r"[^A-Za-z0-9._-]", "_", PurePosixPath((upload.filename or "").replace("\\", "/")).name).lstrip(".")
    if "." not in name or name.rsplit(".", 1)[1].lower() not in ATTACHMENT_TYPES:
        raise IdeaScaleError("UNSUPPORTED_FILE_EXTENSION")
    attachments = list(idea.attachments or [])
    if any(a["fileName"] == name for a in attachments):
        raise IdeaScaleError("FILE_EXIST")
    content = await upload.read()
    if sum(a["fileSize"] for a in attachments) + len(content) > ATTACHMENT_LIMIT:
        raise IdeaScaleError("FILE_STORAGE_LIMIT")
    path = f"/a/attachments/{idea.id}/{name}"
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    db.add(StoredFile(path=path, mime=mime, content=content))
    attachments.append(
        {
            "id": max([a["id"] for a in attachments] + [idea.id * 100]) + 1,
            "fileName": name,
            "fileSize": len(content),
            "memberId": caller.actor.id,
            "timeStamp": clock.time(),
            "imageFile": mime.startswith("image/"),
            "path": path,
        }
    )
    idea.attachments = attachments
    db.add(idea)
    db.commit()
    return renderer(request, db, caller).idea(idea)


@router.delete("/idea/{idea_id}/delete")
def delete_idea(idea_id: str, request: Request, db: SessionDep, caller: CallerDep) -> dict:
    idea = get_idea(db, caller, idea_id)
    if idea.author_id != caller.actor.id and not caller.is_admin:
        raise IdeaScaleError("PERMISSION_DENIED")
    rendered = renderer(request, db, caller).idea(idea)
    logic.delete_ideas(db, [idea.id])
    db.commit()
    return rendered
