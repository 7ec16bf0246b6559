"""Stages, funnels, assessment results, group members, tag counts, the avatar probe, e-mailing a group,
wiping the community, and the uploaded files themselves."""

from collections import Counter

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from sqlmodel import delete, func, select

from crowdmock.core import clock
from crowdmock.core.db import SessionDep
from crowdmock.core.routing import LazyRouter
from crowdmock.core.tenancy import tenant_of
from crowdmock.vendors.ideascale import ideas as logic
from crowdmock.vendors.ideascale.auth import CallerDep
from crowdmock.vendors.ideascale.content import check_text
from crowdmock.vendors.ideascale.deps import json_body, maybe_id, parse_id, renderer, visible_ideas
from crowdmock.vendors.ideascale.errors import IdeaScaleError
from crowdmock.vendors.ideascale.listing import Paging
from crowdmock.vendors.ideascale.models import (
    ApiToken,
    AssessmentResult,
    Comment,
    Funnel,
    Group,
    Idea,
    Member,
    SentEmail,
    Stage,
    StoredFile,
    Vote,
)

router = LazyRouter(prefix="/a/rest/v1")
files = LazyRouter()


@router.get("/stages")
def stages(request: Request, db: SessionDep, caller: CallerDep) -> list[dict]:
    r = renderer(request, db, caller)
    return [r.stage(s) for s in db.exec(select(Stage).order_by(Stage.funnel_id, Stage.position, Stage.id))]


@router.get("/stages/{stage_id}")
def stage(stage_id: str, request: Request, db: SessionDep, caller: CallerDep) -> dict:
    found = db.get(Stage, parse_id(stage_id))
    if found is None:
        raise IdeaScaleError("STAGE_NOT_FOUND")
    return renderer(request, db, caller).stage(found)


@router.get("/funnels")
def funnels(db: SessionDep, caller: CallerDep) -> list[dict]:
    return [
        {"id": f.id, "name": f.name, "description": f.description} for f in db.exec(select(Funnel).order_by(Funnel.id))
    ]


@router.get("/funnels/{funnel_id}")
def funnel(funnel_id: str, db: SessionDep, caller: CallerDep) -> dict:
    found = db.get(Funnel, parse_id(funnel_id))
    if found is None:
        raise IdeaScaleError("FUNNEL_NOT_FOUND")
    query = select(Stage).where(Stage.funnel_id == found.id).order_by(Stage.position, Stage.id)
    return {
        "id": found.id,
        "name": found.name,
        "stages": [{"id": s.id, "key": s.key, "label": s.label, "funnelName": found.name} for s in db.exec(query)],
    }


@router.get("/assessment/{assessment_id}/results")
def assessment_results(assessment_id: str, db: SessionDep, caller: CallerDep) -> list[dict]:
    ident = parse_id(assessment_id)
    rows = list(db.exec(select(AssessmentResult).where(AssessmentResult.assessment_id == ident)))
    known = db.exec(select(Stage).where(Stage.assessment_id == ident)).first()
    if not rows and known is None:
        raise IdeaScaleError("ASSESSMENT_NOT_FOUND")
    return [{"ideaId": r.idea_id, "avgScoreOfIdea": r.avg_score} for r in sorted(rows, key=lambda r: r.idea_id)]


def _group_members(db, group_id: str) -> list[Member]:
    """Members of a group id, or of the groups "admins" and "moderators"."""
    members = list(db.exec(select(Member).order_by(Member.id)))
    if group_id == "admins":
        return [m for m in members if m.admin]
    if group_id == "moderators":
        return [m for m in members if m.admin or m.global_moderator]
    ident = maybe_id(group_id)
    if ident is None or db.get(Group, ident) is None:
        raise IdeaScaleError("GROUP_NOT_FOUND")
    return [m for m in members if ident in (m.group_ids or [])]


@router.get("/groups/{group_id}/members/{page}/{size}")
def group_members(group_id: str, page: str, size: str, request: Request, db: SessionDep, caller: CallerDep):
    paging = Paging(page, size)
    members = _group_members(db, group_id)
    chosen = members[paging.page * paging.size : (paging.page + 1) * paging.size]
    r = renderer(request, db, caller)
    return paging.response([{**r.member_info(m), "subscribed": True} for m in chosen], len(members))


@router.get("/tags/counts")
def tag_counts(db: SessionDep, caller: CallerDep) -> dict:
    counts: Counter = Counter()
    for tags in db.exec(select(Idea.tags).where(visible_ideas(db, caller))):
        counts.update(tags or [])
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


@router.get("/profile/avatars")
def profile_avatars(request: Request, db: SessionDep, caller: CallerDep) -> list[dict]:
    """Real clients use this as a token probe (200 = valid token); it lists the caller's avatar."""
    info = renderer(request, db, caller).member_info(caller.actor)
    return [{"memberId": caller.actor.id, "url": info["avatarUrl"]}]


@router.post("/email/group/{group_id}")
async def email_group(group_id: str, request: Request, db: SessionDep, caller: CallerDep) -> dict:
    caller.require_admin()
    data = await json_body(request)
    settings = tenant_of(request).settings
    subject = check_text(settings, data.get("subject"), limit=255)
    body = data.get("body")
    if not isinstance(body, str) or not body.strip():
        raise IdeaScaleError("REQUIRED_FIELD_MISSING")
    recipients = [m.email for m in _group_members(db, group_id)]
    row = SentEmail(group=group_id, subject=subject, body=body, recipients=recipients, sent=clock.time())
    db.add(row)
    db.commit()
    return {"id": row.id, "group": group_id, "subject": subject, "body": body, "recipientCount": len(recipients)}


def _wipe_counts(db) -> dict:
    return {
        "ideas": db.exec(select(func.count()).select_from(Idea)).one(),
        "comments": db.exec(select(func.count()).select_from(Comment)).one(),
        "votes": db.exec(select(func.count()).select_from(Vote)).one(),
    }


@router.delete("/community/delete/ideas")
def delete_all_ideas(db: SessionDep, caller: CallerDep) -> dict:
    """Deletes every idea with its comments and votes."""
    caller.require_admin()
    counts = _wipe_counts(db)
    logic.delete_ideas(db, select(Idea.id))
    db.commit()
    return {"deletedIdeas": counts["ideas"], "deletedComments": counts["comments"], "deletedVotes": counts["votes"]}


@router.delete("/community/delete/ideasAndMembers")
def delete_ideas_and_members(db: SessionDep, caller: CallerDep) -> dict:
    """Deletes every idea, comment and vote, and every member but the administrators."""
    caller.require_admin()
    counts = _wipe_counts(db)
    members = list(db.exec(select(Member.id).where(Member.admin == False)))  # noqa: E712
    logic.delete_ideas(db, select(Idea.id))
    db.exec(delete(ApiToken).where(ApiToken.member_id.in_(members)))
    db.exec(delete(Member).where(Member.id.in_(members)))
    db.commit()
    return {
        "deletedIdeas": counts["ideas"],
        "deletedComments": counts["comments"],
        "deletedVotes": counts["votes"],
        "deletedMembers": len(members),
    }


@files.get("/a/attachments/{idea_id}/{name}", include_in_schema=False)
@files.get("/a/avatars/{name}", include_in_schema=False)
def stored_file(request: Request, db: SessionDep) -> Response:
    row = db.get(StoredFile, request.url.path[len(request.scope.get("root_path", "")) :])
    if row is None:
        return JSONResponse({"key": "NOT_FOUND", "message": "Resource not found"}, status_code=404)
    return Response(row.content, media_type=row.mime)
