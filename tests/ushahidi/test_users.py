"""Users, registration and password reset."""

from sqlmodel import Session, select

from crowdmock.vendors.ushahidi.models import ResetToken
from tests.ushahidi.conftest import SECRET


def test_me_returns_the_full_own_record(ush, user):
    body = ush.get("/api/v3/users/me", headers=user).json()
    assert list(body) == [
        "id",
        "url",
        "email",
        "realname",
        "logins",
        "failed_attempts",
        "last_login",
        "last_attempt",
        "created",
        "updated",
        "role",
        "language",
        "contacts",
        "gravatar",
        "allowed_privileges",
    ]
    assert (body["id"], body["email"], body["role"]) == (2, "robbie@ushahidi.com", "user")
    assert body["allowed_privileges"] == ["read", "update", "read_full", "register"]
    assert "password" not in body and "password_hash" not in body


def test_me_with_client_token_is_404_user_0(ush):
    token = ush.token(None, scope="users")
    response = ush.get("/api/v3/users/me", headers={"Authorization": "Bearer " + token["access_token"]})
    assert response.status_code == 404
    assert response.json() == {"errors": [{"status": 404, "message": "Could not locate any users matching [id: 0]"}]}


def test_me_without_token_is_401(ush):
    response = ush.get("/api/v3/users/me")
    assert response.status_code == 401
    assert response.json() == {"errors": [{"status": 401, "message": "Unauthorized."}]}


def test_only_user_managers_read_or_list_other_users(ush, user):
    client_token = ush.headers(None, scope="users")

    def refusal(status: int, message: str) -> tuple:
        return status, {"errors": [{"status": status, "message": message}]}

    for path, headers, expected in (
        ("/api/v3/users/1", user, refusal(403, "User 2 is not allowed to read resource users #1")),
        ("/api/v3/users/1", client_token, refusal(403, "User 0 is not allowed to read resource users #1")),
        ("/api/v3/users", user, refusal(403, "User 2 is not allowed to search resource users #0")),
        (
            "/api/v3/users/1",
            {},
            refusal(401, "The request is missing an access token in either the Authorization header."),
        ),
    ):
        response = ush.get(path, headers=headers)
        assert (response.status_code, response.json()) == expected
    assert ush.get("/api/v3/users/2", headers=user).json()["email"] == "robbie@ushahidi.com"
    assert ush.request("OPTIONS", "/api/v3/users", headers=user).json() == {"allowed_privileges": ["register"]}


def test_update_me_but_not_my_role(ush, user):
    response = ush.put("/api/v3/users/me", json={"realname": "Robbie M", "language": "fr"}, headers=user)
    assert response.status_code == 200 and response.json()["realname"] == "Robbie M"
    refused = ush.put("/api/v3/users/me", json={"role": "admin"}, headers=user)
    assert refused.status_code == 403
    assert ush.get("/api/v3/users/me", headers=user).json()["role"] == "user"


def test_admin_creates_updates_and_deletes_a_user(ush, admin):
    created = ush.post(
        "/api/v3/users",
        json={"email": "linda@ushahidi.com", "realname": "Linda", "password": "secret12", "role": "admin"},
        headers=admin,
    )
    assert created.status_code == 200
    uid = created.json()["id"]
    assert created.json()["role"] == "admin"
    updated = ush.put(f"/api/v3/users/{uid}", json={"role": "user"}, headers=admin)
    assert updated.json()["role"] == "user"
    deleted = ush.delete(f"/api/v3/users/{uid}", headers=admin)
    assert deleted.status_code == 200 and deleted.json()["email"] == "linda@ushahidi.com"
    assert ush.get(f"/api/v3/users/{uid}", headers=admin).status_code == 404


def test_admin_cannot_delete_self(ush, admin):
    assert ush.delete("/api/v3/users/1", headers=admin).status_code == 403


def test_user_cannot_create_users(ush, user):
    response = ush.post("/api/v3/users", json={"email": "x@y.org", "password": "secret12"}, headers=user)
    assert response.status_code == 403
    assert response.json()["errors"][0]["message"] == "User 2 is not allowed to create resource users #0"


def test_duplicate_email_and_short_password_are_422(ush, admin):
    response = ush.post("/api/v3/users", json={"email": "robbie@ushahidi.com", "password": "short"}, headers=admin)
    assert response.status_code == 422
    titles = [e["title"] for e in response.json()["errors"][1:]]
    assert titles == ["email is already in use", "password must be at least 7 characters long"]


def test_register_forces_user_role_and_allows_login(ush):
    response = ush.post(
        "/api/v3/register",
        json={"email": "new@example.org", "password": "secret123", "realname": "New", "role": "admin"},
    )
    assert response.status_code == 200
    assert response.json()["role"] == "user" and response.json()["email"] == "new@example.org"
    token = ush.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": "ushahidiui",
            "client_secret": "35e7f0bca957836d05ca0492211b0ac707671261",
            "username": "new@example.org",
            "password": "secret123",
        },
    )
    assert token.status_code == 200


def test_users_search(ush, admin):
    body = ush.get("/api/v3/users?role=admin", headers=admin).json()
    assert [u["id"] for u in body["results"]] == [1]
    assert ush.get("/api/v3/users?q=robbie", headers=admin).json()["total_count"] == 1


def test_password_reset_is_204_even_for_unknown_email(ush):
    assert ush.post("/api/v3/passwordreset", json={"email": "nobody@example.org"}).status_code == 204


def test_password_reset_with_wrong_parameter_is_the_documented_400(ush):
    response = ush.post("/api/v3/passwordreset", json={"emails": "robbie@ushahidi.com"})
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "status": 400,
                "message": (
                    "Bad request: Payload parameter email has not been declared, defined parameters are: emails"
                ),
            }
        ]
    }


