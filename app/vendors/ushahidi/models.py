"""SQLModel tables of the Ushahidi v3 emulator. Timestamps are unix ints, as in the real database."""

from typing import Any

from sqlalchemy import Column, Index, LargeBinary
from sqlmodel import Field

from crowdmock.core.counters import RowCount
from crowdmock.core.db import TableModel, json_field


class OAuthClient(TableModel, table=True):
    __tablename__ = "ushahidi_oauth_client"
    id: str = Field(primary_key=True)
    secret: str
    name: str = ""
    password_client: bool = True


class Role(TableModel, table=True):
    __tablename__ = "ushahidi_role"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True)
    display_name: str = ""
    description: str | None = None
    permissions: list | None = json_field()
    protected: bool = False


class Permission(TableModel, table=True):
    __tablename__ = "ushahidi_permission"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    description: str | None = None


class User(TableModel, table=True):
    __tablename__ = "ushahidi_user"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(index=True, unique=True)
    realname: str | None = None
    password_hash: str = ""
    role: str = "user"
    language: str | None = None
    logins: int = 0
    failed_attempts: int = 0
    last_login: int | None = None
    last_attempt: int | None = None
    created: int = 0
    updated: int | None = None


class ResetToken(TableModel, table=True):
    __tablename__ = "ushahidi_reset_token"
    token: str = Field(primary_key=True)
    user_id: int
    created: int


