"""Every protected endpoint of every vendor, table-driven: no credentials, malformed ones, expired ones, another
vendor's, tampered JWT signatures, `alg: none` and algorithm-confusion JWTs, and a lower role where the vendor has
roles. Each is refused with the vendor's status and body, and the vendor's data is unchanged afterwards."""

import base64
import hashlib
import hmac
import json
import re

import pytest
from fastapi.testclient import TestClient

from crowdmock.main import create_app
from crowdmock.settings import Settings

THEN, NOW = "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"

# Endpoints open without credentials (the vendors' own login, registration and public reads).
PUBLIC = {
    "crowdskout": {("GET", "/oauth/authorize"), ("POST", "/oauth/authorize"), ("POST", "/oauth/access_token")},
    "crowdynews": {("GET", "/auth/v1/oauth/authorize")}
    | {("GET", f"/q/v1/{k}/{{contract}}") for k in ("collections", "content", "count", "related")},
    "ideascale": set(),
    # docs/vendors/ushahidi.md §1.2 (and §1.15, §1.18, §1.23): the routes without `auth:api` whose authoriser lets an
    # anonymous caller through, and the data sources' callbacks, which check their provider's secret instead.
    "ushahidi": {
        ("POST", p)
        for p in (
            "/oauth/token",
            "/api/v3/register",
            "/api/v3/passwordreset",
            "/api/v3/passwordreset/confirm",
            "/api/v3/media",
            "/smssync",
            "/sms/smssync",
            "/sms/twilio",
            "/sms/twilio/reply",
            "/sms/nexmo",
            "/sms/nexmo/reply",
            "/nexmo",
            "/frontlinesms",
            "/sms/frontlinesms",
        )
    }
    | {
        ("GET", p)
        for p in (
            "/smssync",
            "/sms/smssync",
            "/sms/nexmo",
            "/sms/nexmo/reply",
            "/api/v3",
            "/api/v3/users/{user_id}/settings",
            "/api/v3/posts",
            "/api/v3/posts/geojson",
            "/api/v3/posts/geojson/{zoom}/{x}/{y}",
            "/api/v3/posts/stats",
            "/api/v3/posts/{post_id}",
            "/api/v3/posts/{post_id}/geojson",
            "/api/v3/posts/{parent_id}/revisions",
            "/api/v3/posts/{parent_id}/revisions/{ident}",
            "/api/v3/posts/{parent_id}/translations",
            "/api/v3/posts/{parent_id}/translations/{ident}",
            "/api/v3/collections",
            "/api/v3/collections/{set_id}",
            "/api/v3/collections/{set_id}/posts",
            "/api/v3/collections/{set_id}/posts/{post_id}",
            "/api/v3/savedsearches",
            "/api/v3/savedsearches/{set_id}",
            "/api/v3/tags",
            "/api/v3/tags/{tag_id}",
            "/api/v3/forms",
            "/api/v3/forms/attributes",
            "/api/v3/forms/stages",
            "/api/v3/forms/{form_id}",
            "/api/v3/forms/{form_id}/attributes",
            "/api/v3/forms/{form_id}/attributes/{attribute_id}",
            "/api/v3/forms/{form_id}/stages",
            "/api/v3/forms/{form_id}/stages/{stage_id}",
            "/api/v3/forms/{form_id}/roles",
            "/api/v3/config",
            "/api/v3/config/{group_id}",
            "/api/v3/messages/{message_id}",
            "/api/v3/messages/{message_id}/post",
            "/api/v3/contacts/{contact_id}",
            "/api/v3/dataproviders/{provider_id}",
            "/api/v3/roles",
            "/api/v3/roles/{role_id}",
            "/api/v3/permissions",
            "/api/v3/permissions/{permission_id}",
            "/api/v3/media/{media_id}",
        )
    },
}
# Endpoints a lower role may not use: (vendor, the lower user) -> {(method, path)}.
ADMIN_ONLY = {
    ("ideascale", "00000000-0000-4000-8000-000000000002"): {
        ("POST", "/a/rest/v1/campaign"),
        ("POST", "/a/rest/v1/members"),
        ("POST", "/a/rest/v1/members/create/silent"),
        ("POST", "/a/rest/v1/email/group/{group_id}"),
        ("DELETE", "/a/rest/v1/community/delete/ideas"),
        ("DELETE", "/a/rest/v1/community/delete/ideasAndMembers"),
    },
    ("ushahidi", "robbie@ushahidi.com"): {
        ("POST", "/api/v3/users"),
        ("PUT", "/api/v3/users/{user_id}"),
        ("DELETE", "/api/v3/users/{user_id}"),
        ("POST", "/api/v3/tags"),
        ("POST", "/api/v3/forms"),
        ("POST", "/api/v3/roles"),
        ("PUT", "/api/v3/roles/{role_id}"),
        ("DELETE", "/api/v3/roles/{role_id}"),
        ("GET", "/api/v3/messages"),
        ("GET", "/api/v3/dataproviders"),
        ("GET", "/api/v3/csv"),
        ("POST", "/api/v3/csv"),
        # docs/vendors/ushahidi.md §1.2: others' users need "Manage Users"; country codes and a survey's stats
        # "Manage Settings" (§1.28); export jobs an export permission; a targeted survey's contacts the admin role
        # (§1.16); messages "Manage Posts" (§1.27); HXL an HXL permission (§1.17); API keys "Manage Settings"
        # (§1.19); webhooks administrators (§1.21).
        ("GET", "/api/v3/users"),
        ("GET", "/api/v3/users/{user_id}"),
        ("GET", "/api/v3/country-codes"),
        ("GET", "/api/v3/country-codes/{code_id}"),
        ("GET", "/api/v3/forms/{form_id}/stats"),
        ("GET", "/api/v3/forms/{form_id}/contacts"),
        ("POST", "/api/v3/messages"),
        ("GET", "/api/v3/exports/jobs"),
        ("POST", "/api/v3/exports/jobs"),
        ("GET", "/api/v3/exports/jobs/{job_id}"),
        ("PUT", "/api/v3/exports/jobs/{job_id}"),
        ("DELETE", "/api/v3/exports/jobs/{job_id}"),
        ("GET", "/api/v3/hxl/licenses"),
        ("GET", "/api/v3/hxl/tags"),
        ("POST", "/api/v3/hxl/metadata"),
    }
    | {(m, "/api/v3/apikeys") for m in ("GET", "POST")}
    | {(m, "/api/v3/apikeys/{key_id}") for m in ("GET", "PUT", "DELETE")}
    | {(m, "/api/v3/webhooks") for m in ("GET", "POST")}
    | {(m, "/api/v3/webhooks/{hook_id}") for m in ("GET", "PUT", "DELETE")},
    ("dosomething", "batman"): {
        ("GET", "/api/v1/terms/{tid}/inbox"),
        ("GET", "/api/v1/users/{uid}/activity"),
        ("POST", "/api/v1/users/{uid}/password_reset_url"),
    },
}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jwt_variants(token: str, secret: str) -> dict[str, str]:
    """A valid JWT made invalid three ways."""
    head, payload, signature = token.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]

    def signed(header: dict) -> str:
        encoded = _b64(json.dumps(header).encode())
        mac = hmac.new(secret.encode(), f"{encoded}.{payload}".encode(), hashlib.sha512).digest()
        return f"{encoded}.{payload}.{_b64(mac)}"

    return {
        "tampered signature": f"{head}.{payload}.{flipped}",
        "alg none": f"{_b64(json.dumps({'alg': 'none', 'typ': 'JWT'}).encode())}.{payload}.",
        "algorithm confusion": signed({"alg": "HS512", "typ": "JWT"}),
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Two apps on one database: `then` mints credentials a day before `now` checks them (so they are expired).
    Their id generators are seeded apart: with one seed, whichever minted second drew the other's session id."""
    url = f"sqlite:///{tmp_path_factory.mktemp('auth') / 'auth.sqlite3'}"
    then = TestClient(create_app(Settings(database_url=url, deterministic=True, clock=THEN, random_seed=1)))
    now_app = create_app(Settings(database_url=url, deterministic=True, clock=NOW))
    with then, TestClient(now_app) as now:
        yield then, now, now_app.state.settings.token_secret


def _mint(client, vendor, user=None, ttl=None) -> dict:
    response = client.post("/__admin/tokens", json={"vendor": vendor, "user": user, "ttl": ttl})
    assert response.status_code == 200, response.text
    return response.json()


def _bearer(creds: dict) -> str:
    return creds["headers"]["Authorization"].split(" ", 1)[1]


def _operations(client, vendor) -> list[tuple[str, str]]:
    spec = client.get(f"/{vendor}/openapi.json").json()
    return [
        (m.upper(), p)
        for p, item in spec["paths"].items()
        for m in item
        if m in ("get", "post", "put", "patch", "delete")
    ]


def _call(client, vendor, method, path, headers=None, cookies=None, params=None, ident="1"):
    client.cookies.clear()
    for name, value in (cookies or {}).items():
        client.cookies.set(name, value)
    url = f"/{vendor}" + re.sub(r"\{[^}]+\}", ident, path)
    body = None if method == "GET" else b"{}"
    return client.request(
        method,
        url,
        headers={"Content-Type": "application/json", **(headers or {})},
        params=params or None,
        content=body,
    )


def _scenarios(vendor, then, now, secret) -> dict[str, dict]:
    """Scenario -> request headers, for a vendor whose credential is a header."""
    foreign = {"Authorization": "Bearer " + _bearer(_mint(now, "ushahidi" if vendor != "ushahidi" else "crowdskout"))}
    if vendor == "ideascale":
        return {
            "none": {},
            "malformed": {"api_token": "not-a-token"},
            "another vendor's": {"api_token": foreign["Authorization"].split()[1]},
        }
    scenarios = {
        "none": {},
        "malformed": {"Authorization": "Bearer !!not a token!!"},
        "wrong scheme": {"Authorization": "Basic Zm9vOmJhcg=="},
        "another vendor's": foreign,
    }
    expired = _mint(then, vendor, ttl=60)  # minted on the first day, checked on the second
    scenarios["expired"] = expired["headers"]
    if vendor in ("crowdskout", "ushahidi"):  # JWTs
        valid = _bearer(_mint(now, vendor))
        for name, token in _jwt_variants(valid, secret).items():
            scenarios[name] = {"Authorization": f"Bearer {token}"}
    return scenarios


def _past_earlier_checks(client, vendor) -> dict[tuple[str, str], str]:
    """(method, path) -> the id to call it with, for endpoints that check the request before the credentials: a
    targeted survey's contacts are checked against the survey first, so the call needs a targeted survey that has
    none yet (docs/vendors/ushahidi.md §1.16); made by the administrator before the snapshot."""
    if vendor != "ushahidi":
        return {}
    admin = _mint(client, vendor, user="admin@ushahidi.com")["headers"]
    survey = {"name": "Auth table survey", "targeted_survey": True}
    form = client.post("/ushahidi/api/v3/forms", json=survey, headers=admin)
    assert form.status_code == 200, form.text
    return {("POST", "/api/v3/forms/{form_id}/contacts"): str(form.json()["id"])}


def _refused(vendor: str, scenario: str, response) -> bool:
    body = response.json()
    if vendor == "crowdskout":
        return (
            response.status_code == 401
            and body["success"] is False
            and body["data"] is None
            and (response.headers["www-authenticate"].startswith("Bearer"))
        )
    if vendor == "crowdynews":
        return response.status_code == 401 and body["errors"][0]["name"] in ("UnauthorizedError", "InvalidClientError")
    if vendor == "ideascale":
        key = "NO_API_TOKEN" if scenario == "none" else "INVALID_API_TOKEN"
        return response.status_code == 400 and body == {"key": key, "message": body["message"]}
    return (
        response.status_code == 401
        and body["errors"][0]["status"] == 401
        and (response.headers["www-authenticate"] == 'Bearer realm="OAuth"')
    )


@pytest.mark.parametrize("vendor", ["crowdskout", "crowdynews", "ideascale", "ushahidi"])
def test_every_protected_endpoint_refuses_bad_credentials(world, vendor):
    then, now, secret = world
    scenarios = _scenarios(vendor, then, now, secret)  # minting them writes tokens: the snapshot comes after
    idents = _past_earlier_checks(now, vendor)
    before = now.get(f"/__admin/snapshot?vendor={vendor}").json()
    protected = [op for op in _operations(now, vendor) if op not in PUBLIC[vendor]]
    assert len(protected) > 10
    failures = []
    for scenario, headers in scenarios.items():
        for method, path in protected:
            response = _call(now, vendor, method, path, headers, ident=idents.get((method, path), "1"))
            if not _refused(vendor, scenario, response):
                failures.append(f"{scenario}: {method} {path} -> {response.status_code} {response.text[:120]}")
    assert failures == []
    assert now.get(f"/__admin/snapshot?vendor={vendor}").json() == before


@pytest.mark.parametrize("vendor", sorted(PUBLIC))
def test_the_openapi_document_says_which_endpoints_need_credentials(world, vendor):
    _, now, _ = world
    document = now.get(f"/{vendor}/openapi.json").json()
    open_ops = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if {} in operation["security"]
    }
    assert open_ops == PUBLIC[vendor]
    assert document["components"]["securitySchemes"]


