"""What the OpenAPI document says of requests beyond what the test suite's exchanges show
(tests/openapi_recorder.py): fields whose shape is the caller's, and the values each resource's validation accepts."""

from crowdmock.vendors.ushahidi.models import (
    ATTRIBUTE_INPUTS,
    ATTRIBUTE_TYPES,
    CONTACT_TYPES,
    MESSAGE_STATUSES,
    VIEWS,
    WEBHOOK_EVENTS,
)

# Values whose shape is the caller's, echoed back as sent (the OpenAPI document leaves them open; see
# tests/openapi_recorder.py): saved filters, view and attribute settings, post values, export columns.
OPEN_FIELDS = {
    name: {}
    for name in (
        "filter",
        "filters",
        "view_options",
        "options",
        "config",
        "values",
        "fields",
        "header_row",
        "hxl_heading_row",
        "maps_to",
        "fixed",
        "metadata",
        "role",
        "published_to",
    )
}


ROLE_NAMES = {"type": "array", "items": {"type": "string", "minLength": 1}, "description": "Role names."}
MAX_ID = 2**63 - 1
# Text PHP's empty() does not take for missing: not blank and not "0" (docs/vendors/ushahidi.md §1.15).
PHP_FILLED = {"type": "string", "minLength": 1, "pattern": r"[^\s0]|\S.|.\S"}
# An export job goes to the browser or to HDX, never both nor neither, and to HDX with its HXL (§1.17; the rules
# apply while the `hxl` feature is on, as seeded).
EXPORT_DESTINATION = {
    "oneOf": [
        {
            "properties": {"send_to_hdx": {"const": False}, "send_to_browser": {"const": True}},
            "required": ["send_to_hdx", "send_to_browser"],
        },
        {
            "properties": {
                "send_to_hdx": {"const": True},
                "send_to_browser": {"const": False},
                "include_hxl": {"const": True},
            },
            "required": ["send_to_hdx", "send_to_browser"],
        },
    ]
}
# LayerRequest's required_without_all: a layer's data comes from a URL or an uploaded medium (§1.24).
LAYER_SOURCE = {"anyOf": [{"required": ["data_url"]}, {"required": ["media_id"]}]}