class Post(TableModel, table=True):
    __tablename__ = "ushahidi_post"
    # A list's default search (status and type): its page read in its order (post_date, then id: SQLite's indexes end
    # with the rowid anyway, PostgreSQL's need it said), and its total counted from the index alone for a caller who
    # also sees their own posts (the others' from POSTS_BY_STATUS_AND_TYPE).
    __table_args__ = (Index("ix_ushahidi_post_status_type_post_date", "status", "type", "post_date", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    parent_id: int | None = None
    form_id: int | None = Field(default=None, index=True)
    user_id: int | None = Field(default=None, index=True)
    message_id: int | None = None
    contact_id: int | None = None
    color: str | None = None
    type: str = "report"
    title: str | None = None
    slug: str | None = None
    content: str | None = None
    author_email: str | None = None
    author_realname: str | None = None
    status: str = Field(default="draft", index=True)
    created: int = 0
    updated: int | None = None
    locale: str = "en_us"
    values: dict | None = json_field()
    post_date: int | None = Field(default=None, index=True)  # the lists' default order: a page reads its rows only
    tags: list | None = json_field()
    published_to: list | None = json_field()
    completed_stages: list | None = json_field()
    lock: dict | None = json_field()
    source: str | None = None
    data_source_message_id: str | None = None


# The views a set can be shown in (`view`).
VIEWS = ("map", "data", "list", "timeline", "chart", "activity")


# A list's total_count, kept by the database: counting 50,000 posts from the index took 1.2 ms per page
# (docs/performance.md, Cost that grows).
POSTS_BY_STATUS_AND_TYPE = RowCount(Post.__table__, "ushahidi_count_post_status_type", "status", "type")


class Set(TableModel, table=True):
    """Collections and saved searches share one table, as in Ushahidi (`search` tells them apart)."""

    __tablename__ = "ushahidi_set"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = None
    name: str = ""
    description: str | None = ""
    url: str | None = None
    view: str | None = "list"
    view_options: Any = json_field()
    role: list | None = json_field()
    featured: bool = False
    search: bool = False
    filter: Any = json_field()
    created: int = 0
    updated: int | None = None


class PostSet(TableModel, table=True):
    __tablename__ = "ushahidi_post_set"
    set_id: int = Field(primary_key=True)
    post_id: int = Field(primary_key=True)
    created: int = 0


class Tag(TableModel, table=True):
    __tablename__ = "ushahidi_tag"
    id: int | None = Field(default=None, primary_key=True)
    parent_id: int | None = None
    tag: str = ""
    slug: str = ""
    type: str = "category"
    color: str | None = None
    icon: str = "tag"
    description: str | None = None
    priority: int = 99
    role: list | None = json_field()
    created: int = 0


class Form(TableModel, table=True):
    __tablename__ = "ushahidi_form"
    id: int | None = Field(default=None, primary_key=True)
    parent_id: int | None = None
    name: str = ""
    description: str | None = None
    color: str | None = None
    type: str = "report"
    disabled: bool = False
    created: int = 0
    updated: int | None = None
    hide_author: bool = False
    hide_time: bool = False
    hide_location: bool = False
    require_approval: bool = True
    everyone_can_create: bool = True
    targeted_survey: bool = False
    can_create: list | None = json_field()
    tags: list | None = json_field()


class FormStage(TableModel, table=True):
    __tablename__ = "ushahidi_form_stage"
    id: int | None = Field(default=None, primary_key=True)
    form_id: int = Field(index=True)
    label: str = ""
    priority: int = 0
    icon: str | None = None
    type: str = "post"
    required: bool = False
    show_when_published: bool = True
    description: str | None = None
    task_is_internal_only: bool = False


# The types and inputs of a survey field (Validator/Form/Attribute/Update.php).
ATTRIBUTE_INPUTS = (
    "text",
    "textarea",
    "select",
    "radio",
    "checkbox",
    "checkboxes",
    "date",
    "datetime",
    "location",
    "number",
    "relation",
    "upload",
    "video",
    "markdown",
    "tags",
)
ATTRIBUTE_TYPES = {
    "varchar",
    "text",
    "point",
    "datetime",
    "decimal",
    "int",
    "geometry",
    "link",
    "media",
    "relation",
    "title",
    "description",
    "tags",
    "markdown",
}


class FormAttribute(TableModel, table=True):
    __tablename__ = "ushahidi_form_attribute"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True)
    label: str = ""
    instructions: str | None = None
    input: str = "text"
    type: str = "varchar"
    required: bool = False
    default: str | None = None
    priority: int = 0
    options: Any = json_field()
    cardinality: int = 1
    config: Any = json_field()
    form_stage_id: int | None = Field(default=None, index=True)
    response_private: bool = False
    description: str | None = None


class FormRole(TableModel, table=True):
    __tablename__ = "ushahidi_form_role"
    id: int | None = Field(default=None, primary_key=True)
    form_id: int = Field(index=True)
    role_id: int


# The kinds of a contact (`type`).
CONTACT_TYPES = ("phone", "email", "twitter", "whatsapp")


class Contact(TableModel, table=True):
    __tablename__ = "ushahidi_contact"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = None
    data_source: str | None = None
    type: str | None = None
    contact: str = ""
    created: int = 0
    updated: int | None = None
    can_notify: bool = False
    country_code: str | None = None


# The states of a message (`status`).
MESSAGE_STATUSES = (
    "received",
    "expired",
    "cancelled",
    "pending",
    "pending_poll",
    "sent",
    "archived",
    "failed",
    "unknown",
)


class Message(TableModel, table=True):
    __tablename__ = "ushahidi_message"
    id: int | None = Field(default=None, primary_key=True)
    parent_id: int | None = None
    contact_id: int | None = Field(default=None, index=True)
    post_id: int | None = None
    user_id: int | None = None
    data_source: str | None = None
    data_source_message_id: str | None = None
    title: str | None = None
    message: str = ""
    datetime: int | None = None
    type: str = "sms"
    status: str = "received"
    direction: str = "incoming"
    created: int = 0
    additional_data: Any = json_field()
    notification_post_id: int | None = None


class ConfigGroup(TableModel, table=True):
    __tablename__ = "ushahidi_config"
    id: str = Field(primary_key=True)
    position: int = 0
    data: dict | None = json_field()


class CountryCode(TableModel, table=True):
    __tablename__ = "ushahidi_country_code"
    id: int | None = Field(default=None, primary_key=True)
    country_name: str
    dial_code: str
    country_code: str


class DataProvider(TableModel, table=True):
    __tablename__ = "ushahidi_dataprovider"
    id: str = Field(primary_key=True)
    name: str
    services: list | None = json_field()
    options: dict | None = json_field()
    inbound_fields: dict | None = json_field()


class ExportJob(TableModel, table=True):
    __tablename__ = "ushahidi_export_job"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = None
    entity_type: str = "post"
    fields: Any = json_field()
    filters: Any = json_field()
    status: str = "PENDING"
    url: str | None = None
    url_expiration: int | None = None
    header_row: Any = json_field()
    hxl_heading_row: Any = json_field()
    include_hxl: bool = False
    send_to_browser: bool = True
    send_to_hdx: bool = False
    hxl_meta_data_id: int | None = None
    total_rows: int | None = None
    total_batches: int | None = None
    created: int = 0
    updated: int | None = None


class Csv(TableModel, table=True):
    __tablename__ = "ushahidi_csv"
    id: int | None = Field(default=None, primary_key=True)
    columns: list | None = json_field()
    maps_to: Any = json_field()
    fixed: Any = json_field()
    filename: str | None = None
    mime: str | None = "text/csv"
    size: int | None = None
    created: int = 0
    updated: int | None = None
    completed: int | None = None
    status: str | None = None
    errors: Any = json_field()
    processed: int | None = None
    collection_id: int | None = None
    rows: list | None = json_field()  # the uploaded file's data rows, kept for the import step


class Media(TableModel, table=True):
    __tablename__ = "ushahidi_media"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = None
    caption: str | None = None
    mime: str = ""
    o_filename: str = ""
    o_size: int = 0
    o_width: int | None = None
    o_height: int | None = None
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    created: int = 0
    updated: int | None = None


class Layer(TableModel, table=True):
    """A map overlay of the v5 API, columns in the `layers` table's order (docs/vendors/ushahidi.md §1.24)."""

    __tablename__ = "ushahidi_layer"
    id: int | None = Field(default=None, primary_key=True)
    media_id: int | None = None
    name: str = ""
    type: str = "geojson"
    data_url: str | None = None
    options: Any = json_field()
    active: int = 1
    visible_by_default: int = 1
    created: int = 0
    updated: int = 0


class Tos(TableModel, table=True):
    """A user's agreement to a version of the terms of service (docs/vendors/ushahidi.md §1.14)."""

    __tablename__ = "ushahidi_tos"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = 0
    agreement_date: int = 0
    tos_version_date: int = 0


class UserSetting(TableModel, table=True):
    """A user's own key/value setting (docs/vendors/ushahidi.md §1.18); a key is unique per user."""

    __tablename__ = "ushahidi_user_setting"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(default=0, index=True)
    config_key: str = ""
    config_value: str = ""
    created: int = 0
    updated: int = 0


class ApiKey(TableModel, table=True):
    """The deployment's API keys, which signed calls from webhook services carry (docs/vendors/ushahidi.md §1.19)."""

    __tablename__ = "ushahidi_apikey"
    id: int | None = Field(default=None, primary_key=True)
    api_key: str = ""
    created: int = 0
    updated: int | None = None


class Notification(TableModel, table=True):
    """A user's subscription to a collection or saved search (docs/vendors/ushahidi.md §1.20)."""

    __tablename__ = "ushahidi_notification"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(default=0, index=True)
    set_id: int = 0
    created: int = 0


# The post events a webhook may listen for (`event_type`, docs/vendors/ushahidi.md §1.21).
WEBHOOK_EVENTS = ("create", "delete", "update")


class Webhook(TableModel, table=True):
    """Where the deployment sends a post when it is created or updated (docs/vendors/ushahidi.md §1.21)."""

    __tablename__ = "ushahidi_webhook"
    id: int | None = Field(default=None, primary_key=True)
    form_id: int | None = None
    user_id: int = 0
    url: str = ""
    name: str = ""
    shared_secret: str = ""
    webhook_uuid: str | None = None
    event_type: str = Field(default="create", index=True)
    entity_type: str = "post"
    source_field_key: str | None = None
    destination_field_key: str | None = None
    created: int = 0
    updated: int | None = None


# HXL (docs/vendors/ushahidi.md §1.17): the reference tables the platform's migrations fill, the metadata users create
# for HDX uploads, and the tags an export job assigns to form attributes.
class HxlLicense(TableModel, table=True):
    __tablename__ = "ushahidi_hxl_license"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True)
    name: str = ""
    link: str = ""


