"""The Content API: published collections, content, count, related, the queue and its moderation, time
windows, limits, JSONP and conditional GETs."""

import time

import pytest

from tests.crowdynews.conftest import TokenClient
from tests.crowdynews.test_auth import assert_error


@pytest.fixture
def queue(client, token) -> TokenClient:
    return TokenClient(client, "/crowdynews/q/v1", token)


def test_collections_are_open(q):
    response = q.get("/collections/my-contract")
    assert response.status_code == 200
    assert response.json() == [
        {"name": "Nation", "type": "realtime", "url": "http://testserver/crowdynews/q/v1/content/my-contract?q=nation"},
        {
            "name": "Trending @ The Internet",
            "type": "ranked",
            "url": "http://testserver/crowdynews/q/v1/content/my-contract?q=trending-the-internet451992323",
        },
    ]
    assert q.get("/collections/565c4df4056e859526e62257").json() == response.json()
    missing = q.get("/collections/nobody")
    assert_error(missing, 404, "NotFoundError")
    assert missing.json()["status"] == "error"


def test_content_defaults_to_20_published_items_of_the_last_day(q):
    items = q.get("/content/my-contract").json()
    assert len(items) == 20
    dates = [i["date"] for i in items]
    assert dates == sorted(dates, reverse=True) and all(d.endswith("Z") for d in dates)
    assert all("state" not in i for i in items)
    total = q.get("/count/my-contract").json()["count"]
    everything = q.get("/content/my-contract", params={"count": 100}).json()
    assert len(everything) == min(total, 100)
    day_ago = time.time() - 86400
    assert all(
        time.mktime(time.strptime(i["date"][:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone >= day_ago - 5
        for i in everything
    )


def test_paging_and_windows(q):
    first = q.get("/content/my-contract", params={"count": 5}).json()
    second = q.get("/content/my-contract", params={"count": 5, "offset": 5}).json()
    ten = q.get("/content/my-contract", params={"count": 10}).json()
    assert first + second == ten
    now = int(time.time())
    wide = q.get("/count/my-contract", params={"since": now - 3 * 86400, "until": now}).json()["count"]
    day = q.get("/count/my-contract").json()["count"]
    assert wide > day > 0
    assert q.get("/content/my-contract", params={"since": now - 60, "until": now - 30}).json() == []


@pytest.mark.parametrize(
    ("params", "prop", "reason"),
    [
        ({"count": 0}, "count", "range"),
        ({"count": 101}, "count", "range"),
        ({"count": "many"}, "count", "type"),
        ({"offset": -1}, "offset", "range"),
        ({"since": 200, "until": 100}, "since", "range"),
        ({"service": "myspace"}, "service", "enum"),
        ({"type": "poem"}, "type", "enum"),
        ({"sort": "random"}, "sort", "enum"),
        ({"location": "6.4945,53.2216,5"}, "location", "range"),
        ({"location": "a,b,c"}, "location", "format"),
    ],
)
def test_content_validation(q, params, prop, reason):
    response = q.get("/content/my-contract", params=params)
    error = assert_error(response, 400, "ValidationError", propertyName=prop, reason=reason)
    assert "propertyValue" in error
    assert response.json()["status"] == "error"


def test_filters(q):
    now = int(time.time())
    window = {"since": now - 3 * 86400, "until": now, "count": 100}
    nation = q.get("/content/my-contract", params={**window, "q": "nation"}).json()
    trending = q.get("/content/my-contract", params={**window, "q": "trending-the-internet451992323"}).json()
    assert nation and trending and not {i["id"] for i in nation} & {i["id"] for i in trending}
    counts = {
        slug: q.get("/count/my-contract", params={"since": window["since"], "until": now, "q": slug}).json()["count"]
        for slug in ("nation", "trending-the-internet451992323", "")
    }
    assert counts["nation"] + counts["trending-the-internet451992323"] == counts[""]
    assert {
        i["service"] for i in q.get("/content/my-contract", params={**window, "service": "twitter,rss"}).json()
    } <= {
        "twitter",
        "rss",
    }
    assert {i["type"] for i in q.get("/content/my-contract", params={**window, "type": "image"}).json()} == {"image"}
    assert {i.get("language") for i in q.get("/content/my-contract", params={**window, "language": "nl"}).json()} == {
        "nl"
    }
    by_kudos = [i["kudos"]["score"] for i in q.get("/content/my-contract", params={**window, "sort": "kudos"}).json()]
    assert by_kudos == sorted(by_kudos, reverse=True)
    oldest_first = [i["date"] for i in q.get("/content/my-contract", params={**window, "order": "asc"}).json()]
    assert oldest_first == sorted(oldest_first)
    near = q.get("/content/my-contract", params={**window, "location": "6.4945,53.2216,200"}).json()
    assert near and all("location" in i for i in near)
    near_count = q.get("/count/my-contract", params={**window, "location": "53.2216,6.4945,200"}).json()["count"]
    assert near_count == len(near)
    assert_error(q.get("/content/my-contract", params={"q": "nope"}), 404, "NotFoundError")


def test_related(q):
    related = q.get("/related/my-contract", params={"q": "http://www.bbc.co.uk/news/world-europe-17550407"}).json()
    assert 1 <= len(related) <= 20
    assert "143418480117" in [i["id"] for i in related]
    tumblr = next(i for i in related if i["id"] == "143418480117")
    assert tumblr["tags"] == ["humor", "lol"] and tumblr["kudos"] == {
        "score": 0,
        "tumblr_score": 0,
        "tumblr_note_count": 0,
    }
    assert_error(q.get("/related/my-contract"), 400, "ValidationError", propertyName="q")


def test_jsonp(q):
    response = q.get("/collections/my-contract", params={"callback": "cb"})
    assert response.headers["content-type"].startswith("application/javascript")
    assert response.text.startswith("cb([") and response.text.endswith("]);")


def test_conditional_content(q):
    first = q.get("/collections/my-contract")
    assert first.headers["cache-control"] == "public, max-age=60"
    again = q.get("/collections/my-contract", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    since = q.get("/collections/my-contract", headers={"If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 304


def test_queue_needs_a_token_and_shows_states(q, queue):
    assert_error(q.get("/queue/my-contract"), 401, "UnauthorizedError")
    items = queue.get("/queue/my-contract", params={"since": 0}).json()
    assert len(items) <= 500 and {i["state"] for i in items} == {"published", "unpublished"}
    assert_error(queue.get("/queue/my-contract", params={"count": 501}), 400, "ValidationError", propertyName="count")


def test_moderating_the_queue(q, queue):
    documented = next(i for i in queue.get("/queue/my-contract").json() if i["id"] == "536434_23241")
    assert documented["state"] == "unpublished"
    assert list(documented) == [
        "id",
        "service",
        "type",
        "title",
        "text",
        "url",
        "date",
        "author",
        "media",
        "kudos",
        "state",
    ]
    assert (documented["title"], documented["media"], documented["kudos"]) == (
        "Macedonia country profile",
        None,
        {"score": 0, "rss_score": 0},
    )
    assert "536434_23241" not in [i["id"] for i in q.get("/content/my-contract", params={"count": 100}).json()]
    published = queue.patch(
        "/queue/my-contract", params={"q": "nation", "id": "536434_23241"}, json={"state": "published"}
    )
    assert published.status_code == 200 and published.json()["state"] == "published"
    assert "536434_23241" in [
        i["id"] for i in q.get("/content/my-contract", params={"count": 100, "q": "nation"}).json()
    ]
    bad = queue.patch("/queue/my-contract", params={"id": "536434_23241"}, json={"state": "deleted"})
    assert_error(bad, 400, "ValidationError", propertyName="state", reason="enum")
    assert_error(
        queue.patch("/queue/my-contract", params={"id": "nope"}, json={"state": "published"}), 404, "NotFoundError"
    )
    assert_error(
        queue.patch("/queue/my-contract", json={"state": "published"}), 400, "ValidationError", propertyName="id"
    )


def test_out_of_range_numbers_are_validation_errors(q):
    huge = "99999999999999999999999"
    for name in ("since", "until", "offset", "count"):
        response = q.get("/content/my-contract", params={name: huge})
        assert_error(response, 400, "ValidationError", propertyName=name, reason="range")
