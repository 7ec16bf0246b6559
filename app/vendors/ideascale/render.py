"""IdeaScale's wire format: its response objects with the field names, order and types of docs/vendors/ideascale.md
§3.4, and its timestamp format `yyyy-MM-ddTHH:mm:ss.SSS±hh:mm` (the community's zone, -07:00 as in the example)."""

import hashlib
from datetime import datetime, timedelta, timezone

from sqlalchemy import bindparam, literal_column, union_all
from sqlmodel import Session as DbSession
from sqlmodel import select

from crowdmock.core.db import read_columns
from crowdmock.vendors.ideascale.models import (
    COMMENTS_BY_AUTHOR,
    IDEAS_BY_AUTHOR,
    VOTES_BY_MEMBER,
    Campaign,
    CampaignGroup,
    Comment,
    CustomField,
    Funnel,
    Idea,
    Member,
    Stage,
    Vote,
)

COMMUNITY_ID = 48088
ZONE = timezone(timedelta(hours=-7))


def timestamp(value: float | None) -> str | None:
    if not value:
        return None
    moment = datetime.fromtimestamp(value, ZONE)
    if moment.year >= 1000:  # the same text, written 3x faster (isoformat pads a year < 1000 that strftime does not)
        return moment.isoformat(timespec="milliseconds")
    offset = moment.strftime("%z")
    return f"{moment.strftime('%Y-%m-%dT%H:%M:%S')}.{moment.microsecond // 1000:03d}{offset[:3]}:{offset[3:]}"


def email_hash(email: str) -> str:
    return hashlib.md5(email.strip().lower().encode()).hexdigest()


def gravatar(email: str, digest: str | None = None) -> str:
    return f"https://secure.gravatar.com/avatar/{digest or email_hash(email)}.jpg?s=80&d=identicon"


def _numbers(kind: str):
    """One statement for the numbers a render needs beyond its rows: ideas, votes and comments per member (rows
    `(name, member id, count)`, from the counts the database keeps) and the actor's votes on ideas or comments (rows
    `("myVote", target id, value)`)."""
    members = bindparam("members", expanding=True)
    counts = []
    for name, count in (("ideas", IDEAS_BY_AUTHOR), ("votes", VOTES_BY_MEMBER), ("comments", COMMENTS_BY_AUTHOR)):
        member = count.table.c[count.columns[0]]
        counts.append(select(literal_column(f"'{name}'"), member, count.table.c.n).where(member.in_(members)))
    target = Vote.idea_id if kind == "idea" else Vote.comment_id
    votes = select(literal_column("'myVote'"), target, Vote.value).where(
        Vote.member_id == bindparam("actor"), target.in_(bindparam("targets", expanding=True))
    )
    return union_all(*counts, votes)


_NUMBERS = {kind: _numbers(kind) for kind in ("idea", "comment")}


# The custom fields of campaigns, in form order.
_CAMPAIGN_FIELDS = (
    select(CustomField)
    .where(CustomField.campaign_id.in_(bindparam("campaigns", expanding=True)))
    .order_by(CustomField.position, CustomField.id)
)


