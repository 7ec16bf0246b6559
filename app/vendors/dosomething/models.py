"""SQLModel tables of the DoSomething API v1 emulator (Drupal 7 entities of the Phoenix site)."""

from sqlmodel import Field

from crowdmock.core.db import TableModel, json_field


class User(TableModel, table=True):
    __tablename__ = "dosomething_user"
    uid: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    mail: str = Field(index=True)
    mobile: str | None = Field(default=None, index=True)
    password_hash: str
    status: int = 1  # 0 = blocked
    created: int = 0
    access: int = 0
    login: int = 0
    roles: dict | None = json_field()  # {"2": "authenticated user", "3": "administrator"}
    # The rest of the Drupal account as documented (theme, signature, uuid, ...).
    account: dict | None = json_field()
    # Profile fields (Northstar data on reportback items; field_* on account creation).
    profile: dict | None = json_field()


class Session(TableModel, table=True):
    __tablename__ = "dosomething_session"
    sid: str = Field(primary_key=True)
    uid: int = Field(index=True)
    hostname: str = ""
    timestamp: int = 0


class Node(TableModel, table=True):
    """Drupal nodes: campaigns (type campaign or sms_game) and other content."""

    __tablename__ = "dosomething_node"
    nid: int | None = Field(default=None, primary_key=True)
    type: str = "campaign"
    title: str = ""
    status: str = "active"  # campaign status: active or closed
    staff_pick: bool = False
    mobile_app_start: str | None = None  # YYYY-MM-DD
    mobile_app_end: str | None = None
    term_ids: list | None = json_field()  # causes, action types, issue and tags
    current_run: str | None = None
    # The full documented representation (campaigns) or the raw Drupal node (other content), without `uri`.
    data: dict | None = json_field()


class Signup(TableModel, table=True):
    __tablename__ = "dosomething_signup"
    sid: int | None = Field(default=None, primary_key=True)
    nid: int = Field(index=True)
    uid: int = Field(index=True)
    run_nid: str = "0"
    created: int = 0
    source: str | None = None


class Reportback(TableModel, table=True):
    __tablename__ = "dosomething_reportback"
    rbid: int | None = Field(default=None, primary_key=True)
    nid: int = Field(index=True)
    uid: int = Field(index=True)
    created: int = 0
    updated: int = 0
    quantity: int = 0
    why_participated: str = ""
    num_participants: int | None = None
    flagged: bool = False
    flagged_reason: str | None = None


class ReportbackFile(TableModel, table=True):
    """A reportback item: one photo of a reportback, reviewed by staff."""

    __tablename__ = "dosomething_reportback_file"
    fid: int | None = Field(default=None, primary_key=True)
    rbid: int = Field(index=True)
    nid: int = Field(index=True)
    uid: int = 0
    caption: str = ""
    status: str = "pending"  # promoted, approved, excluded, flagged, pending
    media_uri: str = ""  # absolute URL, or a path under the mock's /sites/default/files/
    created: int = 0
    source: str | None = None
    reviewed: int | None = None
    reviewer: int | None = None
    flagged_reason: str | None = None


class StoredFile(TableModel, table=True):
    """Image bytes uploaded as base64 `file` with a reportback, served back at their media path."""

    __tablename__ = "dosomething_stored_file"
    path: str = Field(primary_key=True)
    mime: str = "application/octet-stream"
    content: bytes = b""


class Kudos(TableModel, table=True):
    __tablename__ = "dosomething_kudos"
    kid: int | None = Field(default=None, primary_key=True)
    fid: int = Field(index=True)
    uid: int
    tid: int
    created: int = 0


class Term(TableModel, table=True):
    __tablename__ = "dosomething_term"
    tid: int | None = Field(default=None, primary_key=True)
    vid: int
    vocabulary_machine_name: str
    name: str
    description: str = ""
    format: str = "markdown"
    weight: int = 0
    parent: int = 0
    uuid: str = ""


class Variable(TableModel, table=True):
    __tablename__ = "dosomething_variable"
    name: str = Field(primary_key=True)
    value: dict | None = json_field()  # {"value": <any JSON>}