def request_fields() -> dict[str, dict]:
    """What the OpenAPI document says of request fields beyond what the test suite sent (`resource.name` or `name`
    -> schema; tests/openapi_recorder.py): the values each resource's validation accepts; and `METHOD path` -> what
    that operation's whole body must also be (rules across fields, such as one of two fields being required)."""
    return {
        "view": {"enum": list(VIEWS)},
        "token.grant_type": {"enum": ["password", "client_credentials", "refresh_token"]},
        "tags.type": {"enum": ["category", "status"]},
        "contacts.type": {"enum": list(CONTACT_TYPES)},
        "messages.direction": {"const": "outgoing"},
        "messages.status": {"enum": list(MESSAGE_STATUSES)},
        "messages.type": {"enum": ["sms", "ivr", "email", "twitter"]},  # docs/vendors/ushahidi.md §1.27
        # §1.27: a new message needs a type, unless it replies to a message (an existing one), whose type it takes.
        "messages.parent_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        "POST /api/v3/messages": {"anyOf": [{"required": ["type"]}, {"required": ["parent_id"]}]},
        "posts.status": {"enum": ["published", "draft", "archived"]},
        "posts.type": {"enum": ["report", "update", "revision", "translation"]},
        "stats.group_by": {"enum": ["status", "form", "tags", "attribute"]},
        "attributes.type": {"enum": sorted(ATTRIBUTE_TYPES)},
        # docs/vendors/ushahidi.md §1.28: a field's input, key, label; a stage's type, label, icon, priority.
        "attributes.input": {"enum": list(ATTRIBUTE_INPUTS)},
        "attributes.key": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,150}$"},
        "attributes.label": {"type": "string", "minLength": 1, "maxLength": 150},
        "stages.type": {"enum": ["post", "task"]},
        "tasks.type": {"enum": ["post", "task"]},
        "stages.label": {"type": "string", "pattern": "^[A-Za-z0-9 .,_-]{2,150}$"},
        "stages.icon": {"type": "string", "pattern": "^[A-Za-z]*$"},
        "stages.priority": {"type": "integer", "minimum": 0},
        "email": {"format": "email"},
        "author_email": {"format": "email"},
        "post_date": {"format": "date-time"},
        "tos_version_date": {"format": "date-time"},
        "password": {"minLength": 7},
        "color": {"type": "string", "pattern": "^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"},
        "collections.role": ROLE_NAMES,
        "savedsearches.role": ROLE_NAMES,
        "tags.role": ROLE_NAMES,
        # docs/vendors/ushahidi.md §1.18, §1.20, §1.21
        "settings.user_id": {"type": "integer"},
        "settings.config_key": {"type": "string", "minLength": 3, "maxLength": 255},
        "settings.config_value": {"type": "string", "minLength": 3, "maxLength": 255},
        "notifications.set": {"type": "integer", "description": "A collection's or saved search's id."},
        # Letters, digits, punctuation and spaces; a URL Kohana's Valid::url takes (docs/vendors/ushahidi.md §1.21).
        "webhooks.name": {"type": "string", "pattern": "^[A-Za-z0-9 .,_-]{1,255}$"},
        "webhooks.shared_secret": {"type": "string", "pattern": "^[A-Za-z0-9 .,_-]{20,}$"},
        "webhooks.url": {
            "type": "string",
            "pattern": "^https?://[a-z0-9]{1,20}(\\.[a-z0-9]{1,20}){0,3}(:[0-9]{1,4})?(/[a-z0-9]*)*$",
        },
        "webhooks.event_type": {"enum": list(WEBHOOK_EVENTS)},
        "webhooks.entity_type": {"const": "post"},
        "webhooks.form_id": {"type": "integer"},
        # docs/vendors/ushahidi.md §1.17: HXL metadata texts (letters, numbers, punctuation, spaces) and export jobs.
        "metadata.dataset_title": {"type": "string", "minLength": 2, "maxLength": 255},
        "metadata.organisation_id": {"type": "string", "minLength": 1, "maxLength": 255},
        "metadata.organisation_name": {"type": "string", "minLength": 1, "maxLength": 255},
        "metadata.source": {"type": "string", "minLength": 2, "maxLength": 255},
        "metadata.private": {"type": "boolean"},
        "metadata.license_id": {"type": "integer"},
        "jobs.entity_type": {"const": "post"},
        "jobs.send_to_browser": {"type": "boolean"},
        "jobs.send_to_hdx": {"type": "boolean"},
        "jobs.include_hxl": {"type": "boolean"},
        "jobs.hxl_meta_data_id": {"type": "integer"},
        "POST /api/v3/exports/jobs": EXPORT_DESTINATION,
        # §1.25: the Media validator's caption rule, letters, numbers, punctuation and spaces (here ASCII only).
        "media.caption": {"type": "string", "pattern": "^[A-Za-z0-9 .,_-]*$"},
        # §1.2: an upload of 1 to 1,048,576 bytes (the default `ushahidi_media_max_bytes`).
        "media.file": {"minLength": 1, "maxLength": 1_048_576},
        # docs/vendors/ushahidi.md §1.15-1.16: a targeted survey's numbers, SMSSync's poll and its milliseconds.
        "contacts.contacts": {"type": "string", "description": "Phone numbers, comma-separated."},
        "smssync.task": {"enum": ["send"]},
        "sent_timestamp": {"type": "string", "pattern": "^[0-9]+$", "description": "Milliseconds since 1970."},
        # §1.15: Nexmo's `messageId`, `text` and `msisdn` must not be missing as PHP's empty() sees it; the sender's
        # digits make the contact, and the provider's id is stored in 511 characters. (`reply`: /sms/nexmo/reply.)
        "nexmo.text": PHP_FILLED,
        "reply.text": PHP_FILLED,
        "messageId": {**PHP_FILLED, "maxLength": 511},
        "msisdn": {"type": "string", "pattern": "^[1-9][0-9]{0,14}$", "description": "The sender's number."},
        # docs/vendors/ushahidi.md §1.24: LayerRequest's rules.
        "layers.name": {"type": "string", "minLength": 2, "maxLength": 50},
        "layers.type": {"enum": ["geojson", "wms", "tile"]},
        "layers.active": {"type": "boolean"},
        "layers.visible_by_default": {"type": "boolean"},
        "layers.media_id": {"type": "integer", "description": "An uploaded medium's id; data_url or media_id."},
        "layers.data_url": {"type": "string"},
        "layers.order": {"enum": ["asc", "desc"]},  # Laravel's orderBy: anything else is 400
        "POST /api/v5/layers": LAYER_SOURCE,
        "PUT /api/v5/layers/{layer_id}": LAYER_SOURCE,
    }
