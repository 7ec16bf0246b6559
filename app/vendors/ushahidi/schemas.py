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


def request_fields() -> dict[str, dict]:
    """What the OpenAPI document says of request fields beyond what the test suite sent (`resource.name` or `name`
    -> schema; tests/openapi_recorder.py): the values each resource's validation accepts."""
    return {
        "view": {"enum": list(VIEWS)},
        "token.grant_type": {"enum": ["password", "client_credentials", "refresh_token"]},
        "tags.type": {"enum": ["category", "status"]},
        "contacts.type": {"enum": list(CONTACT_TYPES)},
        "messages.direction": {"const": "outgoing"},
        "messages.status": {"enum": list(MESSAGE_STATUSES)},
        "messages.type": {"enum": ["sms", "ivr", "email", "twitter"]},  # docs/vendors/ushahidi.md §1.27
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
        # docs/vendors/ushahidi.md §1.15-1.16: a targeted survey's numbers, SMSSync's poll and its milliseconds.
        "contacts.contacts": {"type": "string", "description": "Phone numbers, comma-separated."},
        "smssync.task": {"enum": ["send"]},
        "sent_timestamp": {"type": "string", "pattern": "^[0-9]+$", "description": "Milliseconds since 1970."},
        # docs/vendors/ushahidi.md §1.24: LayerRequest's rules.
        "layers.name": {"type": "string", "minLength": 2, "maxLength": 50},
        "layers.type": {"enum": ["geojson", "wms", "tile"]},
        "layers.active": {"type": "boolean"},
        "layers.visible_by_default": {"type": "boolean"},
        "layers.media_id": {"type": "integer", "description": "An uploaded medium's id; data_url or media_id."},
        "layers.data_url": {"type": "string"},
    }
