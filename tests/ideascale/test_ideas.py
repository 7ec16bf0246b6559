"""Ideas: the documented example, lists with path paging, pager headers and order keys, creation with the
content rules, attachments, deletion and votes."""

import pytest

from crowdmock.vendors.ideascale.listing import IDEA_ORDERS
from tests.ideascale.conftest import MEMBER

BASE = "http://testserver/ideascale"
IDEA_KEYS = [
    "id", "creationDateTime", "editedAt", "statusChangeDate", "title", "text", "campaignId", "campaignName", "authorId",
    "authorInfo", "voteCount", "upVoteCount", "downVoteCount", "myVote", "commentCount", "url", "tags", "funnelId",
    "funnelName", "statusId", "status", "stageId", "stageName", "stageLabel", "flag", "customFieldsByKey",
    "campaignCustomFields", "ideaNumber", "locationInfo", "ideaPermissionInfo", "labels", "contributors", "attachments",
    "attachmentDetails",
]  # fmt: skip


def test_the_documented_idea(isc):
    idea = isc.get("/ideas/352809").json()
    assert list(idea) == IDEA_KEYS
    assert {k: idea[k] for k in IDEA_KEYS if k not in ("authorInfo", "campaignCustomFields", "attachmentDetails")} == {
        "id": 352809,
        "creationDateTime": "2021-04-14T02:34:46.000-07:00",
        "editedAt": "2021-08-11T19:16:02.000-07:00",
        "statusChangeDate": "2021-08-11T19:16:02.000-07:00",
        "title": "IdeaScale Improvements",
        "text": "Obstacles prevent Fund Proposers from expressing themselves ...",
        "campaignId": 25942,
        "campaignName": "F5: Distributed decision making",
        "authorId": 3084011,
        "voteCount": 0,
        "upVoteCount": 0,
        "downVoteCount": 0,
        "myVote": 0,
        "commentCount": 25,
        "url": f"{BASE}/a/dtd/352809-48088",
        "tags": [],
        "funnelId": 7138,
        "funnelName": "Fund 5 Funnel",
        "statusId": 78487,
        "status": "stage-governancephasef3b0b2",
        "stageId": 78487,
        "stageName": "stage-governancephasef3b0b2",
        "stageLabel": "Governance phase",
        "flag": "approved",
        "customFieldsByKey": {
            "problem_solution": "...",
            "relevant_experience": "...",
            "requested_funds_old": "10000",
            "ada_payment_address": "<addr>",
        },
        "ideaNumber": 6787,
        "locationInfo": {
            "city": "CA",
            "country": "US",
            "states": "San Leandro",
            "areaCode": 0,
            "ip": "<ip>",
            "source": "gps",
            "latitude": 0.0,
            "longitude": 0.0,
            "regionName": "California",
            "accuracy": -1.0,
            "altitude": 0.0,
            "altitudeAccuracy": -1.0,
            "heading": -1.0,
            "speed": -1.0,
        },  # fmt: skip
        "ideaPermissionInfo": {"canVote": True, "canRetractVote": False, "canComment": True},
        "labels": [],
        "contributors": [],
        "attachments": [],
    }
    assert idea["campaignCustomFields"]["Relevant experience"] == "..."
    assert idea["campaignCustomFields"]["Requested funds in USD_old"] == "10000"
    author = idea["authorInfo"]
    assert list(author)[:22] == [
        "id", "name", "personId", "email", "emailHash", "userName", "globalModerator", "admin", "customRole",
        "registeredDateTime", "modifiedAt", "lastAccess", "source", "status", "ideaCount", "voteCount",
        "commentCount", "tosAccepted", "avatarUrl", "points", "profileQuestions", "kudoCount",
    ]  # fmt: skip
    assert {k: author[k] for k in ("id", "personId", "registeredDateTime", "modifiedAt", "lastAccess", "source")} == {
        "id": 3084011,
        "personId": 830578,
        "registeredDateTime": "2021-04-14T09:08:39.000-07:00",
        "modifiedAt": "2021-08-10T03:54:18.000-07:00",
        "lastAccess": "2021-04-27T13:11:16.000-07:00",
        "source": "web",
    }
    assert (author["status"], author["ideaCount"], author["voteCount"], author["commentCount"]) == (
        "member/Verified", 1, 0, 7,
    )  # fmt: skip
    assert (author["points"], author["kudoCount"], author["tosAccepted"]) == (157, 18, False)
    assert author["profileQuestions"] == {"Which of these definitions apply to you?": "Other/Prefer not to say"}
    assert author["avatarUrl"].startswith(f"https://secure.gravatar.com/avatar/{author['emailHash']}.jpg")


