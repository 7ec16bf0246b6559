"""A survey's stats as the platform's Form/StatsRepository counts them (docs/vendors/ushahidi.md §1.28): for a
targeted survey from its `targeted_survey_state` rows and their messages, for any other from its posts' messages by
type and its web posts."""

from sqlalchemy import func
from sqlmodel import Session, select

from crowdmock.vendors.ushahidi.models import Contact, FormAttribute, FormStage, Message, Post, TargetedSurveyState
from crowdmock.vendors.ushahidi.render import parse_time

# The states that count a contact as a recipient (TargetedSurveyState constants).
RECIPIENT_STATES = ("RECEIVED RESPONSE", "PENDING RESPONSE", "SURVEY FINISHED")
# A contact who left for another survey (INVALID_CONTACT_MOVED: 'ACTIVE CONTACT IN SURVEY <form id>').
MOVED_STATE = "ACTIVE CONTACT IN SURVEY%"


def _between(column, after: int | None, before: int | None) -> list:
    """StatsRepository::betweenDates (inclusive)."""
    where = []
    if after is not None:
        where.append(column >= after)
    if before is not None:
        where.append(column <= before)
    return where


def _bound(value: str | None) -> int | None:
    # strtotime() of text it cannot read is false, which MySQL compares as 0.
    return None if not value else (parse_time(value) or 0)


def _count(session: Session, query) -> int:
    return session.exec(query).one() or 0


def targeted_stats(session: Session, form_id: int, created_after: str | None, created_before: str | None) -> dict:
    after, before = _bound(created_after), _bound(created_before)

    def state_posts(counted):
        """The survey's contacts with their states and posts (StatsRepository::targetedSurveyStateJoin)."""
        return (
            select(func.count(counted))
            .select_from(Contact)
            .join(TargetedSurveyState, TargetedSurveyState.contact_id == Contact.id)
            .join(Post, Post.id == TargetedSurveyState.post_id)
            .where(Post.form_id == form_id, TargetedSurveyState.survey_status.in_(RECIPIENT_STATES))
        )

    recipients = state_posts(Contact.id)
    if after is not None or before is not None:
        recipients = recipients.join(Message, Message.contact_id == Contact.id).where(
            Message.direction == "outgoing", *_between(Message.created, after, before)
        )
    responses = (
        state_posts(Message.id)
        .join(Message, Message.post_id == TargetedSurveyState.post_id)
        .where(Message.direction == "incoming", *_between(Post.created, after, before))
    )
    # COUNT(messages.contact_id) under a DISTINCT that applies to the one result row: every incoming message.
    survey_posts = select(Post.id).where(Post.form_id == form_id, *_between(Post.created, after, before))
    response_recipients = select(func.count(Message.contact_id)).where(
        Message.post_id.in_(survey_posts), Message.direction == "incoming"
    )
    sent = _count(
        session,
        select(func.count(Message.id)).where(
            Message.post_id.in_(select(TargetedSurveyState.post_id).where(TargetedSurveyState.form_id == form_id)),
            Message.direction == "outgoing",
            Message.status == "sent",
            *_between(Message.created, after, before),
        ),
    )
    return {
        "total_responses": _count(session, responses),
        "total_recipients": _count(session, recipients),
        "total_response_recipients": _count(session, response_recipients),
        "total_messages_sent": sent,
        "total_messages_pending": _pending(session, form_id, sent),
    }


def _pending(session: Session, form_id: int, sent: int) -> int:
    """StatsRepository::countTotalPending: every contact still in the survey times its questions, less the messages
    sent and the questions a contact who moved to another survey will not be asked."""
    contacts = _count(
        session,
        select(func.count(TargetedSurveyState.contact_id)).where(
            TargetedSurveyState.form_id == form_id, TargetedSurveyState.survey_status != "SURVEY FINISHED"
        ),
    )
    fields = session.exec(
        select(FormAttribute.priority)
        .join(FormStage, FormStage.id == FormAttribute.form_stage_id)
        .where(FormStage.form_id == form_id)
    ).all()
    is_moved = (TargetedSurveyState.form_id == form_id, TargetedSurveyState.survey_status.like(MOVED_STATE))
    moved = session.exec(
        select(TargetedSurveyState.contact_id, FormAttribute.priority)
        .join(FormAttribute, FormAttribute.id == TargetedSurveyState.form_attribute_id)
        .where(*is_moved)
    ).all()
    # The platform's query joins each of a moved contact's states with each of their last questions.
    states: dict = {}
    for contact_id in session.exec(select(TargetedSurveyState.contact_id).where(*is_moved)).all():
        states[contact_id] = states.get(contact_id, 0) + 1
    unasked = sum(
        states.get(contact_id, 0) * sum(1 for p in fields if p is not None and asked is not None and p > asked)
        for contact_id, asked in moved
    )
    return contacts * len(fields) - sent - unasked


def data_source_stats(session: Session, form_id: int) -> dict:
    """StatsRepository::getPostCountByDataSource: the survey's posts' messages by type (MySQL's counts are strings,
    a type without messages the integer 0) and its reports without a message (always a string)."""
    by_type = session.exec(
        select(Message.type, func.count(Message.id))
        .join(Post, Post.id == Message.post_id)
        .where(Post.form_id == form_id)
        .group_by(Message.type)
    ).all()
    counts: dict = {"sms": 0, "email": 0, "twitter": 0}
    for kind, total in by_type:
        if kind in counts:
            counts[kind] = str(total)
    web = _count(
        session,
        select(func.count(Post.id)).where(
            Post.form_id == form_id,
            Post.type == "report",
            Post.id.not_in(select(Message.post_id).where(Message.post_id.is_not(None))),
        ),
    )
    counts["web"] = str(web)
    counts["all"] = sum(int(v) for v in counts.values())
    return counts