class HxlTag(TableModel, table=True):
    __tablename__ = "ushahidi_hxl_tag"
    id: int | None = Field(default=None, primary_key=True)
    tag_name: str = Field(index=True, unique=True)
    description: str = "0"


class HxlAttribute(TableModel, table=True):
    __tablename__ = "ushahidi_hxl_attribute"
    id: int | None = Field(default=None, primary_key=True)
    attribute: str = Field(index=True, unique=True)
    description: str = "0"


class HxlTagAttribute(TableModel, table=True):
    __tablename__ = "ushahidi_hxl_tag_attribute"
    tag_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    attribute_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})


class HxlAttributeTypeTag(TableModel, table=True):
    __tablename__ = "ushahidi_hxl_attribute_type_tag"
    id: int | None = Field(default=None, primary_key=True)
    form_attribute_type: str
    hxl_tag_id: int = Field(index=True)


class HxlMetadata(TableModel, table=True):
    __tablename__ = "ushahidi_hxl_meta_data"
    id: int | None = Field(default=None, primary_key=True)
    private: bool = True
    dataset_title: str = Field(default="", index=True)
    license_id: int = 0
    user_id: int = 0
    organisation_id: str = ""
    organisation_name: str | None = None
    source: str = ""
    created: int = 0
    updated: int | None = None


class HxlFormAttributeTag(TableModel, table=True):
    """form_attribute_hxl_attribute_tag: an export job's HXL tag (and attribute) for one form attribute."""

    __tablename__ = "ushahidi_form_attribute_hxl_attribute_tag"
    id: int | None = Field(default=None, primary_key=True)
    form_attribute_id: int
    hxl_attribute_id: int | None = None
    hxl_tag_id: int
    export_job_id: int = Field(index=True)


# The states of a contact in a targeted survey (`survey_status`); a contact moved to another survey gets
# `ACTIVE CONTACT IN SURVEY <form id>` (docs/vendors/ushahidi.md §1.16).
PENDING_RESPONSE = "PENDING RESPONSE"
RECEIVED_RESPONSE = "RECEIVED RESPONSE"
SURVEY_FINISHED = "SURVEY FINISHED"
ACTIVE_SURVEY_STATES = (PENDING_RESPONSE, RECEIVED_RESPONSE)


class TargetedSurveyState(TableModel, table=True):
    """Where a contact is in a targeted survey: its post, the question last sent and the message that carried it."""

    __tablename__ = "ushahidi_targeted_survey_state"
    id: int | None = Field(default=None, primary_key=True)
    form_id: int | None = Field(default=None, index=True)
    contact_id: int | None = Field(default=None, index=True)
    form_attribute_id: int | None = None
    post_id: int | None = None
    survey_status: str | None = None
    message_id: int | None = None
