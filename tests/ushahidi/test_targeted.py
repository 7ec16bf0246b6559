"""Targeted surveys (docs/vendors/ushahidi.md §1.16): adding phone numbers to a targeted survey queues its first
question to each; a reply moves the contact to the next question. The seed has one running: survey 7, contact 2694
(254700654321) asked its first question by message 23464, answers joining post 9003."""

from sqlmodel import Session, select

from crowdmock.vendors.ushahidi.models import TargetedSurveyState

REPLY = {"secret": "1234", "from": "254700654321"}


def states(app) -> list[TargetedSurveyState]:
    with Session(app.state.store.engine) as session:
        return list(session.exec(select(TargetedSurveyState).order_by(TargetedSurveyState.id)).all())


def messages_of(ush, admin, contact_id: int) -> list[dict]:
    query = f"contact={contact_id}&orderby=id&order=asc"
    return ush.get(f"/api/v3/messages?{query}", headers=admin).json()["results"]


def test_replies_walk_through_the_questions(ush, admin):
    posts_before = ush.get("/api/v3/posts?status=all", headers=admin).json()["total_count"]
    assert ush.post("/smssync", data={**REPLY, "message": "5 people"}).status_code == 200
    first, reply, second = messages_of(ush, admin, 2694)
    assert first["id"] == 23464
    assert (reply["direction"], reply["message"], reply["post_id"]) == ("incoming", "5 people", 9003)
    assert {k: second[k] for k in ("direction", "status", "title", "message", "data_source", "type")} == {
        "direction": "outgoing",
        "status": "pending",
        "title": "Do you have clean water?",
        "message": "Do you have clean water?",
        "data_source": "smssync",
        "type": "sms",
    }
    assert second["post_id"] == 9003
    # The answer joins the survey's post: no post of its own.
    assert ush.get("/api/v3/posts?status=all", headers=admin).json()["total_count"] == posts_before

    assert ush.post("/smssync", data={**REPLY, "message": "yes"}).status_code == 200
    assert len(messages_of(ush, admin, 2694)) == 4  # the last question answered: nothing more is asked

    # Once the survey is over, a message is an ordinary one again and becomes a post.
    assert ush.post("/smssync", data={**REPLY, "message": "thanks"}).status_code == 200
    assert ush.get("/api/v3/posts?status=all", headers=admin).json()["total_count"] == posts_before + 1


def test_survey_state_after_a_reply(app, ush, admin):
    ush.post("/sms/nexmo/reply", json={"text": "4", "msisdn": "254700654321", "to": "199", "messageId": "77"})
    [state] = states(app)
    asked = messages_of(ush, admin, 2694)[-1]
    assert (state.survey_status, state.form_attribute_id, state.message_id) == ("PENDING RESPONSE", 20, asked["id"])
    assert asked["data_source"] == "nexmo"  # the next question goes out the way the answer came in
    ush.post("/sms/nexmo/reply", json={"text": "no", "msisdn": "254700654321", "to": "199", "messageId": "78"})
    [state] = states(app)
    assert (state.survey_status, state.form_attribute_id) == ("SURVEY FINISHED", None)


def _targeted_form(ush, admin) -> int:
    form = ush.post("/api/v3/forms", json={"name": "Water points", "targeted_survey": True}, headers=admin).json()
    stage = ush.post(f"/api/v3/forms/{form['id']}/stages", json={"label": "Questions"}, headers=admin).json()
    for priority, label in ((1, "Is the pump working?"), (2, "How far is it?")):
        field = {"label": label, "type": "varchar", "input": "text", "priority": priority, "form_stage_id": stage["id"]}
        assert ush.post(f"/api/v3/forms/{form['id']}/attributes", json=field, headers=admin).status_code == 200
    return form["id"]


