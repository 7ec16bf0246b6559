"""Comments, members, campaigns and the community calls."""

from tests.ideascale.conftest import MEMBER

BASE = "http://testserver/ideascale"


def test_comment_reply_and_delete(isc, as_member):
    alex = as_member("alex.smith@example.com")
    comment = isc.post("/ideas/352809/comment", json={"text": "Nice one"}, headers=alex).json()
    assert list(comment) == [
        "id", "parentId", "parentType", "creationDateTime", "editedAt", "statusChangeDate", "text", "campaignId",
        "authorId", "authorInfo", "voteCount", "upVoteCount", "downVoteCount", "myVote", "commentCount", "url",
        "statusId", "status", "stageId", "stageName", "stageLabel", "flag", "ideaPermissionInfo", "labels", "pinned",
    ]  # fmt: skip
    assert (comment["parentId"], comment["parentType"], comment["campaignId"]) == (352809, "idea", 25942)
    assert isc.get("/ideas/352809").json()["commentCount"] == 26
    author = as_member("proposer@example.com")
    reply = isc.post(f"/comments/{comment['id']}/comment", json={"text": "Thanks!"}, headers=author).json()
    assert (reply["parentId"], reply["parentType"]) == (comment["id"], "comment")
    assert reply["labels"][0]["key"] == "idea-submitter"
    assert isc.get(f"/comments/{comment['id']}").json()["commentCount"] == 1
    assert isc.get("/ideas/352809").json()["commentCount"] == 27
    assert isc.delete(f"/comments/{comment['id']}/delete", headers=author).json()["key"] == "PERMISSION_DENIED"
    deleted = isc.delete(f"/comments/{comment['id']}/delete", headers=alex)
    assert deleted.status_code == 200 and deleted.json()["id"] == comment["id"]
    assert isc.get(f"/comments/{reply['id']}").json()["key"] == "COMMENT_NOT_FOUND"
    assert isc.get("/ideas/352809").json()["commentCount"] == 25


def test_comment_refusals(isc):
    assert isc.post("/ideas/352809/comment", json={"text": "<p>hi</p>"}).json()["key"] == "HTML_TAGS_NOT_ALLOWED"
    assert isc.post("/ideas/352809/comment", json={}).json()["key"] == "REQUIRED_FIELD_MISSING"
    assert isc.post("/ideas/1/comment", json={"text": "x"}).json()["key"] == "IDEA_NOT_FOUND"
    missing = isc.post("/comments/999999/comment", json={"text": "x"})
    assert missing.status_code == 404 and missing.json() == {"key": "COMMENT_NOT_FOUND", "message": "Comment not found"}
    assert isc.get("/ideas/352809").json()["commentCount"] == 25


def test_comment_lists_and_votes(isc):
    page = isc.get("/comments/0/10")
    assert len(page.json()) == 10 and page.headers["pager_total_count"] == "666"
    assert [c["id"] for c in isc.get("/comments/all/1/10").json()] == [c["id"] for c in isc.get("/comments").json()][
        10:20
    ]
    on_idea = isc.get("/ideas/352809/comments").json()
    assert len(on_idea) == 25 and {c["parentId"] for c in on_idea} == {352809}
    votes = isc.get("/comments/votes").json()
    assert votes and all("commentId" in v for v in votes)
    voted = votes[0]["commentId"]
    assert {v["commentId"] for v in isc.get(f"/comments/{voted}/votes").json()} == {voted}


def test_members(isc):
    members = isc.get("/members/0/10")
    assert len(members.json()) == 10 and members.headers["pager_total_count"] == "34"
    assert [m["id"] for m in members.json()][:2] == [1, 2]
    by_points = [m["points"] for m in isc.get("/members/0/34/point-down").json()]
    assert by_points == sorted(by_points, reverse=True)
    assert isc.get("/members/0/10/votes-down").json()["key"] == "INVALID_ORDER_BY_KEY"
    one = isc.get("/members/3084011").json()
    assert (one["name"], one["email"], one["ideaCount"], one["commentCount"]) == (
        "Ada Proposer", "proposer@example.com", 1, 7,
    )  # fmt: skip
    assert isc.get("/members/77").json() == {"key": "MEMBER_NOT_FOUND", "message": "Member not found"}
    named = isc.get("/members/name/ada proposer").json()
    assert isinstance(named, list) and [m["id"] for m in named] == [3084011]
    assert isc.get("/members/name/nobody").json() == []
    by_mail = isc.get("/members/email/PROPOSER@example.com").json()
    assert isinstance(by_mail, dict) and by_mail["id"] == 3084011
    assert isc.get("/members/email/none@example.com").status_code == 404


