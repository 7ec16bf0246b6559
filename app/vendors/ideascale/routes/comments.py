"""Comments: lists, one comment, commenting on an idea, replying, deleting, and their votes."""

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlmodel import select

from crowdmock.core.db import SessionDep
from crowdmock.core.routing import LazyRouter
from crowdmock.core.tenancy import tenant_of
from crowdmock.vendors.ideascale import ideas as logic
from crowdmock.vendors.ideascale.auth import CallerDep
from crowdmock.vendors.ideascale.deps import committed, get_comment, get_idea, json_body, renderer, visible_ideas
from crowdmock.vendors.ideascale.errors import IdeaScaleError
from crowdmock.vendors.ideascale.listing import Paging, comment_list, vote_list
from crowdmock.vendors.ideascale.models import Comment, Idea, Vote

router = LazyRouter(prefix="/a/rest/v1")


@router.get("/comments/votes")
def all_comment_votes(request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    visible = select(Comment.id).where(Comment.idea_id.in_(select(Idea.id).where(visible_ideas(db, caller))))
    return vote_list(request, db, caller, Vote.comment_id.in_(visible))


@router.get("/comments/all/{page}/{size}")
def all_comments(page: str, size: str, request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    return comment_list(request, db, caller, Paging(page, size))


@router.get("/comments/{comment_id}/votes")
def comment_votes(comment_id: str, request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    comment, _ = get_comment(db, caller, comment_id)
    return vote_list(request, db, caller, Vote.comment_id == comment.id)


@router.get("/comments")
def comments(request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    return comment_list(request, db, caller, Paging())


@router.get("/comments/{page}/{size}")
def comments_page(page: str, size: str, request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    return comment_list(request, db, caller, Paging(page, size))


@router.get("/comments/{comment_id}")
def get_one(comment_id: str, request: Request, db: SessionDep, caller: CallerDep) -> dict:
    comment, idea = get_comment(db, caller, comment_id)
    return renderer(request, db, caller).comment(comment, idea)


@router.get("/ideas/{idea_id}/comments")
def idea_comments(idea_id: str, request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    idea = get_idea(db, caller, idea_id)
    return comment_list(request, db, caller, Paging(), Comment.idea_id == idea.id, newest_first=False)


@router.post("/ideas/{idea_id}/comment")
async def comment_on_idea(idea_id: str, request: Request, db: SessionDep, caller: CallerDep) -> dict:
    idea = get_idea(db, caller, idea_id)
    data = await json_body(request)
    comment = logic.add_comment(db, tenant_of(request).settings, caller, idea, data.get("text"), None)
    return committed(db, renderer(request, db, caller).comment(comment, idea))


@router.post("/comments/{comment_id}/comment")
async def reply(comment_id: str, request: Request, db: SessionDep, caller: CallerDep) -> dict:
    parent, idea = get_comment(db, caller, comment_id)
    data = await json_body(request)
    comment = logic.add_comment(db, tenant_of(request).settings, caller, idea, data.get("text"), parent)
    return committed(db, renderer(request, db, caller).comment(comment, idea))


@router.delete("/comments/{comment_id}/delete")
def delete_comment(comment_id: str, request: Request, db: SessionDep, caller: CallerDep) -> dict:
    comment, idea = get_comment(db, caller, comment_id)
    if comment.author_id != caller.actor.id and not caller.is_admin:
        raise IdeaScaleError("PERMISSION_DENIED")
    rendered = renderer(request, db, caller).comment(comment, idea)
    logic.delete_comment(db, comment, idea)
    return rendered