def test_password_reset_confirm_changes_the_password(ush, app):
    assert ush.post("/api/v3/passwordreset", json={"email": "robbie@ushahidi.com"}).status_code == 204
    with Session(app.state.store.engine) as session:
        token = session.exec(select(ResetToken).where(ResetToken.token != SEEDED_TOKEN)).one().token
    assert len(token) == 6 and token == token.upper() and int(token, 16) >= 0
    short = ush.post("/api/v3/passwordreset/confirm", json={"token": token, "password": "abc"})
    assert short.status_code == 422
    assert short.json()["errors"][1]["title"] == "password must be at least 7 characters long"
    assert ush.post("/api/v3/passwordreset/confirm", json={"token": token, "password": "newpass1"}).status_code == 204
    login = ush.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": "ushahidiui",
            "client_secret": "35e7f0bca957836d05ca0492211b0ac707671261",
            "username": "robbie@ushahidi.com",
            "password": "newpass1",
        },
    )
    assert login.status_code == 200
    assert ush.post("/api/v3/passwordreset/confirm", json={"token": token, "password": "again123"}).status_code == 422


SEEDED_TOKEN = "5EED01"  # fixtures/ushahidi/reset_tokens.json: robbie's, valid until 2030


def test_a_seeded_reset_token_resets_robbies_password(ush):
    body = {"email": "ignored@example.org", "token": SEEDED_TOKEN, "password": "abcd1234"}
    response = ush.post("/api/v3/passwordreset/confirm", json=body)
    assert (response.status_code, response.content) == (204, b"")
    login = {"grant_type": "password", "client_id": "ushahidiui", "client_secret": SECRET}
    login |= {"username": "robbie@ushahidi.com", "password": "abcd1234"}
    assert ush.post("/oauth/token", data=login).status_code == 200


def test_a_reset_lists_every_failure_in_its_first_error(ush):
    response = ush.post("/api/v3/passwordreset/confirm", json={"token": "not-a-token", "password": "a"})
    assert (response.status_code, response.json()) == (
        422,
        {
            "errors": [
                {
                    "status": 422,
                    "message": "Failed to validate users entity:\nInvalid or expired reset token\n"
                    "password must be at least 7 characters long",
                },
                {
                    "status": 422,
                    "title": "Invalid or expired reset token",
                    "message": "Invalid or expired reset token",
                    "source": {"pointer": "/token"},
                },
                {
                    "status": 422,
                    "title": "password must be at least 7 characters long",
                    "message": "password must be at least 7 characters long",
                    "source": {"pointer": "/password"},
                },
            ]
        },
    )


def test_reset_tokens_expire_after_30_minutes(ush, client):
    snapshot = client.get("/__admin/snapshot?vendor=ushahidi").json()
    for row in snapshot["vendors"]["ushahidi"]["ushahidi_reset_token"]:
        row["created"] = 1_000_000_000  # 2001: long expired
    assert client.post("/__admin/snapshot", json=snapshot).status_code == 200
    response = ush.post("/api/v3/passwordreset/confirm", json={"token": SEEDED_TOKEN, "password": "abcd1234"})
    assert response.status_code == 422
    assert response.json()["errors"][1:] == [
        {
            "status": 422,
            "title": "Invalid or expired reset token",
            "message": "Invalid or expired reset token",
            "source": {"pointer": "/token"},
        }
    ]


def test_api_index_names_the_caller(ush, user):
    body = ush.get("/api/v3", headers=user).json()
    assert body["version"] == "3" and body["user"] == {
        "id": 2,
        "email": "robbie@ushahidi.com",
        "realname": "Robbie Mackay",
    }
    assert ush.get("/api/v3").json()["user"] == {"id": None, "email": None, "realname": None}


def test_rapid_registrations_are_throttled_until_reset(ush, client, admin):
    # Three calls a minute for the whole deployment; a refused one stores nothing, and a failing one counts too.
    assert ush.post("/api/v3/register", json={"email": "bad", "password": "secret123"}).status_code == 422
    for n in range(2):
        ok = ush.post("/api/v3/register", json={"email": f"r{n}@example.org", "password": "secret123"})
        assert ok.status_code == 200
    refused = ush.post("/api/v3/register", json={"email": "r10@example.org", "password": "secret123"})
    assert refused.status_code == 429
    assert refused.json() == {"errors": [{"status": 429, "message": "Too Many Requests"}]}
    assert ush.get("/api/v3/users?q=r10", headers=admin).json()["total_count"] == 0
    client.post("/__admin/reset")
    assert ush.post("/api/v3/register", json={"email": "r10@example.org", "password": "secret123"}).status_code == 200


def test_register_validation_stores_nothing(ush, admin):
    response = ush.post("/api/v3/register", json={"email": "not-an-email", "password": 5})
    assert response.status_code == 422
    assert ush.get("/api/v3/users", headers=admin).json()["total_count"] == 2


def test_an_admin_demoting_themselves_is_answered_with_their_new_role(ush, admin):
    """Ushahidi's authorizers read the caller's user anew for each check (UserContext::getUser), so the answer to an
    admin demoting themselves already carries a plain user's privileges on themselves, as does their next request."""
    response = ush.put("/api/v3/users/me", json={"role": "user"}, headers=admin)
    assert response.status_code == 200
    assert (response.json()["role"], response.json()["allowed_privileges"]) == (
        "user",
        ["read", "update", "read_full", "register"],
    )
    after = ush.get("/api/v3/users/me", headers=admin).json()
    assert (after["role"], after["allowed_privileges"]) == ("user", ["read", "update", "read_full", "register"])
    assert ush.get("/api/v3/users", headers=admin).status_code == 403  # no longer "Manage Users"
