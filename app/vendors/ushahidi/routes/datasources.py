"""The data sources' callbacks at the deployment's root, outside /api/v3 and without tokens (docs/vendors/ushahidi.md
§1.15): SMSSync (`/smssync`, `/sms/smssync`), Twilio (`/sms/twilio[/reply]`), Nexmo (`/sms/nexmo[/reply]`, `/nexmo`)
and FrontlineSMS (`/frontlinesms`, `/sms/frontlinesms`). Each checks its provider's secret, then hands the message to
datasources.receive."""

import re

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from sqlmodel import Session, select

from crowdmock.core import clock
from crowdmock.core.db import SessionDep
from crowdmock.core.payload import read_payload
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.ushahidi.datasources import (
    Incoming,
    enabled_sources,
    php_empty,
    receive,
    source_settings,
)
from crowdmock.vendors.ushahidi.errors import UshahidiError
from crowdmock.vendors.ushahidi.laravel import php_field_names
from crowdmock.vendors.ushahidi.models import Contact, Message

router = LazyRouter(tags=["data sources"])
NOT_DIGITS = re.compile(r"[^0-9,+.]")  # "Remove Non-Numeric characters because that's what the DB has"
NOT_SENDER = re.compile(r"[^0-9A-Za-z+ ]")  # "Allow for Alphanumeric sender"
TASK_BATCH = 20


def text(value) -> str | None:
    """A request field as PHP reads it into a string (structured values are treated as absent)."""
    if value is None or isinstance(value, list | dict):
        return None
    if isinstance(value, bool):
        return "1" if value else ""
    return str(value)


async def request_input(request: Request) -> dict:
    """Laravel's `$request->input()`: the body's fields over the query string's."""
    payload = await read_payload(request)
    return {**php_field_names(dict(request.query_params)), **payload.data}


def enabled_or_fail(session: Session, source: str, check: str) -> list[str]:
    """A controller whose source is not enabled keeps the source's name, a string, and then calls its secret check on
    it: PHP's fatal error, which the platform answers as a 500."""
    enabled = enabled_sources(session)
    if source not in enabled:
        raise UshahidiError(500, f"Call to a member function {check}() on string")
    return enabled


def secret_matches(session: Session, source: str, key: str, given) -> bool:
    """verifySecret / verifySid: the configured value, compared strictly (a missing setting matches nothing)."""
    expected = source_settings(session, source).get(key)
    return expected is not None and isinstance(given, str) and given == expected


def sms_payload(success: bool, error: str | None, status: int = 200) -> JSONResponse:
    return JSONResponse({"payload": {"success": success, "error": error}}, status_code=status)


# --- SMSSync ---------------------------------------------------------------------------------------------


def sent_time(raw) -> int | None:
    """`sent_timestamp` (milliseconds) / 1000 read back with DateTime's `U` format: nothing sent is the epoch, a
    fraction of a second does not parse."""
    if php_empty(raw):
        return 0 if raw in (None, 0, "0") else None
    try:
        millis = int(str(raw).strip())
    except ValueError:
        return None
    return millis // 1000 if millis % 1000 == 0 else None


def pending_for_task(session: Session) -> list[tuple[Message, str | None]]:
    """DataSourceController::getPendingMessages(20): SMSSync's pending outgoing messages, then any source's added by
    PHP's array union (so only those past the first list's length), each with its contact's address."""

    def pending(source: str | None) -> list[tuple[Message, str | None]]:
        stmt = (
            select(Message, Contact.contact)
            .join(Contact, Contact.id == Message.contact_id, isouter=True)
            .where(Message.status == "pending", Message.direction == "outgoing")
            .order_by(Message.created, Message.id)
            .limit(TASK_BATCH)
        )
        if source:
            stmt = stmt.where(Message.data_source == source)
        return [(m, c) for m, c in session.exec(stmt).all()]

    own = pending("smssync")
    return own + pending(None)[len(own) :]


def smssync_task(session: Session, secret) -> dict:
    """GET ?task=send: the messages for the phone to send, marked `unknown` so that they are not sent twice."""
    messages = []
    for message, to in pending_for_task(session):
        uuid = message.data_source_message_id or str(clock.uuid4())
        message.status, message.data_source_message_id = "unknown", uuid
        session.add(message)
        messages.append({"to": to, "message": message.message, "message_id": message.id, "uuid": uuid})
    session.commit()
    return {"payload": {"task": "send", "success": True, "secret": secret, "messages": messages}}