def test_adding_contacts_starts_the_survey(app, ush, admin):
    form_id = _targeted_form(ush, admin)
    body = {"contacts": "254700654321,99333222,99333222", "country_code": "KE"}
    answer = ush.post(f"/api/v3/forms/{form_id}/contacts", json=body, headers=admin)
    assert answer.status_code == 200
    # The contact still answering survey 7 leaves it; ids come back as the database's strings.
    assert answer.json() == {
        "form_id": form_id,
        "count": 3,
        "invalidated_contacts": [{"contact": "254700654321", "contact_id": "2694", "form_id": "7"}],
    }
    assert ush.get("/api/v3/messages/23464", headers=admin).json()["status"] == "expired"
    by_form = {s.form_id: s for s in states(app)}
    assert by_form[7].survey_status == f"ACTIVE CONTACT IN SURVEY {form_id}"
    new = [s for s in states(app) if s.form_id == form_id]
    assert len(new) == 3 and {s.survey_status for s in new} == {"PENDING RESPONSE"}
    question = ush.get(f"/api/v3/messages/{new[0].message_id}", headers=admin).json()
    assert (question["message"], question["status"], question["direction"]) == (
        "Is the pump working?",
        "pending",
        "outgoing",
    )
    post = ush.get(f"/api/v3/posts/{new[0].post_id}", headers=admin).json()
    assert (post["status"], post["form"]["id"]) == ("draft", form_id)
    assert post["title"].startswith("Water points - ") and post["content"] == post["title"]
    # A second set is refused; the list shows the survey's contacts as the formatter renders a search.
    again = ush.post(f"/api/v3/forms/{form_id}/contacts", json=body, headers=admin)
    assert again.status_code == 422
    listed = ush.get(f"/api/v3/forms/{form_id}/contacts", headers=admin)
    assert listed.status_code == 200
    assert listed.json() == {
        "form_id": [{"country_code": "KE"}, {"country_code": None}, {"country_code": None}],
        "count": 0,
        "invalidated_contacts": [],
    }
    # The moved contact now answers the new survey.
    assert ush.post("/smssync", data={**REPLY, "message": "yes"}).status_code == 200
    assert ush.get(f"/api/v3/messages?post={new[0].post_id}", headers=admin).json()["total_count"] == 3


def test_contacts_refused_for_surveys_that_cannot_take_them(ush, admin):
    def error(message: str) -> dict:
        return {
            "errors": [
                {"status": 422, "message": message},
                {"status": 422, "title": message, "message": message, "source": {"pointer": "/id"}},
            ]
        }

    body = {"contacts": "91666999,98199555", "country_code": "UY"}
    not_targeted = ush.post("/api/v3/forms/1/contacts", json=body, headers=admin)
    assert (not_targeted.status_code, not_targeted.json()) == (422, error("The form is not a targeted survey"))
    taken = ush.post("/api/v3/forms/7/contacts", json=body, headers=admin)
    assert (taken.status_code, taken.json()) == (422, error("The form already has a set of contacts"))
    empty = ush.post("/api/v3/forms", json={"name": "No questions", "targeted_survey": True}, headers=admin).json()
    no_questions = ush.post(f"/api/v3/forms/{empty['id']}/contacts", json=body, headers=admin)
    message = f"Could not find attributes in form id {empty['id']}."
    assert (no_questions.status_code, no_questions.json()) == (422, error(message))
    assert ush.get(f"/api/v3/forms/{empty['id']}/contacts", headers=admin).json()["count"] == 0
    missing = ush.post("/api/v3/forms/99/contacts", json=body, headers=admin)
    assert (missing.status_code, missing.json()) == (
        404,
        {"errors": [{"status": 404, "message": "Could not locate any forms matching [form_id: 99]"}]},
    )


def test_only_admins_manage_survey_contacts(ush, admin, user):
    form_id = _targeted_form(ush, admin)
    body = {"contacts": "99333222, 91333222", "country_code": "UY"}
    refused = ush.post(f"/api/v3/forms/{form_id}/contacts", json=body, headers=user)
    assert (refused.status_code, refused.json()) == (
        403,
        {"errors": [{"status": 403, "message": "User 2 is not allowed to create resource contacts #0"}]},
    )
    assert ush.get(f"/api/v3/forms/{form_id}/contacts", headers=user).status_code == 403
    anonymous = ush.get(f"/api/v3/forms/{form_id}/contacts")
    assert anonymous.status_code == 401
    assert ush.get("/api/v3/forms/7/contacts", headers=admin).json()["form_id"] == [{"country_code": "KE"}]
    # Nothing was added by the refused calls.
    assert ush.get(f"/api/v3/forms/{form_id}/contacts", headers=admin).json()["form_id"] == []


def test_a_thousand_numbers_at_once(ush, admin):
    form_id = _targeted_form(ush, admin)
    numbers = ",".join(str(5145835000 + n) for n in range(1000))
    answer = ush.post(
        f"/api/v3/forms/{form_id}/contacts", json={"contacts": numbers, "country_code": "CA"}, headers=admin
    )
    assert answer.status_code == 200
    assert answer.json() == {"form_id": form_id, "count": 1000, "invalidated_contacts": []}
    assert len(ush.get(f"/api/v3/forms/{form_id}/contacts", headers=admin).json()["form_id"]) == 1000