def test_member_activity_lists(isc):
    ideas = isc.get("/members/3084011/ideas").json()
    assert [i["id"] for i in ideas] == [352809]
    assert len(isc.get("/members/3084011/comments").json()) == 7
    paged = isc.get("/members/4000001/ideas/0/2")
    assert len(paged.json()) <= 2 and {i["authorId"] for i in paged.json()} <= {4000001}
    idea_votes = isc.get("/members/4000001/ideas/votes").json()
    assert idea_votes and {v["memberId"] for v in idea_votes} == {4000001} and all("ideaId" in v for v in idea_votes)
    comment_votes = isc.get("/members/4000001/comments/votes").json()
    assert all("commentId" in v for v in comment_votes)


def test_create_members(isc, client):
    created = isc.post("/members", json={"name": "John Doe", "email": "john.doe@example.com "})
    assert created.status_code == 200
    member = created.json()
    assert (member["name"], member["email"], member["status"]) == (
        "John Doe",
        "john.doe@example.com",
        "member/Unverified",
    )
    assert isc.get("/members/email/john.doe@example.com").json()["id"] == member["id"]
    silent = isc.post("/members/create/silent", json={"name": "Jane Roe", "email": "jane@example.com"}).json()
    assert silent["status"] == "member/Verified"
    assert (
        isc.post("/members", json={"name": "X", "email": "jane@example.com"}).json()["key"]
        == "EMAIL_ALREADY_REGISTERED"
    )
    assert isc.post("/members", json={"name": "X", "email": "not-an-email"}).json()["key"] == "INVALID_EMAIL"
    assert isc.post("/members", json={"email": "x@example.com"}).json()["key"] == "REQUIRED_FIELD_MISSING"
    assert isc.get("/members").headers["pager_total_count"] == "36"


def test_avatar_upload(client, isc, as_member):
    me = as_member("member@example.com")
    response = isc.post("/members/2/avatar/upload", files={"avatar": ("me.png", b"\x89PNG", "image/png")}, headers=me)
    assert response.status_code == 200
    url = response.json()["url"]
    assert url.startswith(f"{BASE}/a/avatars/2-") and client.get(url).content == b"\x89PNG"
    assert isc.get("/members/2").json()["avatarUrl"] == url
    other = isc.post("/members/1/avatar/upload", files={"avatar": ("me.png", b"x", "image/png")}, headers=me)
    assert other.json()["key"] == "PERMISSION_DENIED"
    bad = isc.post("/members/2/avatar/upload", files={"avatar": ("me.svg", b"x", "image/svg+xml")}, headers=me)
    assert bad.json()["key"] == "UNSUPPORTED_FILE_EXTENSION"


def test_campaigns(isc):
    active = isc.get("/campaigns").json()
    assert [c["id"] for c in active] == [25942, 25943, 25944, 30001, 30002, 30004]
    assert [c["id"] for c in isc.get("/campaigns/active").json()] == [c["id"] for c in active]
    assert [c["id"] for c in isc.get("/campaigns/archived").json()] == [30003]
    assert 30002 not in [c["id"] for c in isc.get("/campaigns", headers=MEMBER).json()]
    one = isc.get("/campaign/25942").json()
    assert (one["name"], one["groupName"], one["funnelId"], one["archivedCampaign"]) == (
        "F5: Distributed decision making", "Fund 5", 7138, False,
    )  # fmt: skip
    ideas = int(isc.get("/campaigns/25942/ideas/0/1").headers["pager_total_count"])
    assert one["ideaCount"] == ideas and sum(s["ideaCount"] for s in one["stageStatistics"]) == ideas
    assert [s["label"] for s in one["stageStatistics"]][:2] == ["Ideation", "Proposal"]
    assert isc.get("/campaign/1").json() == {"key": "CAMPAIGN_NOT_FOUND", "message": "Campaign not found"}
    groups = isc.get("/campaigns/groups").json()
    assert [(g["id"], g["name"], len(g["campaigns"])) for g in groups] == [
        (1, "Fund 5", 3),
        (2, "Workplace", 3),
        (3, "Archive", 1),
    ]
    assert [g["id"] for g in isc.get("/campaigns/groups/2").json()] == [2]
    assert isc.get("/campaigns/groups/9").json()["key"] == "CAMPAIGN_GROUP_NOT_FOUND"