def test_unknown_and_malformed_idea_ids(isc):
    assert isc.get("/ideas/1").json() == {"key": "IDEA_NOT_FOUND", "message": "Idea not found"}
    assert isc.get("/ideas/1").status_code == 404
    assert isc.get("/ideas/99999999999999999999999").json()["key"] == "INVALID_INPUT"


def test_path_paging_and_pager_headers(isc):
    response = isc.get("/ideas/2/10")
    assert response.status_code == 200
    assert len(response.json()) == 10
    assert {k: v for k, v in response.headers.items() if k.startswith("pager_")} == {
        "pager_total_count": "300",
        "pager_page_size": "10",
        "pager_current_page_number": "2",
        "pager_first_index": "20",
        "pager_last_index": "29",
    }
    everything = [i["id"] for i in isc.get("/ideas").json()]
    assert [i["id"] for i in response.json()] == everything[20:30]
    assert isc.get("/ideas/30/10").json() == []
    for bad in ("/ideas/-1/10", "/ideas/0/0", "/ideas/x/10"):
        assert isc.get(bad).json()["key"] == "INVALID_INPUT"


def test_short_last_page_ends_a_client_loop(isc):
    pages, page = [], 0
    while True:
        chunk = isc.get(f"/campaigns/25942/ideas/{page}/25").json()
        pages += chunk
        if len(chunk) < 25:
            break
        page += 1
    total = int(isc.get("/campaigns/25942/ideas/0/25").headers["pager_total_count"])
    assert len(pages) == total and len({i["id"] for i in pages}) == total
    assert {i["campaignId"] for i in pages} == {25942}


@pytest.mark.parametrize("order", sorted(IDEA_ORDERS))
def test_every_order_key(isc, order):
    ideas = isc.get(f"/ideas/0/50/{order}").json()
    assert len(ideas) == 50
    field, descending = {
        "date": ("creationDateTime", None),
        "votes": ("voteCount", None),
        "comments": ("commentCount", None),
        "id": ("id", None),
        "name": ("title", None),
        "point": ("voteCount", None),
    }.get(order.split("-")[0], (None, None))
    if field and order.split("-")[0] in ("votes", "comments", "id", "name", "point"):
        values = [i[field] for i in ideas]
        assert values == sorted(values, reverse=order.endswith("-down"))


def test_unknown_order_key(isc):
    response = isc.get("/ideas/0/10/popularity-down")
    assert response.status_code == 400
    assert response.json() == {"key": "INVALID_ORDER_BY_KEY", "message": "Invalid order by key"}


def test_kinds_of_lists(isc):
    recent = isc.get("/ideas/recent/0/20").json()
    stamps = [i["creationDateTime"] for i in recent]
    assert stamps == sorted(stamps, reverse=True)
    top = [i["voteCount"] for i in isc.get("/ideas/top/0/20").json()]
    assert top == sorted(top, reverse=True)
    hot = [i["voteCount"] + i["commentCount"] for i in isc.get("/ideas/hot/0/20").json()]
    assert hot == sorted(hot, reverse=True)
    assert {i["stageLabel"] for i in isc.get("/ideas/inreview").json()} == {"Community review", "In Review"}
    assert {i["stageLabel"] for i in isc.get("/ideas/inprogress").json()} == {"Governance phase", "In Progress"}
    assert {i["stageLabel"] for i in isc.get("/ideas/complete").json()} == {"Funded", "Complete"}
    in_campaign = isc.get("/campaigns/30001/ideas/top/0/5").json()
    assert {i["campaignId"] for i in in_campaign} == {30001}
    assert {i["campaignId"] for i in isc.get("/campaigns/archived/ideas").json()} == {30003}
    assert 30003 not in {i["campaignId"] for i in isc.get("/campaigns/active/ideas").json()}