@router.get("/smssync")
@router.post("/smssync")
@router.get("/sms/smssync")
@router.post("/sms/smssync")
async def smssync(request: Request, session: SessionDep) -> Response:
    fields = await request_input(request)
    enabled = enabled_or_fail(session, "smssync", "verifySecret")
    if not secret_matches(session, "smssync", "secret", fields.get("secret")):
        return sms_payload(False, "Incorrect or missing secret key", 403)
    if request.method == "GET":
        if fields.get("task") == "send":
            secret = source_settings(session, "smssync").get("secret", False)
            return JSONResponse(smssync_task(session, secret))
        return sms_payload(True, None)
    sender, message = text(fields.get("from")), text(fields.get("message"))
    if php_empty(sender):
        return sms_payload(False, "Missing from value", 400)
    if php_empty(message):
        return sms_payload(False, "Missing message", 400)
    when = sent_time(fields.get("sent_timestamp"))
    receive(session, Incoming("smssync", NOT_SENDER.sub("", sender), message, when=when), enabled)
    return sms_payload(True, None)


# --- Twilio ----------------------------------------------------------------------------------------------


# TwiML or an empty HTML answer, never JSON: the OpenAPI document takes its success shapes from the recording.
@router.post("/sms/twilio", response_class=Response)
@router.post("/sms/twilio/reply", response_class=Response)
async def twilio(request: Request, session: SessionDep) -> Response:
    fields = await request_input(request)
    enabled = enabled_or_fail(session, "twilio", "verifySid")
    if not secret_matches(session, "twilio", "account_sid", fields.get("AccountSid")):
        raise UshahidiError(403, "Incorrect or missing AccountSid")
    sender = text(fields.get("From")) or ""
    # "whatsapp:+1..." is a WhatsApp contact; any other channel prefix stays a phone.
    channel, colon, _ = sender.partition(":")
    contact_type = "whatsapp" if colon and channel and channel == "whatsapp" else "phone"
    incoming = Incoming(
        "twilio",
        NOT_DIGITS.sub("", sender),
        text(fields.get("Body")),
        contact_type=contact_type,
        source_message_id=text(fields.get("MessageSid")),
    )
    receive(session, incoming, enabled)
    reply = source_settings(session, "twilio").get("sms_auto_response")
    if php_empty(reply):
        return Response(b"", headers={"content-type": "text/html; charset=UTF-8"})
    # TwiML as the controller writes it: the auto response is put in as it is, unescaped.
    twiml = f'<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n<Message>{text(reply)}</Message>\n</Response>'
    # Symfony adds the charset to a text/* type, in upper case.
    return Response(twiml, headers={"content-type": "text/xml; charset=UTF-8"})


# --- Nexmo -----------------------------------------------------------------------------------------------


async def nexmo_fields(request: Request) -> dict:
    """Vonage's InboundMessage::createFromGlobals: the query string of a GET; the form body of a POST, or its JSON
    when the first Content-Type is exactly application/json."""
    if request.method == "GET":
        return dict(request.query_params)
    payload = await read_payload(request)
    return payload.data


@router.get("/sms/nexmo")
@router.post("/sms/nexmo")
@router.get("/sms/nexmo/reply")
@router.post("/sms/nexmo/reply")
@router.post("/nexmo")
async def nexmo(request: Request, session: SessionDep) -> dict:
    fields = await nexmo_fields(request)
    message_id, body, sender = (text(fields.get(k)) for k in ("messageId", "text", "msisdn"))
    if php_empty(message_id) or php_empty(body) or php_empty(sender):
        raise UshahidiError(400, "Invalid message")
    # No secret: Nexmo's controller checks none, and a disabled Nexmo fails the message's validation instead.
    incoming = Incoming("nexmo", NOT_DIGITS.sub("", sender), body, source_message_id=message_id)
    receive(session, incoming, enabled_sources(session))
    return {"success": True}


# --- FrontlineSMS ----------------------------------------------------------------------------------------


@router.post("/frontlinesms")
@router.post("/sms/frontlinesms")
async def frontlinesms(request: Request, session: SessionDep) -> Response:
    fields = await request_input(request)
    enabled = enabled_or_fail(session, "frontlinesms", "verifySecret")
    if not secret_matches(session, "frontlinesms", "secret", fields.get("secret")):
        raise UshahidiError(403, "Incorrect or missing secret key")
    sender, message = text(fields.get("from")), text(fields.get("message"))
    if php_empty(sender):
        raise UshahidiError(400, "Missing from")
    if php_empty(message):
        raise UshahidiError(400, "Missing message")
    receive(session, Incoming("frontlinesms", NOT_SENDER.sub("", sender), message), enabled)
    return sms_payload(True, None)
