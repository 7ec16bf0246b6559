"""What changes ideas, comments and votes: creation with the content rules, votes and comments keeping the
counts of their idea or comment, and deletions taking their votes and comments along."""

from sqlalchemy import bindparam, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session as DbSession
from sqlmodel import delete, func, select

from crowdmock.core import clock
from crowdmock.core.db import held, insert_row
from crowdmock.settings import Settings
from crowdmock.vendors.ideascale.auth import Caller
from crowdmock.vendors.ideascale.content import check_text
from crowdmock.vendors.ideascale.errors import IdeaScaleError
from crowdmock.vendors.ideascale.models import Campaign, Comment, CustomField, Idea, Stage, Vote

TITLE_LIMIT = 255
# A funnel's first stage, where new ideas start (a campaign without a funnel has none: `= NULL` matches no row).
_FIRST_STAGE = select(Stage).where(Stage.funnel_id == bindparam("funnel")).order_by(Stage.position, Stage.id)
_LAST_NUMBER = select(func.max(Idea.idea_number))  # served by ix_ideascale_idea_idea_number


def _tags(settings: Settings, value) -> list[str]:
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(t, str) for t in items):
        raise IdeaScaleError("INVALID_INPUT")
    tags = []
    for tag in items:
        if tag.strip():
            tags.append(check_text(settings, tag.strip().lower(), limit=100))
    return list(dict.fromkeys(tags))


def _custom_values(fields: list[CustomField], value) -> dict:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise IdeaScaleError("INVALID_INPUT")
    by_key = {f.key: f for f in sorted(fields, key=lambda f: f.id)}  # of two fields with one key, the later one
    out = {}
    for key, raw in value.items():
        field = by_key.get(key)
        if field is None:
            continue
        if not isinstance(raw, str | int | float) or isinstance(raw, bool):
            raise IdeaScaleError("INVALID_INPUT")
        text = str(raw)
        if field.type == "select" and text not in field.options.split("\r\n"):
            raise IdeaScaleError("INVALID_INPUT")
        if field.type == "number" and not text.lstrip("-").replace(".", "", 1).isdigit():
            raise IdeaScaleError("INVALID_INPUT")
        out[key] = text
    if any(f.required and not out.get(f.key) for f in fields):
        raise IdeaScaleError("REQUIRED_FIELD_MISSING")
    return out


def create_idea(
    db: DbSession, settings: Settings, caller: Caller, data: dict, campaign: Campaign | None, fields_of
) -> Idea:
    """The new idea, flushed (it has its id) and not committed. `fields_of(campaign_id)` gives a campaign's custom
    fields (the renderer's, which the answer needs too)."""
    title = check_text(settings, data.get("title"), limit=TITLE_LIMIT)
    text = check_text(settings, data.get("text"))
    if campaign is None:
        raise IdeaScaleError("CAMPAIGN_NOT_FOUND")
    if campaign.archived or not (campaign.member_idea_submission_allowed or caller.is_admin):
        raise IdeaScaleError("PERMISSION_DENIED")
    tags = _tags(settings, data.get("tags"))
    values = _custom_values(fields_of(campaign.id), data.get("customFields"))
    first_stage = db.exec(_FIRST_STAGE, params={"funnel": campaign.funnel_id}).first()
    held(db, first_stage)  # the answer's stage
    now = clock.time()
    number = (db.exec(_LAST_NUMBER).one() or 0) + 1
    idea = Idea(
        campaign_id=campaign.id,
        author_id=caller.actor.id,
        title=title,
        text=text,
        created=now,
        edited=now,
        status_changed=now,
        stage_id=first_stage.id if first_stage else None,
        idea_number=number,
        tags=tags,
        custom_fields=values,
        contributors=[],
        attachments=[],
        labels=[],
    )
    db.add(idea)
    db.flush()
    return idea


def _recount(target: Idea | Comment, column, target_id: int, db: DbSession) -> None:
    up, down = db.exec(
        select(func.count().filter(Vote.value > 0), func.count().filter(Vote.value < 0)).where(column == target_id)
    ).one()
    target.up_vote_count, target.down_vote_count = up, down
    target.vote_count = up - down


def vote(db: DbSession, caller: Caller, idea: Idea, campaign: Campaign | None, value: int) -> None:
    """Set the actor's vote on an idea: 1 up, -1 down, 0 retracts it (flushed, not committed)."""
    if campaign is None or campaign.archived or not campaign.voting_allowed:
        raise IdeaScaleError("PERMISSION_DENIED")
    existing = db.exec(select(Vote).where(Vote.idea_id == idea.id, Vote.member_id == caller.actor.id)).first()
    if value == 0:
        if existing is not None:
            db.delete(existing)
    elif existing is not None:
        existing.value = value
        db.add(existing)
    else:
        db.add(Vote(idea_id=idea.id, member_id=caller.actor.id, value=value, created=clock.time()))
    db.flush()
    _recount(idea, Vote.idea_id, idea.id, db)
    db.add(idea)
    db.flush()  # committed after the answer is rendered (deps.committed)


# A comment's idea's (and parent's) count, set by a Core statement built once on the session's connection: the ORM's
# flush of the changed rows costs more than the statement.
_SET_COMMENT_COUNT = {
    model: update(model).where(model.id == bindparam("target")).values(comment_count=bindparam("count"))
    for model in (Idea, Comment)
}


def _count_comment(db: DbSession, target: Idea | Comment) -> None:
    """One more comment under `target`: the row updated, the loaded object given the stored value (not left dirty)."""
    count = target.comment_count + 1
    db.connection().execute(_SET_COMMENT_COUNT[type(target)], {"target": target.id, "count": count})
    set_committed_value(target, "comment_count", count)


def add_comment(db: DbSession, settings: Settings, caller: Caller, idea: Idea, text, parent: Comment | None) -> Comment:
    """The new comment, written (it has its id) and not committed."""
    body = check_text(settings, text)
    now = clock.time()
    comment = Comment(
        idea_id=idea.id, parent_id=parent.id if parent else None, author_id=caller.actor.id, text=body, created=now
    )
    insert_row(db, comment)
    _count_comment(db, idea)
    if parent is not None:
        _count_comment(db, parent)
    return comment


def _thread(db: DbSession, comment: Comment) -> list[int]:
    """The comment and every reply below it."""
    ids, frontier = [comment.id], [comment.id]
    while frontier:
        frontier = list(db.exec(select(Comment.id).where(Comment.parent_id.in_(frontier))))
        ids += frontier
    return ids


def delete_comment(db: DbSession, comment: Comment, idea: Idea) -> None:
    ids = _thread(db, comment)
    db.exec(delete(Vote).where(Vote.comment_id.in_(ids)))
    db.exec(delete(Comment).where(Comment.id.in_(ids)))
    idea.comment_count = max(idea.comment_count - len(ids), 0)
    db.add(idea)
    if comment.parent_id:
        parent = db.get(Comment, comment.parent_id)
        if parent is not None:
            parent.comment_count = max(parent.comment_count - 1, 0)
            db.add(parent)
    db.commit()


def delete_ideas(db: DbSession, idea_ids) -> None:
    """Deletes ideas with their votes, comments and the comments' votes (no commit)."""
    comment_ids = select(Comment.id).where(Comment.idea_id.in_(idea_ids))
    db.exec(delete(Vote).where(Vote.comment_id.in_(comment_ids)))
    db.exec(delete(Comment).where(Comment.idea_id.in_(idea_ids)))
    db.exec(delete(Vote).where(Vote.idea_id.in_(idea_ids)))
    db.exec(delete(Idea).where(Idea.id.in_(idea_ids)))
