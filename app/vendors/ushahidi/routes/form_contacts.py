"""/api/v3/forms/{form_id}/contacts: the phone numbers a targeted survey is sent to (docs/vendors/ushahidi.md §1.16).
Adding them starts the survey: per contact a draft post, the first question as a pending SMS and a survey state."""

from sqlalchemy import func
from sqlmodel import select

from crowdmock.core import clock
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.ushahidi.access import deny
from crowdmock.vendors.ushahidi.auth import Ctx, CtxDep, require_scope
from crowdmock.vendors.ushahidi.datasources import ask, enabled_sources, first_question, sms_source
from crowdmock.vendors.ushahidi.deps import body, read_paging
from crowdmock.vendors.ushahidi.errors import UshahidiError, validation_failed
from crowdmock.vendors.ushahidi.models import (
    ACTIVE_SURVEY_STATES,
    PENDING_RESPONSE,
    Contact,
    Form,
    Message,
    Post,
    TargetedSurveyState,
)

router = LazyRouter(prefix="/api/v3/forms", tags=["forms"], dependencies=[require_scope("forms")])
MOVED = "ACTIVE CONTACT IN SURVEY {form_id}"


def check_admin(ctx: Ctx, action: str) -> None:
    """FormContactAuthorizer: whatever the form allows, only the `admin` role passes. The entity it is asked about
    is a contact, so the refusal names `contacts`."""
    if not ctx.caller.is_admin:
        raise deny(ctx, action, "contacts", 0)


def survey_contacts(ctx: Ctx, form_id: int):
    """Contacts with a survey state (and its post) in the form: Form\\ContactRepository's join."""
    return (
        select(Contact)
        .join(TargetedSurveyState, TargetedSurveyState.contact_id == Contact.id)
        .join(Post, Post.id == TargetedSurveyState.post_id)
        .where(TargetedSurveyState.form_id == form_id)
    )


@router.get("/{form_id:int}/contacts")
def list_form_contacts(ctx: CtxDep, form_id: int) -> dict:
    check_admin(ctx, "search")
    paging = read_paging(ctx, "id", "asc", {"id", "contact", "created"})
    column = getattr(Contact, paging.orderby)
    stmt = survey_contacts(ctx, form_id).distinct().order_by(column.desc() if paging.descending else column.asc())
    if paging.offset:
        stmt = stmt.offset(paging.offset)
    if paging.limit is not None:
        stmt = stmt.limit(paging.limit)
    rows = ctx.session.exec(stmt).all()
    # The form-contacts formatter is written for the POST answer: a search hands it the contacts as `form_id`,
    # which PHP encodes as objects holding the one public property of a Contact entity, `country_code`.
    return {"form_id": [{"country_code": c.country_code} for c in rows], "count": 0, "invalidated_contacts": []}


def contact_numbers(raw) -> list[str]:
    """`explode(',', contacts)`: the numbers as sent, spaces included; one empty number when none is sent."""
    if raw is None or raw is False:
        return [""]
    if raw is True:
        return ["1"]
    if isinstance(raw, list | dict):
        raise validation_failed("form_contacts", [("contacts", "contacts must be a string")])
    return str(raw).split(",")


@router.post("/{form_id:int}/contacts")
async def add_form_contacts(ctx: CtxDep, form_id: int) -> dict:
    data = await body(ctx)
    form = ctx.session.get(Form, form_id)
    if form is None:  # VerifyFormLoaded names the route's identifier
        raise UshahidiError(404, f"Could not locate any forms matching [form_id: {form_id}]")
    if not form.targeted_survey:
        raise UshahidiError(
            422, "The form is not a targeted survey", extra=_id_error("The form is not a targeted survey")
        )
    if ctx.session.exec(select(func.count()).select_from(survey_contacts(ctx, form_id).subquery())).one():
        message = "The form already has a set of contacts"
        raise UshahidiError(422, message, extra=_id_error(message))
    check_admin(ctx, "create")
    numbers = contact_numbers(data.get("contacts"))
    question = first_question(ctx.session, form_id)
    if question is None:
        # ContactListener's exception, which the platform answers as a 500 after storing the contacts; crowdmock
        # refuses first, with the exception's text, as bad input (docs/vendors/ushahidi.md §1.16).
        message = f"Could not find attributes in form id {form_id}."
        raise UshahidiError(422, message, extra=_id_error(message))
    invalidated = [_leave_active_survey(ctx, number, form_id) for number in dict.fromkeys(numbers)]
    contacts = _contacts_for(ctx, numbers)
    source = sms_source(enabled_sources(ctx.session))
    for contact in contacts:
        _start_survey(ctx, form, contact, question, source)
    ctx.session.commit()
    return {"form_id": form_id, "count": len(numbers), "invalidated_contacts": [i for i in invalidated if i]}


def _id_error(message: str) -> list[dict]:
    return [{"status": 422, "title": message, "message": message, "source": {"pointer": "/id"}}]


def _leave_active_survey(ctx: Ctx, number: str, form_id: int) -> dict | None:
    """A number still answering another survey leaves it: its state is marked moved, its question expired."""
    row = ctx.session.exec(
        select(TargetedSurveyState, Contact.contact)
        .join(Contact, Contact.id == TargetedSurveyState.contact_id)
        .join(Post, Post.id == TargetedSurveyState.post_id)
        .where(Contact.contact == number, TargetedSurveyState.survey_status.in_(ACTIVE_SURVEY_STATES))
        .order_by(TargetedSurveyState.id)
    ).first()
    if row is None:
        return None
    state, contact = row
    old_form = state.form_id
    state.survey_status = MOVED.format(form_id=form_id)
    ctx.session.add(state)
    question = ctx.session.get(Message, state.message_id) if state.message_id else None
    if question is not None:
        question.status = "expired"
        ctx.session.add(question)
    # Read from the database by PHP without types: the ids come back as strings (INFERRED).
    return {"contact": contact, "contact_id": str(state.contact_id), "form_id": str(old_form)}


def _contacts_for(ctx: Ctx, numbers: list[str]) -> list[Contact]:
    """getEntityWithData: an existing contact with that address (of any type), else a new phone contact."""
    wanted = list(dict.fromkeys(numbers))
    existing: dict[str, Contact] = {}
    for start in range(0, len(wanted), 500):
        rows = ctx.session.exec(
            select(Contact).where(Contact.contact.in_(wanted[start : start + 500])).order_by(Contact.id.desc())
        ).all()
        existing.update({c.contact: c for c in rows})
    now = int(clock.time())
    contacts = []
    for number in numbers:
        contact = existing.get(number)
        if contact is None:
            contact = Contact(contact=number, type="phone", can_notify=True, created=now)
            ctx.session.add(contact)
        contacts.append(contact)
    ctx.session.flush()
    return contacts


def _start_survey(ctx: Ctx, form: Form, contact: Contact, question, source: str | None) -> None:
    """ContactListener: a draft post titled after the form, the first question queued, the state pending."""
    title = f"{form.name} - {1 + int(clock.uniform(0, 999999))}"
    now = int(clock.time())
    post = Post(
        form_id=form.id,
        title=title,
        content=title,
        status="draft",
        created=now,
        post_date=now,
        values={},
        tags=[],
        published_to=[],
        completed_stages=[],
    )
    ctx.session.add(post)
    ctx.session.flush()
    asked = ask(ctx.session, contact.id, post.id, question, source)
    state = TargetedSurveyState(
        form_id=form.id,
        contact_id=contact.id,
        form_attribute_id=question.id,
        post_id=post.id,
        survey_status=PENDING_RESPONSE,
        message_id=asked.id,
    )
    ctx.session.add(state)
