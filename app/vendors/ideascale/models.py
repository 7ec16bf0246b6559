"""SQLModel tables of the IdeaScale REST API v1 emulator (one community)."""

from sqlalchemy import Index
from sqlmodel import Field

from crowdmock.core.counters import RowCount
from crowdmock.core.db import TableModel, json_field


class Member(TableModel, table=True):
    __tablename__ = "ideascale_member"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    email: str = Field(index=True)
    user_name: str = ""
    first_name: str | None = None
    last_name: str | None = None
    person_id: int = 0
    admin: bool = False
    global_moderator: bool = False
    status: str = "member/Verified"  # member/Verified, member/Unverified, member/Locked
    source: str = "web"
    registered: float = 0
    modified: float = 0
    last_access: float = 0
    points: int = 0
    kudo_count: int = 0
    tos_accepted: bool = False
    avatar_url: str | None = None
    profile_questions: dict | None = json_field()
    group_ids: list | None = json_field()


class ApiToken(TableModel, table=True):
    __tablename__ = "ideascale_api_token"
    token: str = Field(primary_key=True)
    member_id: int = Field(index=True)


class CampaignGroup(TableModel, table=True):
    __tablename__ = "ideascale_campaign_group"
    id: int | None = Field(default=None, primary_key=True)
    name: str


class Funnel(TableModel, table=True):
    __tablename__ = "ideascale_funnel"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    description: str = ""


class Stage(TableModel, table=True):
    __tablename__ = "ideascale_stage"
    id: int | None = Field(default=None, primary_key=True)
    funnel_id: int = Field(index=True)
    key: str
    label: str
    position: int = 0
    # Which of the idea lists (inreview, inprogress, complete) the stage belongs to; "active" for none.
    phase: str = "active"
    assessment_id: int | None = None


class Campaign(TableModel, table=True):
    __tablename__ = "ideascale_campaign"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    tagline: str = ""
    description: str = ""
    group_id: int | None = None
    funnel_id: int | None = None
    archived: bool = False
    private: bool = False
    voting_allowed: bool = True
    member_idea_submission_allowed: bool = True
    start_date: float = 0
    authorized_group_ids: list | None = json_field()
    # The remaining documented Campaign fields (summary, template, images, switches), stored as given.
    extra: dict | None = json_field()


class CustomField(TableModel, table=True):
    """An idea form field of a campaign (customFields/idea/campaigns/{id}, campaigns/{id}/fields)."""

    __tablename__ = "ideascale_custom_field"
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(index=True)
    key: str
    label: str
    type: str = "text"  # text, textarea, select, number
    options: str = ""  # one string, options separated by "\r\n"
    required: bool = False
    position: int = 0


class Idea(TableModel, table=True):
    __tablename__ = "ideascale_idea"
    # The lists' default order (date-down: created, then id), walked from the end for a first page.
    __table_args__ = (Index("ix_ideascale_idea_created_id", "created", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(index=True)
    author_id: int = Field(index=True)
    title: str
    text: str = ""
    created: float = 0
    edited: float = 0
    status_changed: float = 0
    stage_id: int | None = None
    flag: str = "approved"
    idea_number: int = Field(default=0, index=True)  # a new idea's is the largest + 1
    vote_count: int = 0
    up_vote_count: int = 0
    down_vote_count: int = 0
    comment_count: int = 0
    tags: list | None = json_field()
    custom_fields: dict | None = json_field()  # key -> value
    location: dict | None = json_field()
    contributors: list | None = json_field()  # member ids
    attachments: list | None = json_field()  # [{id, fileName, fileSize, memberId, timeStamp, path}]
    labels: list | None = json_field()


class Comment(TableModel, table=True):
    __tablename__ = "ideascale_comment"
    id: int | None = Field(default=None, primary_key=True)
    idea_id: int = Field(index=True)
    parent_id: int | None = None  # a comment id for replies
    author_id: int = Field(index=True)
    text: str
    created: float = 0
    edited: float = 0
    vote_count: int = 0
    up_vote_count: int = 0
    down_vote_count: int = 0
    comment_count: int = 0
    pinned: bool = False


class Vote(TableModel, table=True):
    __tablename__ = "ideascale_vote"
    # A member's vote on given ideas or comments (the renderer's myVote, a new vote) without reading all of theirs.
    __table_args__ = (
        Index("ix_ideascale_vote_member_idea", "member_id", "idea_id"),
        Index("ix_ideascale_vote_member_comment", "member_id", "comment_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    idea_id: int | None = Field(default=None, index=True)
    comment_id: int | None = Field(default=None, index=True)
    member_id: int = Field(index=True)
    value: int = 1  # 1 up, -1 down
    created: float = 0


# What every rendered member carries (ideas, votes, comments) and a list's total, kept by the database: counting a
# member's 50,000 ideas took 1.7 ms per page (docs/performance.md, Cost that grows).
IDEAS_BY_AUTHOR = RowCount(Idea.__table__, "ideascale_count_idea_author", "author_id")
IDEAS_BY_CAMPAIGN = RowCount(Idea.__table__, "ideascale_count_idea_campaign", "campaign_id")
COMMENTS_BY_AUTHOR = RowCount(Comment.__table__, "ideascale_count_comment_author", "author_id")
VOTES_BY_MEMBER = RowCount(Vote.__table__, "ideascale_count_vote_member", "member_id")


class Group(TableModel, table=True):
    """A member group (groups/{id}/members, email/group/{id}, private campaigns)."""

    __tablename__ = "ideascale_group"
    id: int | None = Field(default=None, primary_key=True)
    name: str


class AssessmentResult(TableModel, table=True):
    __tablename__ = "ideascale_assessment_result"
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(index=True)
    idea_id: int
    avg_score: float


class SentEmail(TableModel, table=True):
    """E-mails sent to a group with email/group/{id}, kept so tests can see them."""

    __tablename__ = "ideascale_sent_email"
    id: int | None = Field(default=None, primary_key=True)
    group: str
    subject: str
    body: str
    recipients: list | None = json_field()
    sent: float = 0


class StoredFile(TableModel, table=True):
    """Uploaded idea attachments and avatars, served back at their URL."""

    __tablename__ = "ideascale_stored_file"
    path: str = Field(primary_key=True)
    mime: str = "application/octet-stream"
    content: bytes = b""