def test_create_campaign(isc):
    created = isc.post("/campaign", json={"name": "Hackathon 2024", "tagline": "Build things", "groupId": 2}).json()
    assert (created["name"], created["groupId"], created["funnelId"], created["ideaCount"]) == (
        "Hackathon 2024",
        2,
        7138,
        0,
    )
    assert isc.get(f"/campaign/{created['id']}").json()["tagline"] == "Build things"
    assert isc.post("/campaign", json={"tagline": "x"}).json()["key"] == "REQUIRED_FIELD_MISSING"
    assert isc.post("/campaign", json={"name": "x", "groupId": 99}).json()["key"] == "CAMPAIGN_GROUP_NOT_FOUND"
    assert isc.post("/campaign", json={"name": "x", "funnelId": 99}).json()["key"] == "FUNNEL_NOT_FOUND"


def test_idea_form_of_a_campaign(isc):
    fields = isc.get("/customFields/idea/campaigns/30001").json()
    assert fields == [
        {"id": 13, "key": "department", "label": "Department", "type": "select",
         "options": "Engineering\r\nSales\r\nOperations", "required": True},
    ]  # fmt: skip
    form = isc.get("/campaigns/30001/fields").json()
    assert [f["key"] for f in form] == ["title", "text", "tags", "department"]
    assert form[3]["options"] == ["Engineering", "Sales", "Operations"]
    config = isc.get("/campaign/30001/ideaSubmissionConfig").json()
    assert config["campaignId"] == 30001 and config["customFields"][0]["key"] == "department"


def test_stages_funnels_and_assessments(isc):
    stages = isc.get("/stages").json()
    assert len(stages) == 9 and stages[0] == {
        "id": 78484, "key": "stage-ideationf3b0b2", "label": "Ideation", "funnelId": 7138,
        "funnelName": "Fund 5 Funnel", "assessmentId": None,
    }  # fmt: skip
    assert isc.get("/stages/78486").json()["assessmentId"] == 501
    assert isc.get("/funnels").json()[0] == {
        "id": 7138,
        "name": "Fund 5 Funnel",
        "description": "Proposal lifecycle of Fund 5",
    }
    assert isc.get("/funnels/1").json()["key"] == "FUNNEL_NOT_FOUND"
    results = isc.get("/assessment/501/results").json()
    assert results and set(results[0]) == {"ideaId", "avgScoreOfIdea"}
    assert isc.get("/assessment/9/results").json()["key"] == "ASSESSMENT_NOT_FOUND"


def test_group_members_and_tags(isc):
    pilots = isc.get("/groups/10/members/0/50")
    assert pilots.json() and all(m["subscribed"] for m in pilots.json())
    assert {m["id"] for m in pilots.json()} >= {1}
    assert isc.get("/groups/99/members/0/10").json()["key"] == "GROUP_NOT_FOUND"
    counts = isc.get("/tags/counts").json()
    assert counts["governance"] > 0 and list(counts.values()) == sorted(counts.values(), reverse=True)


def test_email_a_group(isc):
    sent = isc.post(
        "/email/group/10",
        json={"subject": "Are you ready for the survey", "body": "Hey, You will receive another email shortly"},
    )
    assert sent.status_code == 200
    assert sent.json()["recipientCount"] == len(isc.get("/groups/10/members/0/100").json())
    assert isc.post("/email/group/admins", json={"subject": "s", "body": "b"}).json()["recipientCount"] == 1
    assert isc.post("/email/group/99", json={"subject": "s", "body": "b"}).json()["key"] == "GROUP_NOT_FOUND"
    assert isc.post("/email/group/10", json={"subject": "s"}).json()["key"] == "REQUIRED_FIELD_MISSING"


def test_wipe_the_community(isc):
    wiped = isc.delete("/community/delete/ideas").json()
    assert wiped == {"deletedIdeas": 300, "deletedComments": 666, "deletedVotes": 2153}
    assert isc.get("/ideas").json() == [] and isc.get("/comments").json() == []
    assert isc.get("/members").headers["pager_total_count"] == "34"
    everything = isc.delete("/community/delete/ideasAndMembers").json()
    assert everything["deletedMembers"] == 33
    assert [m["id"] for m in isc.get("/members").json()] == [1]
    assert isc.get("/campaigns", headers=MEMBER).json()["key"] == "INVALID_API_TOKEN"
