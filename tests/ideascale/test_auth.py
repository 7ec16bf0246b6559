"""api_token, Multipass member_token and sso_token, and the admin-only calls."""

import base64
import hashlib
import json

import pytest
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from tests.ideascale.conftest import ADMIN, LOCKED, MEMBER


def sample_token(api_key: str, site_key: str, payload: dict) -> str:
    """The Multipass token as ideascale-public/multipass's samples build it, written out independently."""
    key = hashlib.sha1((api_key + site_key).encode()).digest()[:16]
    padder = padding.PKCS7(128).padder()
    data = padder.update(json.dumps(payload, separators=(",", ":")).encode()) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(bytes(16))).encryptor()
    raw = encryptor.update(data) + encryptor.finalize()
    return base64.b64encode(raw).decode().rstrip("=").replace("+", "-").replace("/", "_")


def test_missing_and_unknown_api_tokens(isc):
    assert isc.get("/campaigns", headers={}).status_code == 400
    assert isc.get("/campaigns", headers={}).json() == {"key": "NO_API_TOKEN", "message": "No API Token provided"}
    unknown = isc.get("/campaigns", headers={"api_token": "nope"})
    assert unknown.status_code == 400
    assert unknown.json() == {"key": "INVALID_API_TOKEN", "message": "Invalid API Token"}
    other_vendor = isc.get("/campaigns", headers={"Authorization": "Bearer abcd1234"})
    assert other_vendor.json()["key"] == "NO_API_TOKEN"


def test_member_token_acts_as_that_member(client, isc, settings):
    token = sample_token(
        settings.ideascale_api_key,
        settings.ideascale_site_key,
        {"email": "Alex.Smith@example.com", "name": "Alex Smith", "expires": "2099-02-24T19:55:31.111-08:00"},
    )
    headers = {**ADMIN, "member_token": token}
    comment = isc.post("/ideas/352809/comment", json={"text": "Posted through Multipass"}, headers=headers)
    assert comment.status_code == 200
    assert comment.json()["authorId"] == 4000001 and comment.json()["authorInfo"]["name"] == "Alex Smith"
    voted = isc.post("/ideas/352809/vote/up", json={"myVote": 1}, headers=headers).json()
    assert voted["myVote"] == 1 and voted["upVoteCount"] == 1
    # The admin's own view of the idea has no vote of its own.
    assert isc.get("/ideas/352809").json()["myVote"] == 0


@pytest.mark.parametrize(
    ("token", "key", "status"),
    [
        ("garbage", "INVALID_MEMBER_TOKEN", 400),
        ("expired", "INVALID_MEMBER_TOKEN", 400),
        ("unknown", "MEMBER_NOT_FOUND", 404),
    ],
)
def test_bad_member_tokens(isc, settings, token, key, status):
    payloads = {
        "expired": {"email": "member@example.com", "expires": "2001-01-01T00:00:00.000-08:00"},
        "unknown": {"email": "nobody@example.com"},
    }
    if token in payloads:
        token = sample_token(settings.ideascale_api_key, settings.ideascale_site_key, payloads[token])
    response = isc.get("/campaigns", headers={**MEMBER, "member_token": token})
    assert response.status_code == status and response.json()["key"] == key


def test_member_token_with_other_keys_is_invalid(isc):
    token = sample_token("another-api-key", "999", {"email": "member@example.com"})
    assert isc.get("/campaigns", headers={**MEMBER, "member_token": token}).json()["key"] == "INVALID_MEMBER_TOKEN"