def test_custom_status_stage_and_search(isc):
    ideas = isc.get("/campaigns/25942/ideas/status/custom/78487/0/100").json()
    assert ideas and {(i["campaignId"], i["stageId"]) for i in ideas} == {(25942, 78487)}
    missing = isc.get("/campaigns/25942/ideas/status/custom/78490/0/10")
    assert missing.status_code == 404 and missing.json()["key"] == "STATUS_NOT_FOUND"
    staged = isc.get("/stages/78486/ideas/0/100").json()
    assert staged and {i["stageId"] for i in staged} == {78486}
    assert isc.get("/stages/1/ideas/0/10").json()["key"] == "STAGE_NOT_FOUND"
    found = isc.get("/ideas/search", params={"discussionIDs": "25942,25943", "query": "IdeaScale"}).json()
    assert [i["id"] for i in found] == [352809]
    assert isc.get("/ideas/search", params={"query": "no such words"}).json() == []


def test_members_do_not_see_private_campaigns(isc):
    assert (
        isc.get("/ideas", headers=MEMBER).headers["pager_total_count"] < isc.get("/ideas").headers["pager_total_count"]
    )
    private = isc.get("/campaigns/30002/ideas", headers=MEMBER)
    assert private.status_code == 404 and private.json()["key"] == "CAMPAIGN_NOT_FOUND"


def test_post_an_idea_as_a_member(isc, as_member):
    body = {
        "title": "Solar panels on the roof",
        "text": "Cut the energy bill.",
        "campaignId": 30001,
        "tags": ["Green", "energy"],
        "customFields": {"department": "Operations"},
    }
    response = isc.post("/idea", json=body, headers=as_member("member@example.com"))
    assert response.status_code == 200
    idea = response.json()
    assert (idea["title"], idea["authorId"], idea["campaignId"]) == ("Solar panels on the roof", 2, 30001)
    assert idea["tags"] == ["green", "energy"] and idea["customFieldsByKey"] == {"department": "Operations"}
    assert idea["campaignCustomFields"] == {"Department": "Operations"}
    assert (idea["stageLabel"], idea["voteCount"], idea["commentCount"]) == ("Active", 0, 0)
    assert isc.get(f"/ideas/{idea['id']}").json()["title"] == "Solar panels on the roof"
    assert isc.get("/ideas/recent/0/1").json()[0]["id"] == idea["id"]
    assert isc.get("/tags/counts").json()["energy"] == 1


