"""Webhook deliveries: a created or updated post is POSTed, signed, to each webhook listening for that event
(docs/vendors/ushahidi.md §1.21), as the platform's `webhook:send` command does.

The API answer never waits: the request only looks the webhooks up and builds the body; a daemon thread sends it,
with a short timeout and a few retries, and journals each attempt as an outgoing call of the tenant."""

import base64
import hashlib
import hmac
import json
import logging
import threading
import time
from typing import TYPE_CHECKING

from sqlalchemy import bindparam
from sqlmodel import or_, select

from crowdmock.core.db import read_columns
from crowdmock.core.journal import Journal, record_outgoing_call
from crowdmock.core.tenancy import tenant_of
from crowdmock.vendors.ushahidi.auth import Ctx

if TYPE_CHECKING:
    import httpx
from crowdmock.vendors.ushahidi.models import Post, PostSet, Webhook
from crowdmock.vendors.ushahidi.render import php_datetime

log = logging.getLogger("crowdmock")
SIGNATURE_HEADER = "X-Ushahidi-Signature"
TIMEOUT_SECONDS = 5.0  # per attempt: connecting and reading the answer
ATTEMPTS = 3  # a network error or a 5xx answer is tried again, after BACKOFF_SECONDS, then twice that
BACKOFF_SECONDS = 0.5


def sign(url: str, body: str, shared_secret: str) -> str:
    """Ushahidi's Signer: base64 of the HMAC-SHA256 of the URL followed by the body, keyed by the shared secret."""
    digest = hmac.new(shared_secret.encode(), (url + body).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def php_json(data) -> str:
    """json_encode with PHP's default flags (as Guzzle's `json` option sends it): `/` and non-ASCII escaped."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/")


SETS_OF_POST = select(PostSet.set_id).where(PostSet.post_id == bindparam("post_id")).order_by(PostSet.set_id)


def post_entity(ctx: Ctx, post: Post) -> dict:
    """The post as the platform's Post entity holds it (`asArray()`): stored fields, not the API's rendering."""
    sets = ctx.session.exec(SETS_OF_POST, params={"post_id": post.id}).all()
    return {
        "id": post.id,
        "parent_id": post.parent_id,
        "form_id": post.form_id,
        "user_id": post.user_id,
        "message_id": post.message_id,
        "color": post.color,
        "type": post.type,
        "title": post.title,
        "slug": post.slug,
        "content": post.content,
        "author_email": post.author_email,
        "author_realname": post.author_realname,
        "status": post.status,
        "created": post.created,
        "updated": post.updated,
        "locale": (post.locale or "").lower(),
        "values": post.values or [],
        "post_date": php_datetime(post.post_date),
        "tags": post.tags or [],
        "published_to": post.published_to or [],
        "completed_stages": post.completed_stages or [],
        "sets": list(sets),
        "lock": post.lock,
        "source": post.source,
        "contact_id": post.contact_id,
        "metadata": None,
        "data_source_message_id": post.data_source_message_id,
        "base_language": None,
    }


Delivery = tuple[str, str, str]  # url, body, signature
# Built once (a statement costs more to build than to run) and read as columns: the webhooks of an event whose
# survey is unset or the post's (a post without a survey: the first two).
MATCHING = (
    select(
        Webhook.url,
        Webhook.shared_secret,
        Webhook.webhook_uuid,
        Webhook.source_field_key,
        Webhook.destination_field_key,
    )
    .where(
        Webhook.event_type == bindparam("event"),
        or_(Webhook.form_id.is_(None), Webhook.form_id == 0, Webhook.form_id == bindparam("form_id")),
    )
    .order_by(Webhook.id)
)


def post_webhooks(ctx: Ctx, post: Post, event: str) -> list[Delivery]:
    """What to send for `event` (`create`, `update`) to the webhooks whose survey is unset or the post's: looked
    up and built in the post's transaction, sent by `send_webhooks` once it has committed."""
    hooks = read_columns(ctx.session, MATCHING, {"event": event, "form_id": post.form_id}).all()
    if not hooks:
        return []
    entity = post_entity(ctx, post)
    deliveries = []
    for hook in hooks:
        data = {
            **entity,
            "webhook_uuid": hook.webhook_uuid,
            "source_field_key": hook.source_field_key or None,
            "destination_field_key": hook.destination_field_key or None,
        }
        body = php_json(data)
        deliveries.append((hook.url, body, sign(hook.url, body, hook.shared_secret)))
    return deliveries


def send_webhooks(ctx: Ctx, deliveries: list[Delivery]) -> None:
    """Sends in the background: the API answer never waits."""
    if not deliveries:
        return
    journal = tenant_of(ctx.request).control.journal
    threading.Thread(target=_send_all, args=(journal, deliveries), name="ushahidi-webhooks", daemon=True).start()


def _send_all(journal: Journal, deliveries: list[Delivery]) -> None:
    import httpx  # only where a webhook is delivered: its import costs every start ~30 ms and ~5 MB

    with httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False) as client:
        for url, body, signature in deliveries:
            try:
                _send(client, journal, url, body, signature)
            except Exception:  # a delivery never takes the server down
                log.exception("ushahidi webhook delivery to %s failed", url)


def _send(client: "httpx.Client", journal: Journal, url: str, body: str, signature: str) -> None:
    import httpx

    headers = {
        SIGNATURE_HEADER: signature,
        "Accept": "application/json",
        "Content-Type": "application/json",
        "User-Agent": "GuzzleHttp/7",
    }
    raw_headers = [(k.lower().encode(), v.encode("latin-1")) for k, v in headers.items()]
    content = body.encode()
    for attempt in range(ATTEMPTS):
        if attempt:
            time.sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
        started = time.perf_counter()
        try:
            answer = client.post(url, content=content, headers=headers)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            status, answer_headers, answer_body = None, [], f"{type(exc).__name__}: {exc}".encode()
        else:
            status, answer_headers, answer_body = answer.status_code, answer.headers.raw, answer.content
        elapsed = round((time.perf_counter() - started) * 1000, 3)
        record_outgoing_call(
            journal, "ushahidi", "POST", url, raw_headers, content, status, answer_headers, answer_body, elapsed
        )
        if status is not None and status < 500:
            return
