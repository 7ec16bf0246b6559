"""What the IdeaScale route functions share: the renderer of a request, request bodies, path ids, what the caller
may see, and the lookups that answer IdeaScale's not-found errors."""

from fastapi import Request
from sqlalchemy import bindparam
from sqlmodel import Session as DbSession
from sqlmodel import func, or_, select

from crowdmock.core.db import MAX_INTEGER, held
from crowdmock.core.payload import read_payload
from crowdmock.core.vendor import public_base
from crowdmock.vendors.ideascale.auth import Caller
from crowdmock.vendors.ideascale.errors import IdeaScaleError
from crowdmock.vendors.ideascale.models import Campaign, Comment, Funnel, Idea, Member, Stage
from crowdmock.vendors.ideascale.render import Renderer


def renderer(request: Request, db: DbSession, caller: Caller) -> Renderer:
    base = public_base(request)
    return Renderer(db, base, caller.actor)


def committed(db: DbSession, answer: dict) -> dict:
    """Commits a create after rendering its answer: the renderer reads inside the write's own transaction, instead
    of beginning (and locking) a second one after the commit."""
    db.commit()
    return answer


async def json_body(request: Request) -> dict:
    payload = await read_payload(request)
    if payload.malformed or payload.not_an_object:
        raise IdeaScaleError("INVALID_INPUT")
    return payload.data


def maybe_id(value: str) -> int | None:
    """A numeric id within SQLite's range, or None."""
    return int(value) if value.isascii() and value.isdigit() and int(value) <= MAX_INTEGER else None


def parse_id(value: str) -> int:
    """A numeric path id; anything else is INVALID_INPUT (a type mismatch in the real Spring service)."""
    ident = maybe_id(value)
    if ident is None:
        raise IdeaScaleError("INVALID_INPUT")
    return ident


def visible_campaigns(db: DbSession, caller: Caller):
    """A filter on Campaign for what the caller may see: private campaigns only for their groups."""
    if caller.is_admin:
        return True
    groups = {str(g) for g in caller.actor.group_ids or []}
    private = db.exec(select(Campaign).where(Campaign.private.is_(True)))
    allowed = [c.id for c in private if {str(g) for g in c.authorized_group_ids or []} & groups]
    return or_(Campaign.private.is_(False), Campaign.id.in_(allowed))


def visible_ideas(db: DbSession, caller: Caller):
    """A filter on Idea: ideas of visible campaigns."""
    campaigns = visible_campaign_ids(db, caller)
    return True if campaigns is None else Idea.campaign_id.in_(campaigns)


def visible_campaign_ids(db: DbSession, caller: Caller):
    """The ids of the campaigns whose ideas the caller sees, as a subquery; None for an admin, who sees every idea."""
    if caller.is_admin:
        return None
    return select(Campaign.id).where(visible_campaigns(db, caller))


def may_see(caller: Caller, campaign: Campaign | None) -> bool:
    """What visible_campaigns (and so visible_ideas) says of one loaded campaign, without a query: an admin sees
    all, even an idea whose campaign is gone; others a public campaign, or a private one of one of their groups."""
    if caller.is_admin:
        return True
    if campaign is None:
        return False
    if not campaign.private:
        return True
    groups = {str(g) for g in caller.actor.group_ids or []}
    return bool({str(g) for g in campaign.authorized_group_ids or []} & groups)


# A campaign with its funnel (which a new idea's answer names), held in the session as _IDEA_WITH_CAMPAIGN's rows.
_CAMPAIGN_WITH_FUNNEL = (
    select(Campaign, Funnel)
    .outerjoin(Funnel, Funnel.id == Campaign.funnel_id)
    .where(Campaign.id == bindparam("campaign"))
)


def get_campaign(db: DbSession, caller: Caller, campaign_id: str) -> Campaign:
    found = db.exec(_CAMPAIGN_WITH_FUNNEL, params={"campaign": parse_id(campaign_id)}).first()
    if found is None or not may_see(caller, found[0]):
        raise IdeaScaleError("CAMPAIGN_NOT_FOUND")
    held(db, found[1])
    return found[0]


# An idea with its campaign and stage in one statement; they land in the session's identity map, where the
# renderer's `db.get` finds them again without a query (kept alive by `held`).
_IDEA_WITH_CAMPAIGN = (
    select(Idea, Campaign, Stage)
    .outerjoin(Campaign, Campaign.id == Idea.campaign_id)
    .outerjoin(Stage, Stage.id == Idea.stage_id)
    .where(Idea.id == bindparam("idea"))
)


def visible_idea(db: DbSession, caller: Caller, idea_id: int) -> Idea | None:
    found = db.exec(_IDEA_WITH_CAMPAIGN, params={"idea": idea_id}).first()
    if found is None or not may_see(caller, found[1]):
        return None
    held(db, found[1])
    held(db, found[2])
    return found[0]


def get_idea(db: DbSession, caller: Caller, idea_id: str) -> Idea:
    idea = visible_idea(db, caller, parse_id(idea_id))
    if idea is None:
        raise IdeaScaleError("IDEA_NOT_FOUND")
    return idea


def get_member(db: DbSession, member_id: str) -> Member:
    member = db.get(Member, parse_id(member_id))
    if member is None:
        raise IdeaScaleError("MEMBER_NOT_FOUND")
    return member


def get_comment(db: DbSession, caller: Caller, comment_id: str) -> tuple[Comment, Idea]:
    comment = db.get(Comment, parse_id(comment_id))
    idea = visible_idea(db, caller, comment.idea_id) if comment else None
    if comment is None or idea is None:
        raise IdeaScaleError("COMMENT_NOT_FOUND")
    return comment, idea


def campaign_counts(db: DbSession) -> dict[int, dict]:
    """Per campaign: ideas, votes and comments, and ideas per stage."""
    counts: dict[int, dict] = {}
    query = select(
        Idea.campaign_id,
        Idea.stage_id,
        func.count(),
        func.sum(Idea.up_vote_count + Idea.down_vote_count),
        func.sum(Idea.comment_count),
    ).group_by(Idea.campaign_id, Idea.stage_id)
    for campaign_id, stage_id, ideas, votes, comments in db.exec(query):
        entry = counts.setdefault(campaign_id, {"ideas": 0, "votes": 0, "comments": 0, "stages": {}})
        entry["ideas"] += ideas
        entry["votes"] += votes or 0
        entry["comments"] += comments or 0
        if stage_id is not None:
            entry["stages"][stage_id] = ideas
    return counts