def test_sso_token_needs_an_sso_community(isc, app, as_member):
    token = as_member("member@example.com")["member_token"]
    refused = isc.get("/campaigns", headers={**ADMIN, "sso_token": token})
    assert refused.status_code == 400 and refused.json()["key"] == "MULTIPASS_SSO_NOT_ENABLED"
    app.state.settings.ideascale_sso_community = True
    assert isc.get("/campaigns").json() == {"key": "NO_SSO_TOKEN", "message": "No SSO token provided by SSO community"}
    assert isc.get("/campaigns", headers={**MEMBER, "sso_token": token}).json()["key"] == "RESTRICTED_TO_ADMIN"
    bad = isc.get("/campaigns", headers={**ADMIN, "sso_token": "garbage"})
    assert bad.status_code == 400 and bad.json()["key"] == "INVALID_SSO_TOKEN"
    unknown = isc.get("/campaigns", headers={**ADMIN, "sso_token": as_member("x@example.com")["member_token"]})
    assert unknown.status_code == 404 and unknown.json()["key"] == "SSO_MEMBER_NOT_FOUND"
    ok = isc.post("/ideas/352809/comment", json={"text": "Via SSO"}, headers={**ADMIN, "sso_token": token})
    assert ok.status_code == 200 and ok.json()["authorId"] == 2


def test_locked_member_is_refused(isc, as_member):
    assert isc.get("/campaigns", headers=LOCKED).json() == {"key": "ACTOR_IS_LOCKED", "message": "Actor is locked"}
    assert isc.get("/campaigns", headers=as_member("locked@example.com")).status_code == 403


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/campaign", {"name": "New"}),
        ("POST", "/members", {"name": "N", "email": "n@example.com"}),
        ("POST", "/members/create/silent", {"name": "N", "email": "n@example.com"}),
        ("POST", "/email/group/admins", {"subject": "s", "body": "b"}),
        ("DELETE", "/community/delete/ideas", None),
        ("DELETE", "/community/delete/ideasAndMembers", None),
    ],
)
def test_admin_only_calls_refuse_members(isc, method, path, body):
    response = isc.request(method, path, json=body, headers=MEMBER)
    assert response.status_code == 403
    assert response.json() == {"key": "RESTRICTED_TO_ADMIN", "message": "Resource is restricted to ADMIN"}
    assert len(isc.get("/ideas").json()) == 300


def test_framework_errors_use_the_error_body(isc):
    assert isc.get("/nothing").json() == {"key": "NOT_FOUND", "message": "Resource not found"}
    assert isc.request("PATCH", "/campaigns").status_code == 405
    assert isc.request("PATCH", "/campaigns").json()["key"] == "METHOD_NOT_ALLOWED"
    malformed = isc.post("/idea", content=b"{oops", headers={**ADMIN, "Content-Type": "application/json"})
    assert malformed.status_code == 400 and malformed.json()["key"] == "INVALID_INPUT"


def test_profile_avatars_probes_the_token(isc):
    assert isc.get("/profile/avatars").status_code == 200
    assert isc.get("/profile/avatars", headers={"api_token": "x"}).status_code == 400


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/campaigns/groups/99999999999999999999999", "CAMPAIGN_GROUP_NOT_FOUND"),
        ("/campaigns/groups/%C2%B2", "CAMPAIGN_GROUP_NOT_FOUND"),
        ("/ideas/99999999999999999999999/10", "INVALID_INPUT"),
        ("/ideas/0/99999999999999999999999", "INVALID_INPUT"),
        ("/comments/99999999999999999999999/10", "INVALID_INPUT"),
        ("/groups/99999999999999999999999/members/0/10", "GROUP_NOT_FOUND"),
        ("/campaign/%C2%B2", "INVALID_INPUT"),
        ("/members/%27%3B--", "INVALID_INPUT"),
    ],
)
def test_impossible_ids_and_pages(isc, path, key):
    response = isc.get(path)
    assert response.status_code in (400, 404) and response.json()["key"] == key


def test_wrong_json_types_are_invalid_input(isc):
    for body in ([1, 2], "x", {"title": 1, "text": [], "campaignId": {"a": 1}}):
        response = isc.post("/idea", json=body)
        assert response.status_code == 400 and response.json()["key"] in ("INVALID_INPUT", "REQUIRED_FIELD_MISSING")
    assert isc.get("/ideas").headers["pager_total_count"] == "300"