class Renderer:
    """Renders entities for one call; caches what several objects share and loads related rows in batches."""

    def __init__(self, db: DbSession, base: str, actor: Member):
        self.db, self.base, self.actor = db, base, actor
        self._members: dict[int, Member | None] = {}
        self._campaigns: dict[int, Campaign | None] = {}
        self._stages: dict[int, Stage] | None = None
        self._funnels: dict[int, Funnel] | None = None
        self._groups: dict[int, CampaignGroup] | None = None
        self._my_votes: dict[tuple[str, int], int] = {}
        self._counts: dict[int, dict[str, int]] = {}
        self._fields: dict[int, list[CustomField]] = {}
        self._authors: dict[int, dict | None] = {}

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    # --- loading -------------------------------------------------------------------------------------

    def member(self, member_id: int) -> Member | None:
        if member_id not in self._members:
            self._members[member_id] = self.db.get(Member, member_id)
        return self._members[member_id]

    def campaign(self, campaign_id: int) -> Campaign | None:
        if campaign_id not in self._campaigns:
            self._campaigns[campaign_id] = self.db.get(Campaign, campaign_id)
        return self._campaigns[campaign_id]

    def stages(self) -> dict[int, Stage]:
        if self._stages is None:
            self._stages = {s.id: s for s in self.db.exec(select(Stage))}
        return self._stages

    def _stage(self, stage_id: int) -> Stage | None:
        """One stage: from the stages a list loaded, else by key (often already in the session)."""
        return self._stages.get(stage_id) if self._stages is not None else self.db.get(Stage, stage_id)

    def funnels(self) -> dict[int, Funnel]:
        if self._funnels is None:
            self._funnels = {f.id: f for f in self.db.exec(select(Funnel))}
        return self._funnels

    def _funnel(self, funnel_id: int) -> Funnel | None:
        return self._funnels.get(funnel_id) if self._funnels is not None else self.db.get(Funnel, funnel_id)

    def campaign_groups(self) -> dict[int, CampaignGroup]:
        if self._groups is None:
            self._groups = {g.id: g for g in self.db.exec(select(CampaignGroup))}
        return self._groups

    def preload(self, ideas: list[Idea] = (), comments: list[Comment] = (), members: list[Member] = ()) -> None:
        """Members, campaigns, stages, custom fields and the caller's votes for a page of ideas or comments, or the
        counts of a page of members, in a few queries."""
        member_ids = {i.author_id for i in ideas} | {c.author_id for c in comments}
        member_ids = {m for m in member_ids if m not in self._members}
        if member_ids:
            for m in self.db.exec(select(Member).where(Member.id.in_(member_ids))):
                self._members[m.id] = m
        campaign_ids = {i.campaign_id for i in ideas} - set(self._campaigns)
        if campaign_ids:
            for c in self.db.exec(select(Campaign).where(Campaign.id.in_(campaign_ids))):
                self._campaigns[c.id] = c
        if ideas or comments:
            self.stages()
        if ideas:
            self.funnels()
            self._load_fields({i.campaign_id for i in ideas})
        self._load_numbers("idea", [i.id for i in ideas], member_ids)
        self._load_numbers("comment", [c.id for c in comments], set() if ideas else member_ids)
        self._load_numbers("idea", [], {m.id for m in members} - set(self._counts))

    def _load_numbers(self, kind: str, targets: list[int], member_ids: set[int]) -> None:
        """The actor's votes on these ideas or comments and the members' counts, in one statement."""
        if not targets and not member_ids:
            return
        for target in targets:  # none of the actor's: 0, remembered, so that my_vote asks no more
            self._my_votes[(kind, target)] = 0
        for m in member_ids:
            self._counts[m] = {"ideas": 0, "votes": 0, "comments": 0}
        params = {"members": list(member_ids), "actor": self.actor.id, "targets": targets}
        for name, ident, number in read_columns(self.db, _NUMBERS[kind], params):
            if name == "myVote":
                self._my_votes[(kind, ident)] = number
            else:
                self._counts[ident][name] = number

    def _prefetch(self, kind: str, target: int, author_id: int) -> None:
        """What rendering one idea or comment asks (the actor's vote, its author's counts) in one statement."""
        targets = [] if (kind, target) in self._my_votes else [target]
        self._load_numbers(kind, targets, set() if author_id in self._counts else {author_id})

    def my_vote(self, kind: str, target: int) -> int:
        if (kind, target) not in self._my_votes:
            self._load_numbers(kind, [target], set())
        return self._my_votes[(kind, target)]

    def counts(self, member_id: int) -> dict[str, int]:
        if member_id not in self._counts:
            self._load_numbers("idea", [], {member_id})
        return self._counts[member_id]

    def _load_fields(self, campaign_ids: set[int]) -> None:
        wanted = campaign_ids - set(self._fields)
        if not wanted:
            return
        for c in wanted:
            self._fields[c] = []
        for f in self.db.exec(_CAMPAIGN_FIELDS, params={"campaigns": list(wanted)}):
            self._fields[f.campaign_id].append(f)

    def custom_fields(self, campaign_id: int) -> list[CustomField]:
        self._load_fields({campaign_id})
        return self._fields[campaign_id]

    # --- objects -------------------------------------------------------------------------------------

    def member_info(self, m: Member) -> dict:
        counts = self.counts(m.id)
        digest = email_hash(m.email)
        return {
            "id": m.id,
            "name": m.name,
            "personId": m.person_id,
            "email": m.email,
            "emailHash": digest,
            "userName": m.user_name,
            "globalModerator": m.global_moderator,
            "admin": m.admin,
            "customRole": False,
            "registeredDateTime": timestamp(m.registered),
            "modifiedAt": timestamp(m.modified),
            "lastAccess": timestamp(m.last_access),
            "source": m.source,
            "status": m.status,
            "ideaCount": counts["ideas"],
            "voteCount": counts["votes"],
            "commentCount": counts["comments"],
            "tosAccepted": m.tos_accepted,
            "avatarUrl": self.url(m.avatar_url)
            if m.avatar_url and m.avatar_url.startswith("/")
            else m.avatar_url or gravatar(m.email, digest),
            "points": m.points,
            "profileQuestions": m.profile_questions or {},
            "kudoCount": m.kudo_count,
            "firstName": m.first_name,
            "lastName": m.last_name,
        }

    def author(self, member_id: int) -> dict | None:
        """A member's info, rendered once per call however many of its ideas or comments a page shows."""
        if member_id not in self._authors:
            m = self.member(member_id)
            self._authors[member_id] = self.member_info(m) if m else None
        info = self._authors[member_id]
        return dict(info) if info is not None else None

    def stage_fields(self, stage_id: int | None) -> dict:
        stage = self._stage(stage_id) if stage_id else None
        return {
            "statusId": stage.id if stage else None,
            "status": stage.key if stage else None,
            "stageId": stage.id if stage else None,
            "stageName": stage.key if stage else None,
            "stageLabel": stage.label if stage else None,
        }

    def permission_info(self, campaign: Campaign | None, vote: int) -> dict:
        can_vote = bool(campaign and campaign.voting_allowed and not campaign.archived)
        return {"canVote": can_vote and vote == 0, "canRetractVote": can_vote and vote != 0, "canComment": True}

    def idea(self, i: Idea) -> dict:
        self._prefetch("idea", i.id, i.author_id)
        campaign = self.campaign(i.campaign_id)
        funnel = self._funnel(campaign.funnel_id) if campaign and campaign.funnel_id else None
        fields = {f.key: f.label for f in self.custom_fields(i.campaign_id)}
        values = i.custom_fields or {}
        vote = self.my_vote("idea", i.id)
        out = {
            "id": i.id,
            "creationDateTime": timestamp(i.created),
            "editedAt": timestamp(i.edited or i.created),
            "statusChangeDate": timestamp(i.status_changed or i.created),
            "title": i.title,
            "text": i.text,
            "campaignId": i.campaign_id,
            "campaignName": campaign.name if campaign else None,
            "authorId": i.author_id,
            "authorInfo": self.author(i.author_id),
            "voteCount": i.vote_count,
            "upVoteCount": i.up_vote_count,
            "downVoteCount": i.down_vote_count,
            "myVote": vote,
            "commentCount": i.comment_count,
            "url": self.url(f"/a/dtd/{i.id}-{COMMUNITY_ID}"),
            "tags": i.tags or [],
            "funnelId": funnel.id if funnel else None,
            "funnelName": funnel.name if funnel else None,
        }
        out.update(self.stage_fields(i.stage_id))
        out.update(
            {
                "flag": i.flag,
                "customFieldsByKey": values,
                "campaignCustomFields": {fields.get(k, k): v for k, v in values.items()},
                "ideaNumber": i.idea_number,
                "locationInfo": i.location,
                "ideaPermissionInfo": self.permission_info(campaign, vote),
                "labels": i.labels or [],
                "contributors": [
                    {"id": m.id, "name": m.name} for m in (self.member(c) for c in i.contributors or []) if m
                ],
                "attachments": [self.url(a["path"]) for a in i.attachments or []],
                "attachmentDetails": [
                    {
                        "altText": a["fileName"],
                        "downloadUrl": self.url(a["path"]),
                        "fileName": a["fileName"],
                        "fileSize": a["fileSize"],
                        "id": a["id"],
                        "ideaId": i.id,
                        "imageFile": a.get("imageFile", False),
                        "memberId": a["memberId"],
                        "timeStamp": timestamp(a["timeStamp"]),
                    }
                    for a in i.attachments or []
                ],
            }
        )
        return out

    def comment(self, c: Comment, idea: Idea | None) -> dict:
        self._prefetch("comment", c.id, c.author_id)
        vote = self.my_vote("comment", c.id)
        campaign = self.campaign(idea.campaign_id) if idea else None
        out = {
            "id": c.id,
            "parentId": c.parent_id or c.idea_id,
            "parentType": "comment" if c.parent_id else "idea",
            "creationDateTime": timestamp(c.created),
            "editedAt": timestamp(c.edited or c.created),
            "statusChangeDate": timestamp(c.created),
            "text": c.text,
            "campaignId": idea.campaign_id if idea else None,
            "authorId": c.author_id,
            "authorInfo": self.author(c.author_id),
            "voteCount": c.vote_count,
            "upVoteCount": c.up_vote_count,
            "downVoteCount": c.down_vote_count,
            "myVote": vote,
            "commentCount": c.comment_count,
            "url": self.url(f"/a/dtd/{c.idea_id}-{COMMUNITY_ID}#comment-{c.id}"),
        }
        out.update(self.stage_fields(idea.stage_id if idea else None))
        labels = []
        if idea and c.author_id == idea.author_id:
            labels.append({"id": 2, "name": "Idea Submitter", "key": "idea-submitter", "colorKey": "idea-submitter"})
        author = self.member(c.author_id)
        if author and (author.admin or author.global_moderator):
            labels.append({"id": 1, "name": "Moderator", "key": "moderator", "colorKey": "moderator"})
        out.update(
            {
                "flag": "approved",
                "ideaPermissionInfo": self.permission_info(campaign, vote),
                "labels": labels,
                "pinned": c.pinned,
            }
        )
        return out

    def vote(self, v: Vote) -> dict:
        out: dict = {"id": v.id}
        out["ideaId" if v.idea_id else "commentId"] = v.idea_id or v.comment_id
        out.update({"memberId": v.member_id, "voteValue": v.value, "creationDateTime": timestamp(v.created)})
        return out

    def stage(self, s: Stage) -> dict:
        funnel = self.funnels().get(s.funnel_id)
        return {
            "id": s.id,
            "key": s.key,
            "label": s.label,
            "funnelId": s.funnel_id,
            "funnelName": funnel.name if funnel else None,
            "assessmentId": s.assessment_id,
        }

    def campaign_object(self, c: Campaign, counts: dict[int, dict]) -> dict:
        extra = c.extra or {}
        group = self.campaign_groups().get(c.group_id) if c.group_id else None
        stats = counts.get(c.id, {})
        funnel_stages = sorted(
            (s for s in self.stages().values() if s.funnel_id == c.funnel_id), key=lambda s: s.position
        )
        return {
            "id": c.id,
            "name": c.name,
            "tagline": c.tagline,
            "description": c.description,
            "summaryEnabled": extra.get("summaryEnabled", False),
            "summary": extra.get("summary", ""),
            "templateId": extra.get("templateId", 0),
            "template": extra.get("template", "default"),
            "privateCampaign": c.private,
            "votingAllowed": c.voting_allowed,
            "groupId": c.group_id,
            "groupName": group.name if group else None,
            "funnelId": c.funnel_id,
            "archivedCampaign": c.archived,
            "startDate": timestamp(c.start_date),
            "hideIdeaAuthor": extra.get("hideIdeaAuthor", False),
            "hideCommentAuthor": extra.get("hideCommentAuthor", False),
            "bannerImage": extra.get("bannerImage"),
            "logoImage": extra.get("logoImage"),
            "featureImage": extra.get("featureImage"),
            "ideaCount": stats.get("ideas", 0),
            "voteCount": stats.get("votes", 0),
            "commentCount": stats.get("comments", 0),
            "authorizedGroupIds": [str(g) for g in c.authorized_group_ids or []],
            "ideaFromUnauthorizedMemberAllowed": extra.get("ideaFromUnauthorizedMemberAllowed", False),
            "ideaSubmitFormInstruction": extra.get("ideaSubmitFormInstruction", ""),
            "memberIdeaSubmissionAllowed": c.member_idea_submission_allowed,
            "memberIdeaAttachmentAllowed": extra.get("memberIdeaAttachmentAllowed", True),
            "memberIdeaAttachmentMandatory": extra.get("memberIdeaAttachmentMandatory", False),
            "authorEdit": extra.get("authorEdit", True),
            "userSubscriptionAllowed": extra.get("userSubscriptionAllowed", True),
            "moderatorAdminOnlyIdeasEnabled": extra.get("moderatorAdminOnlyIdeasEnabled", False),
            "forceAuthorizedMemberOnlyEnabled": extra.get("forceAuthorizedMemberOnlyEnabled", False),
            "moderatorAdminOnlyIdeasNotificationEnabled": extra.get(
                "moderatorAdminOnlyIdeasNotificationEnabled", False
            ),
            "campaignStatusName": "Archived" if c.archived else "Active",
            "showTagline": extra.get("showTagline", True),
            "publicOwnerName": extra.get("publicOwnerName"),
            "tagsRequired": extra.get("tagsRequired", False),
            "stageStatistics": [
                {"label": s.label, "ideaCount": stats.get("stages", {}).get(s.id, 0)} for s in funnel_stages
            ],
            "campaignUrl": self.url(f"/a/campaign-home/{c.id}"),
            "newCampaign": extra.get("newCampaign", False),
        }
