"""The whole bodies of a new comment, reply and idea, byte for byte, with the clock standing still (deterministic
mode): what the create paths answer must not change when their queries do."""

import pytest

from crowdmock.settings import Settings
from crowdmock.vendors.ideascale.render import timestamp
from tests.ideascale.conftest import ADMIN, MEMBER

STILL = "2026-03-01T05:00:00.000-07:00"  # 2026-03-01T12:00:00Z in the community's zone


@pytest.fixture
def settings(database_url) -> Settings:
    return Settings(database_url=database_url, public_base_url=None, deterministic=True, clock="2026-03-01T12:00:00Z")


def member_info(**counts) -> dict:
    return {
        "id": 2, "name": "Member One", "personId": 100002, "email": "member@example.com",
        "emailHash": "a4fae232e2bfebd9f4dc8d7cb6caecb2", "userName": "memberone", "globalModerator": False,
        "admin": False, "customRole": False, "registeredDateTime": "2020-02-10T12:00:00.000-07:00",
        "modifiedAt": "2021-02-10T12:00:00.000-07:00", "lastAccess": "2023-04-01T08:30:00.000-07:00",
        "source": "web", "status": "member/Verified", **counts, "tosAccepted": True,
        "avatarUrl": "https://secure.gravatar.com/avatar/a4fae232e2bfebd9f4dc8d7cb6caecb2.jpg?s=80&d=identicon",
        "points": 320, "profileQuestions": {"Which of these definitions apply to you?": "Developer"}, "kudoCount": 3,
        "firstName": "Member", "lastName": "One",
    }  # fmt: skip


ADMIN_INFO = {
    "id": 1, "name": "Community Admin", "personId": 100001, "email": "admin@example.com",
    "emailHash": "e64c7d89f26bd1972efa854d13d7dd61", "userName": "communityadmin", "globalModerator": True,
    "admin": True, "customRole": False, "registeredDateTime": "2020-01-06T09:00:00.000-07:00",
    "modifiedAt": "2021-01-06T09:00:00.000-07:00", "lastAccess": "2023-05-01T10:00:00.000-07:00", "source": "web",
    "status": "member/Verified", "ideaCount": 6, "voteCount": 70, "commentCount": 17, "tosAccepted": True,
    "avatarUrl": "https://secure.gravatar.com/avatar/e64c7d89f26bd1972efa854d13d7dd61.jpg?s=80&d=identicon",
    "points": 2500, "profileQuestions": {}, "kudoCount": 40, "firstName": "Community", "lastName": "Admin",
}  # fmt: skip
GOVERNANCE = {
    "statusId": 78487, "status": "stage-governancephasef3b0b2", "stageId": 78487,
    "stageName": "stage-governancephasef3b0b2", "stageLabel": "Governance phase",
}  # fmt: skip
CAN_VOTE = {"canVote": True, "canRetractVote": False, "canComment": True}


def comment_body(ident: int, parent: int, text: str, author: dict, labels: list) -> dict:
    return {
        "id": ident, "parentId": parent, "parentType": "idea" if parent == 352809 else "comment",
        "creationDateTime": STILL, "editedAt": STILL, "statusChangeDate": STILL, "text": text, "campaignId": 25942,
        "authorId": author["id"], "authorInfo": author, "voteCount": 0, "upVoteCount": 0, "downVoteCount": 0,
        "myVote": 0, "commentCount": 0, "url": f"http://testserver/ideascale/a/dtd/352809-48088#comment-{ident}",
        **GOVERNANCE, "flag": "approved", "ideaPermissionInfo": CAN_VOTE, "labels": labels, "pinned": False,
    }  # fmt: skip


def test_a_new_comment_and_reply_whole(isc):
    comment = isc.post("/ideas/352809/comment", json={"text": "Bench comment 1"}, headers=MEMBER)
    assert comment.status_code == 200
    author = member_info(ideaCount=12, voteCount=76, commentCount=21)
    assert comment.json() == comment_body(667, 352809, "Bench comment 1", author, [])
    assert isc.get("/comments/667", headers=MEMBER).json() == comment.json()
    reply = isc.post("/comments/667/comment", json={"text": "Moderated reply"}, headers=ADMIN)
    moderator = [{"id": 1, "name": "Moderator", "key": "moderator", "colorKey": "moderator"}]
    assert reply.json() == comment_body(668, 667, "Moderated reply", ADMIN_INFO, moderator)
    assert isc.get("/comments/667").json()["commentCount"] == 1
    assert isc.get("/ideas/352809").json()["commentCount"] == 27


def test_a_new_idea_whole(isc):
    body = {
        "campaignId": 25942,
        "title": "Bench idea",
        "text": "x",
        "tags": "B,a",
        "customFields": {"relevant_experience": "ten years", "unknown": "u"},
    }
    idea = isc.post("/idea", json=body, headers=MEMBER)
    assert idea.status_code == 200
    assert idea.json() == {
        "id": 400300, "creationDateTime": STILL, "editedAt": STILL, "statusChangeDate": STILL, "title": "Bench idea",
        "text": "x", "campaignId": 25942, "campaignName": "F5: Distributed decision making", "authorId": 2,
        "authorInfo": member_info(ideaCount=13, voteCount=76, commentCount=20), "voteCount": 0, "upVoteCount": 0,
        "downVoteCount": 0, "myVote": 0, "commentCount": 0, "url": "http://testserver/ideascale/a/dtd/400300-48088",
        "tags": ["b", "a"], "funnelId": 7138, "funnelName": "Fund 5 Funnel", "statusId": 78484,
        "status": "stage-ideationf3b0b2", "stageId": 78484, "stageName": "stage-ideationf3b0b2",
        "stageLabel": "Ideation", "flag": "approved", "customFieldsByKey": {"relevant_experience": "ten years"},
        "campaignCustomFields": {"Relevant experience": "ten years"}, "ideaNumber": 7299, "locationInfo": None,
        "ideaPermissionInfo": CAN_VOTE, "labels": [], "contributors": [], "attachments": [], "attachmentDetails": [],
    }  # fmt: skip
    assert isc.get("/ideas/400300", headers=MEMBER).json() == idea.json()


def test_private_campaigns_stay_hidden_from_the_create_paths(isc, as_member):
    hidden = {"key": "IDEA_NOT_FOUND", "message": "Idea not found"}
    assert isc.post("/ideas/400024/comment", json={"text": "x"}, headers=MEMBER).json() == hidden
    assert isc.post("/idea", json={"campaignId": 30002, "title": "t", "text": "x"}, headers=MEMBER).json() == {
        "key": "CAMPAIGN_NOT_FOUND",
        "message": "Campaign not found",
    }
    pilot = as_member("alex.smith@example.com")  # group 10, which may see campaign 30002
    assert isc.post("/ideas/400024/comment", json={"text": "x"}, headers=pilot).json()["campaignId"] == 30002
    created = isc.post("/idea", json={"campaignId": 30002, "title": "t", "text": "x"}, headers=pilot)
    assert created.json()["campaignName"] == "Pilot: Better Onboarding"
    assert isc.get("/ideas").headers["pager_total_count"] == "301"


def test_timestamps_keep_their_text():
    """Milliseconds cut, not rounded; a year before 1000 unpadded (as strftime writes it); zero is no time."""
    assert timestamp(1618392886.9999) == "2021-04-14T02:34:46.999-07:00"
    assert timestamp(0.0005) == "1969-12-31T17:00:00.000-07:00"
    assert timestamp(-33765897600.5) == "899-12-31T16:59:59.500-07:00"
    assert timestamp(0) is None
