"""Campaigns: lists (active, archived), one campaign (`campaign/{id}`, singular), groups, creation, and the
idea form (custom fields, fields, ideaSubmissionConfig)."""

from fastapi import Request
from sqlmodel import select

from crowdmock.core import clock
from crowdmock.core.db import SessionDep
from crowdmock.core.payload import whole_number
from crowdmock.core.routing import LazyRouter
from crowdmock.core.tenancy import tenant_of
from crowdmock.vendors.ideascale.auth import Caller, CallerDep
from crowdmock.vendors.ideascale.content import check_text
from crowdmock.vendors.ideascale.deps import (
    campaign_counts,
    get_campaign,
    json_body,
    maybe_id,
    renderer,
    visible_campaigns,
)
from crowdmock.vendors.ideascale.errors import IdeaScaleError
from crowdmock.vendors.ideascale.models import Campaign, CampaignGroup, CustomField, Funnel

router = LazyRouter(prefix="/a/rest/v1")


def campaign_list(request: Request, db, caller: Caller, *where) -> list[dict]:
    campaigns = db.exec(select(Campaign).where(visible_campaigns(db, caller), *where).order_by(Campaign.id))
    r, counts = renderer(request, db, caller), campaign_counts(db)
    return [r.campaign_object(c, counts) for c in campaigns]


@router.get("/campaigns")
def campaigns(request: Request, db: SessionDep, caller: CallerDep) -> list[dict]:
    """The community's active (not archived) campaigns."""
    return campaign_list(request, db, caller, Campaign.archived == False)  # noqa: E712


@router.get("/campaigns/active")
def active(request: Request, db: SessionDep, caller: CallerDep) -> list[dict]:
    return campaign_list(request, db, caller, Campaign.archived == False)  # noqa: E712


@router.get("/campaigns/archived")
def archived(request: Request, db: SessionDep, caller: CallerDep) -> list[dict]:
    return campaign_list(request, db, caller, Campaign.archived == True)  # noqa: E712


def group_list(request: Request, db, caller: Caller, *where) -> list[dict]:
    groups = list(db.exec(select(CampaignGroup).where(*where).order_by(CampaignGroup.id)))
    items = campaign_list(request, db, caller)
    return [{"id": g.id, "name": g.name, "campaigns": [c for c in items if c["groupId"] == g.id]} for g in groups]


@router.get("/campaigns/groups")
def groups(request: Request, db: SessionDep, caller: CallerDep) -> list[dict]:
    return group_list(request, db, caller)


@router.get("/campaigns/groups/{group_id}")
def group(group_id: str, request: Request, db: SessionDep, caller: CallerDep) -> list[dict]:
    """An array holding the one group, as real clients read it (docs/vendors/ideascale.md §3.3)."""
    found = group_list(request, db, caller, CampaignGroup.id == (maybe_id(group_id) or -1))
    if not found:
        raise IdeaScaleError("CAMPAIGN_GROUP_NOT_FOUND")
    return found


@router.get("/campaign/{campaign_id}")
def campaign(campaign_id: str, request: Request, db: SessionDep, caller: CallerDep) -> dict:
    found = get_campaign(db, caller, campaign_id)
    return renderer(request, db, caller).campaign_object(found, campaign_counts(db))


def _flag(data: dict, key: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise IdeaScaleError("INVALID_INPUT")
    return value


def _ref(db, data: dict, key: str, model, error: str) -> int | None:
    value = whole_number(data.get(key))
    if value is None:
        return None
    ident = None if isinstance(value, bool) else maybe_id(str(value))
    if ident is None or db.get(model, ident) is None:
        raise IdeaScaleError(error)
    return ident


@router.post("/campaign")
async def create_campaign(request: Request, db: SessionDep, caller: CallerDep) -> dict:
    caller.require_admin()
    data = await json_body(request)
    settings = tenant_of(request).settings
    name = check_text(settings, data.get("name"), limit=100)
    tagline = check_text(settings, data.get("tagline"), limit=255, required=False)
    description = data.get("description") or ""
    if not isinstance(description, str):
        raise IdeaScaleError("INVALID_INPUT")
    group_id = _ref(db, data, "groupId", CampaignGroup, "CAMPAIGN_GROUP_NOT_FOUND")
    funnel_id = _ref(db, data, "funnelId", Funnel, "FUNNEL_NOT_FOUND")
    if funnel_id is None:
        first = db.exec(select(Funnel).order_by(Funnel.id)).first()
        funnel_id = first.id if first else None
    groups = data.get("authorizedGroupIds") or []
    if not isinstance(groups, list):
        raise IdeaScaleError("INVALID_INPUT")
    row = Campaign(
        name=name,
        tagline=tagline,
        description=description,
        group_id=group_id,
        funnel_id=funnel_id,
        private=_flag(data, "privateCampaign", False),
        voting_allowed=_flag(data, "votingAllowed", True),
        member_idea_submission_allowed=_flag(data, "memberIdeaSubmissionAllowed", True),
        start_date=clock.time(),
        authorized_group_ids=[str(g) for g in groups],
        extra={"newCampaign": True},
    )
    db.add(row)
    db.commit()
    return renderer(request, db, caller).campaign_object(row, {})


def _fields(db, campaign_id: int) -> list[CustomField]:
    query = select(CustomField).where(CustomField.campaign_id == campaign_id)
    return list(db.exec(query.order_by(CustomField.position, CustomField.id)))


@router.get("/customFields/idea/campaigns/{campaign_id}")
def custom_fields(campaign_id: str, db: SessionDep, caller: CallerDep) -> list[dict]:
    found = get_campaign(db, caller, campaign_id)
    return [
        {"id": f.id, "key": f.key, "label": f.label, "type": f.type, "options": f.options, "required": f.required}
        for f in _fields(db, found.id)
    ]


@router.get("/campaigns/{campaign_id}/fields")
def campaign_fields(campaign_id: str, db: SessionDep, caller: CallerDep) -> list[dict]:
    """The idea form: title, description and tags, then the campaign's custom fields."""
    found = get_campaign(db, caller, campaign_id)
    extra = found.extra or {}
    fields = [
        {"key": "title", "label": "Title", "type": "text", "required": True, "options": []},
        {"key": "text", "label": "Description", "type": "textarea", "required": True, "options": []},
        {"key": "tags", "label": "Tags", "type": "tags", "required": extra.get("tagsRequired", False), "options": []},
    ]
    for f in _fields(db, found.id):
        options = f.options.split("\r\n") if f.options else []
        fields.append({"key": f.key, "label": f.label, "type": f.type, "required": f.required, "options": options})
    return fields


@router.get("/campaign/{campaign_id}/ideaSubmissionConfig")
def submission_config(campaign_id: str, request: Request, db: SessionDep, caller: CallerDep) -> dict:
    found = get_campaign(db, caller, campaign_id)
    extra = found.extra or {}
    return {
        "campaignId": found.id,
        "memberIdeaSubmissionAllowed": found.member_idea_submission_allowed,
        "ideaSubmitFormInstruction": extra.get("ideaSubmitFormInstruction", ""),
        "titleMaxLength": 255,
        "textMaxLength": tenant_of(request).settings.ideascale_max_text_length,
        "tagsRequired": extra.get("tagsRequired", False),
        "attachmentAllowed": extra.get("memberIdeaAttachmentAllowed", True),
        "attachmentMandatory": extra.get("memberIdeaAttachmentMandatory", False),
        "customFields": [
            {"key": f.key, "label": f.label, "type": f.type, "required": f.required} for f in _fields(db, found.id)
        ],
    }