def test_a_campaign_id_written_as_a_whole_float_is_read_as_jackson_does(isc, as_member):
    body = {
        "title": "Bike racks",
        "text": "Two more.",
        "campaignId": 30001.0,
        "customFields": {"department": "Operations"},
    }
    response = isc.post("/idea", json=body, headers=as_member("member@example.com"))
    assert response.status_code == 200, response.text
    assert response.json()["campaignId"] == 30001
    assert isc.post("/idea", json={**body, "campaignId": 30001.5}).json()["key"] == "INVALID_INPUT"


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"title": None}, "REQUIRED_FIELD_MISSING"),
        ({"text": "  "}, "REQUIRED_FIELD_MISSING"),
        ({"campaignId": None}, "REQUIRED_FIELD_MISSING"),
        ({"campaignId": "abc"}, "INVALID_INPUT"),
        ({"campaignId": 999}, "CAMPAIGN_NOT_FOUND"),
        ({"campaignId": 30003}, "PERMISSION_DENIED"),
        ({"text": "Try <script>alert(1)</script>"}, "HTML_TAGS_NOT_ALLOWED"),
        ({"title": "A <b>bold</b> idea"}, "HTML_TAGS_NOT_ALLOWED"),
        ({"text": "This is damn good"}, "ABUSIVE_WORD_FOUND"),
        ({"text": "x" * 10001}, "INVALID_CONTENT"),
        ({"title": "t" * 256}, "INVALID_CONTENT"),
        ({"text": "bell\x07"}, "TEXT_CONTAINS_FORBIDDEN_CHARACTERS"),
        ({"tags": "fine,<i>x</i>"}, "HTML_TAGS_NOT_ALLOWED"),
        ({"tags": [1, 2]}, "INVALID_INPUT"),
        ({"customFields": {}}, "REQUIRED_FIELD_MISSING"),
        ({"customFields": {"department": "Legal"}}, "INVALID_INPUT"),
        ({"customFields": "x"}, "INVALID_INPUT"),
    ],
)
def test_idea_refusals_change_nothing(isc, change, key):
    body = {
        "title": "Bike racks",
        "text": "More bike racks.",
        "campaignId": 30001,
        "customFields": {"department": "Sales"},
    }
    response = isc.post("/idea", json={**body, **change}, headers=MEMBER)
    assert response.json()["key"] == key
    assert response.status_code in (400, 403, 404)
    assert isc.get("/ideas").headers["pager_total_count"] == "300"


def test_votes_update_the_counts(isc, as_member):
    idea = isc.get("/ideas/352809").json()
    alex, bea = as_member("alex.smith@example.com"), as_member("bea.okafor@example.com")
    up = isc.post("/ideas/352809/vote/up", headers=alex).json()
    assert (up["voteCount"], up["upVoteCount"], up["myVote"]) == (1, 1, 1)
    assert up["ideaPermissionInfo"] == {"canVote": False, "canRetractVote": True, "canComment": True}
    down = isc.post("/ideas/352809/vote/down", headers=bea).json()
    assert (down["voteCount"], down["upVoteCount"], down["downVoteCount"], down["myVote"]) == (0, 1, 1, -1)
    changed = isc.post("/ideas/352809/vote", json={"myVote": 1}, headers=bea).json()
    assert (changed["voteCount"], changed["upVoteCount"], changed["downVoteCount"]) == (2, 2, 0)
    retracted = isc.post("/ideas/352809/vote", json={"myVote": 0}, headers=alex).json()
    assert (retracted["voteCount"], retracted["myVote"]) == (1, 0)
    votes = isc.get("/ideas/352809/votes").json()
    assert [(v["memberId"], v["voteValue"]) for v in votes] == [(4000002, 1)]
    assert list(votes[0]) == ["id", "ideaId", "memberId", "voteValue", "creationDateTime"]
    assert idea["voteCount"] == 0
    assert isc.post("/ideas/352809/vote", json={}, headers=alex).json()["key"] == "REQUIRED_FIELD_MISSING"
    assert isc.post("/ideas/352809/vote", json={"myVote": 5}, headers=alex).json()["key"] == "INVALID_INPUT"


def test_voting_closed_or_archived(isc):
    closed = isc.get("/campaigns/30004/ideas/0/1").json()[0]["id"]
    response = isc.post(f"/ideas/{closed}/vote/up", headers=MEMBER)
    assert response.status_code == 403 and response.json()["key"] == "PERMISSION_DENIED"
    archived = isc.get("/campaigns/30003/ideas/0/1").json()[0]["id"]
    assert isc.post(f"/ideas/{archived}/vote/up", headers=MEMBER).json()["key"] == "PERMISSION_DENIED"