@pytest.mark.parametrize(("vendor", "user"), sorted(ADMIN_ONLY))
def test_a_lower_role_is_refused_admin_endpoints(world, vendor, user):
    _, now, _ = world
    creds = _mint(now, vendor, user=user)
    before = now.get(f"/__admin/snapshot?vendor={vendor}").json()
    operations = set(_operations(now, vendor))
    for method, path in sorted(ADMIN_ONLY[(vendor, user)]):
        assert (method, path) in operations
        response = _call(now, vendor, method, path, creds["headers"], creds["cookies"], creds["query"])
        assert response.status_code == 403, (method, path, response.text)
        body = response.json()
        if vendor == "ideascale":
            assert body == {"key": "RESTRICTED_TO_ADMIN", "message": "Resource is restricted to ADMIN"}
        elif vendor == "ushahidi":
            assert body["errors"][0]["message"].startswith("User 2 is not allowed to ")
        else:
            assert body == ["Access denied for user batman"] or body[0].startswith("Access denied")
    assert now.get(f"/__admin/snapshot?vendor={vendor}").json() == before


# DoSomething: Drupal treats any request without a valid session cookie as the anonymous user. Seeded ids, so the
# refusal is the access check and not a missing record.
DOSOMETHING_PROTECTED = [
    ("DELETE", "/api/v1/kudos/1015", None),
    ("GET", "/api/v1/terms/123/inbox", None),
    ("DELETE", "/api/v1/taxonomy_term/123", None),
    ("GET", "/api/v1/users/38/activity", None),
    ("POST", "/api/v1/users/38/password_reset_url", {}),
    ("POST", "/api/v1/campaigns/1672/signup", {"source": "web"}),
    ("POST", "/api/v1/system/set_variable", {"name": "x", "value": "y"}),
]


def test_dosomething_treats_bad_sessions_as_anonymous(world):
    then, now, _ = world
    session_name = next(iter(_mint(now, "dosomething")["cookies"]))
    expired = _mint(then, "dosomething", ttl=60)  # a session last used on the first day, 60 s lifetime
    scenarios = {
        "none": ({}, {}),
        "malformed": ({}, {session_name: "not-a-session"}),
        "expired": (expired["headers"], expired["cookies"]),
        "another vendor's": ({"Authorization": "Bearer " + _bearer(_mint(now, "ushahidi"))}, {}),
    }
    before = now.get("/__admin/snapshot?vendor=dosomething").json()
    for scenario, (headers, cookies) in scenarios.items():
        for method, path, body in DOSOMETHING_PROTECTED:
            now.cookies.clear()
            for name, value in cookies.items():
                now.cookies.set(name, value)
            response = now.request(method, f"/dosomething{path}", headers=headers, json=body)
            assert response.status_code == 403, (scenario, method, path, response.text)
            assert response.json() in (["Access denied for user anonymous"], ["Must be logged in!"]), scenario
    assert now.get("/__admin/snapshot?vendor=dosomething").json() == before
