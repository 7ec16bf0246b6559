"""What an incoming SMS becomes (docs/vendors/ushahidi.md §1.15): the data sources that are enabled, the contact found
or created, the message, and then a post, or the next step of the sender's targeted survey (§1.16). Kept apart from
the callback routes (routes/datasources.py) so tests can call it."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, select

from crowdmock.core import clock
from crowdmock.core.db import get_row
from crowdmock.vendors.ushahidi.errors import UshahidiError
from crowdmock.vendors.ushahidi.models import (
    ACTIVE_SURVEY_STATES,
    PENDING_RESPONSE,
    SURVEY_FINISHED,
    ConfigGroup,
    Contact,
    Form,
    FormAttribute,
    FormStage,
    Message,
    Post,
    TargetedSurveyState,
)

# DataSourceManager::$defaultSources in their order, with the service each provides.
SOURCES = {
    "email": "email",
    "outgoingemail": "email",
    "frontlinesms": "sms",
    "nexmo": "sms",
    "smssync": "sms",
    "twilio": "sms",
    "twitter": "twitter",
    "sislog": "sms",
}
QUESTION_TYPES_SKIPPED = ("title", "description")  # a targeted survey asks every other field, in priority order


def php_empty(value) -> bool:
    """PHP's empty(): the controllers' "Missing ..." checks treat "0" as missing too."""
    return value is None or value is False or value in ("", "0", 0) or value == [] or value == {}


def config_group(session: Session, name: str) -> dict:
    group = get_row(session, ConfigGroup, name)
    data = group.data if group is not None else None
    return data if isinstance(data, dict) else {}


def enabled_sources(session: Session) -> list[str]:
    """Sources switched on both by the deployment's `features.data-providers` and by `data-provider.providers`."""
    available = config_group(session, "features").get("data-providers")
    configured = config_group(session, "data-provider").get("providers")
    available = available if isinstance(available, dict) else {}
    configured = configured if isinstance(configured, dict) else {}
    return [s for s in SOURCES if not php_empty(available.get(s)) and not php_empty(configured.get(s))]


def source_settings(session: Session, source: str) -> dict:
    """The source's own keys of the `data-provider` config group (secret, account_sid, form_id, inbound_fields...)."""
    settings = config_group(session, "data-provider").get(source)
    return settings if isinstance(settings, dict) else {}


def sms_source(enabled: list[str]) -> str | None:
    """DataSourceManager::getSourceForType('sms'): the first enabled source that sends SMS."""
    return next((s for s in enabled if SOURCES[s] == "sms"), None)


@dataclass
class Incoming:
    """A message as a callback controller hands it to DataSourceStorage::receive."""

    source: str
    sender: str
    text: str | None
    contact_type: str = "phone"
    when: int | None = None
    source_message_id: str | None = None
    title: str | None = None
    type: str = "sms"


def _refuse(resource: str, errors: list[str]) -> UshahidiError:
    # DataSourceStorage::receive turns the use case's ValidatorException into abort(422, ...): its message (which
    # lists the errors, docs/vendors/ushahidi.md §1.5), then the errors again.
    summary = "\n".join([f"Failed to validate {resource} entity:", *errors])
    return UshahidiError(422, f"Validation Error: {summary}; {', '.join(errors)}")


def _check_message(incoming: Incoming, enabled: list[str]) -> None:
    """Validator\\Message\\Receive: the message text (not for twitter), the source, the provider's id length."""
    errors = []
    if php_empty(incoming.text) and incoming.source != "twitter":
        errors.append("message must not be empty")
    if incoming.source not in enabled:
        errors.append("data source must be one of the available options")
    if incoming.source_message_id and len(incoming.source_message_id) > 511:
        errors.append("data source message id must not exceed 511 characters long")
    if errors:
        raise _refuse("messages", errors)


def _check_contact(contact: Contact, enabled: list[str]) -> None:
    """Validator\\Contact\\Receive, on the contact found or about to be created."""
    errors = []
    if contact.data_source and contact.data_source not in enabled:
        errors.append("data source must be one of the available options")
    if php_empty(contact.contact):
        errors.append("contact must not be empty")
    elif len(contact.contact) > 255:
        errors.append("contact must not exceed 255 characters long")
    elif contact.type == "phone" and not any(c.isalnum() or c == " " for c in contact.contact):
        errors.append("contact.contact.invalid_phone")  # no message for it in the platform's lang files
    if errors:
        raise _refuse("contacts", errors)


def receive(session: Session, incoming: Incoming, enabled: list[str]) -> Message:
    """ReceiveMessage::interact and its listeners. Nothing is stored unless all of it is valid."""
    _check_message(incoming, enabled)
    now = int(clock.time())
    contact = session.exec(
        select(Contact)
        .where(Contact.contact == incoming.sender, Contact.type == incoming.contact_type)
        .order_by(Contact.id)
    ).first()
    if contact is None:
        contact = Contact(contact=incoming.sender, type=incoming.contact_type, data_source=incoming.source, created=now)
    _check_contact(contact, enabled)
    if contact.id is None:
        session.add(contact)
        session.flush()
    message = Message(
        contact_id=contact.id,
        data_source=incoming.source,
        data_source_message_id=incoming.source_message_id,
        title=incoming.title,
        message=incoming.text or "",
        datetime=incoming.when,
        type=incoming.type,
        status="received",
        direction="incoming",
        created=now,
    )
    session.add(message)
    session.flush()
    # HandleTargetedSurveyResponse runs first and, when it handles the message, stops CreatePostFromMessage.
    if not answer_targeted_survey(session, message):
        settings = source_settings(session, incoming.source)
        message.post_id = post_from_message(session, message, settings.get("form_id"), settings.get("inbound_fields"))
    session.commit()
    return message