def test_attach_a_file(client, isc, as_member):
    author = as_member("proposer@example.com")
    files = {"attachment": ("budget.pdf", b"%PDF-1.4 test", "application/pdf")}
    idea = isc.post("/ideas/352809/attach", files=files, headers=author).json()
    (detail,) = idea["attachmentDetails"]
    assert (detail["fileName"], detail["fileSize"], detail["memberId"], detail["ideaId"]) == (
        "budget.pdf", 13, 3084011, 352809,
    )  # fmt: skip
    assert idea["attachments"] == [detail["downloadUrl"]]
    assert client.get(detail["downloadUrl"]).content == b"%PDF-1.4 test"
    again = isc.post("/ideas/352809/attach", files=files, headers=author)
    assert again.json()["key"] == "FILE_EXIST"
    exe = isc.post("/ideas/352809/attach", files={"attachment": ("run.exe", b"MZ", "application/octet-stream")})
    assert exe.json()["key"] == "UNSUPPORTED_FILE_EXTENSION"
    stranger = isc.post("/ideas/352809/attach", files={"attachment": ("a.txt", b"x", "text/plain")}, headers=MEMBER)
    assert stranger.json()["key"] == "PERMISSION_DENIED"
    assert isc.post("/ideas/352809/attach", files={"other": ("a.txt", b"x")}).json()["key"] == "REQUIRED_FIELD_MISSING"


def test_delete_an_idea_takes_its_comments_and_votes(isc, as_member):
    refused = isc.delete("/idea/352809/delete", headers=MEMBER)
    assert refused.status_code == 403 and refused.json()["key"] == "PERMISSION_DENIED"
    comment_id = isc.get("/ideas/352809/comments").json()[0]["id"]
    deleted = isc.delete("/idea/352809/delete", headers=as_member("proposer@example.com"))
    assert deleted.status_code == 200 and deleted.json()["id"] == 352809
    assert isc.get("/ideas/352809").json()["key"] == "IDEA_NOT_FOUND"
    assert isc.get(f"/comments/{comment_id}").json()["key"] == "COMMENT_NOT_FOUND"
    assert isc.get("/ideas").headers["pager_total_count"] == "299"


def test_list_kind_cannot_be_changed_by_a_query_parameter(isc):
    top = [i["id"] for i in isc.get("/ideas/top/0/10").json()]
    assert [i["id"] for i in isc.get("/ideas/top/0/10", params={"_k": "recent", "kind": "recent"}).json()] == top


def test_community_wide_and_per_campaign_lists(isc):
    everything = isc.get("/ideas")
    assert everything.headers["pager_total_count"] == "300" and len(everything.json()) == 300
    comments = isc.get("/comments")
    assert len(comments.json()) == int(comments.headers["pager_total_count"]) == 666
    stamps = [c["creationDateTime"] for c in comments.json()]
    assert stamps == sorted(stamps, reverse=True)
    votes = isc.get("/ideas/votes").json()
    assert votes and set(votes[0]) == {"id", "ideaId", "memberId", "voteValue", "creationDateTime"}
    assert {v["voteValue"] for v in votes} == {1, -1}
    hot = isc.get("/campaigns/25942/ideas/hot/0/3")
    assert hot.headers["pager_total_count"] == "58" and {i["campaignId"] for i in hot.json()} == {25942}
    for kind, labels in (("inreview", {"Community review"}), ("inprogress", {"Governance phase"})):
        staged = isc.get(f"/campaigns/25942/ideas/{kind}").json()
        assert staged and {i["stageLabel"] for i in staged} <= labels | {"In Review", "In Progress"}, kind
    recent = [i["creationDateTime"] for i in isc.get("/campaigns/25942/ideas/recent/0/20/date-down").json()]
    assert recent == sorted(recent, reverse=True)
    assert isc.get("/campaigns/25942/ideas/complete").status_code == 200
    active = isc.get("/campaigns/active/ideas/0/2/id-up").json()
    assert [i["id"] for i in active] == sorted(i["id"] for i in active) and len(active) == 2


def test_a_funnel_and_its_stages(isc):
    funnel = isc.get("/funnels/7138").json()
    assert (funnel["id"], funnel["name"]) == (7138, "Fund 5 Funnel")
    assert [s["label"] for s in funnel["stages"]] == [
        "Ideation",
        "Proposal",
        "Community review",
        "Governance phase",
        "Funded",
    ]
    assert isc.get("/funnels/1").json() == {"key": "FUNNEL_NOT_FOUND", "message": "Funnel not found"}