def active_survey_state(session: Session, contact_id: int) -> TargetedSurveyState | None:
    """isContactInActiveTargetedSurveyAndReceivedMessage + getActiveByContactId: a pending or answered state whose
    last message went out to the contact."""
    state = session.exec(
        select(TargetedSurveyState)
        .where(
            TargetedSurveyState.contact_id == contact_id,
            TargetedSurveyState.survey_status.in_(ACTIVE_SURVEY_STATES),
        )
        .order_by(TargetedSurveyState.id)
    ).first()
    if state is None:
        return None
    asked = session.exec(
        select(TargetedSurveyState.id)
        .join(Message, Message.id == TargetedSurveyState.message_id)
        .where(
            TargetedSurveyState.contact_id == contact_id,
            TargetedSurveyState.survey_status.in_(ACTIVE_SURVEY_STATES),
            Message.direction == "outgoing",
        )
    ).first()
    return state if asked is not None else None


def next_question(session: Session, attribute_id: int | None) -> FormAttribute | None:
    """AttributeRepository::getNextByFormAttribute: the next field of the same stage by priority."""
    current = get_row(session, FormAttribute, attribute_id) if attribute_id else None
    if current is None or current.form_stage_id is None:
        return None
    return session.exec(
        select(FormAttribute)
        .where(
            FormAttribute.form_stage_id == current.form_stage_id,
            FormAttribute.priority > current.priority,
            FormAttribute.type.not_in(QUESTION_TYPES_SKIPPED),
        )
        .order_by(FormAttribute.priority, FormAttribute.id)
    ).first()


def first_question(session: Session, form_id: int) -> FormAttribute | None:
    """AttributeRepository::getFirstNonDefaultByForm."""
    return session.exec(
        select(FormAttribute)
        .join(FormStage, FormStage.id == FormAttribute.form_stage_id)
        .where(FormStage.form_id == form_id, FormAttribute.type.not_in(QUESTION_TYPES_SKIPPED))
        .order_by(FormStage.priority, FormAttribute.priority, FormAttribute.id)
    ).first()


def ask(session: Session, contact_id: int, post_id: int | None, question: FormAttribute, source: str | None) -> Message:
    """A question queued for sending: pending, outgoing, its text the field's label."""
    message = Message(
        contact_id=contact_id,
        post_id=post_id,
        title=question.label,
        message=question.label,
        status="pending",
        type="sms",
        data_source=source,
        direction="outgoing",
        created=int(clock.time()),
    )
    session.add(message)
    session.flush()
    return message


def answer_targeted_survey(session: Session, message: Message) -> bool:
    """HandleTargetedSurveyResponse: a reply from a contact in a targeted survey joins the survey's post, and the
    next question is queued, or the survey ends. The answer stays a message; the post's values are not written."""
    state = active_survey_state(session, message.contact_id)
    if state is None:
        return False
    message.post_id = state.post_id
    question = next_question(session, state.form_attribute_id)
    if question is None:
        state.form_attribute_id, state.message_id, state.survey_status = None, message.id, SURVEY_FINISHED
    else:
        asked = ask(session, message.contact_id, state.post_id, question, message.data_source)
        state.form_attribute_id, state.message_id, state.survey_status = question.id, asked.id, PENDING_RESPONSE
    session.add(state)
    return True


def _inbound_values(message: Message, fields) -> dict:
    """CreatePostFromMessage::createPost: the message's parts copied to the fields the source maps them to."""
    fields = fields if isinstance(fields, dict) else {}
    values: dict = {}
    if message.title is not None and fields.get("Title"):
        values[str(fields["Title"])] = [message.title]
    if message.message is not None and fields.get("Message"):
        values[str(fields["Message"])] = [message.message]
    if message.datetime is not None and fields.get("Date"):
        stamp = datetime.fromtimestamp(message.datetime, UTC).strftime("%Y-%m-%d %H:%M:%S")
        values[str(fields["Date"])] = [stamp]
    return values


def post_from_message(session: Session, message: Message, form_id=None, inbound_fields=None) -> int:
    """The post an incoming message becomes: in the source's inbound survey (`form_id`, if it exists) with the mapped
    values, else a post without a survey; a draft, its content the message."""
    form = get_row(session, Form, form_id) if form_id and not isinstance(form_id, bool) else None
    post = Post(
        form_id=form.id if form else None,
        title=message.title,
        content=message.message,
        values=_inbound_values(message, inbound_fields) if form else {},
        status="draft",
        created=message.created,
        post_date=message.datetime if message.datetime is not None else message.created,
        tags=[],
        published_to=[],
        completed_stages=[],
        message_id=message.id,
        contact_id=message.contact_id,
        source=message.type,
        data_source_message_id=message.data_source_message_id,
    )
    session.add(post)
    session.flush()
    return post.id
