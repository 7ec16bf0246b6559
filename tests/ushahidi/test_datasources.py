"""The data sources' callbacks (docs/vendors/ushahidi.md §1.15), as the platform's data-provider features have them:
each turns an SMS into a contact, a message and a post, after its provider's secret check. The seed configures the
providers as the platform's test dataset does (SMSSync secret 1234, Twilio account 1234, FrontlineSMS secret abc123)."""

FORM = {"content-type": "application/x-www-form-urlencoded"}
ERROR_CONTACTS = (
    "Validation Error: Failed to validate contacts entity:\ncontact must not be empty; contact must not be empty"
)


def incoming(ush, admin, **filters) -> list[dict]:
    query = "&".join(f"{k}={v}" for k, v in {"box": "inbox", "orderby": "id", "order": "asc", **filters}.items())
    return ush.get(f"/api/v3/messages?{query}", headers=admin).json()["results"]


def newest_post(ush, admin) -> dict:
    return ush.get("/api/v3/posts?status=all&orderby=id&order=desc&limit=1", headers=admin).json()["results"][0]


def test_smssync_message_becomes_contact_message_and_post(ush, admin):
    form = "secret=1234&message=Road+blocked+at+km+12&from=%2B254+711-222333&sent_to=123&sent_timestamp=1546300800000"
    answer = ush.post("/smssync", content=form, headers=FORM)
    assert answer.status_code == 200
    assert answer.json() == {"payload": {"success": True, "error": None}}
    message = incoming(ush, admin, data_source="smssync")[-1]
    assert {k: message[k] for k in ("message", "type", "direction", "status", "data_source", "datetime")} == {
        "message": "Road blocked at km 12",
        "type": "sms",
        "direction": "incoming",
        "status": "received",
        "data_source": "smssync",
        "datetime": {"date": "2019-01-01 00:00:00.000000", "timezone_type": 3, "timezone": "UTC"},
    }
    contact = ush.get(f"/api/v3/contacts/{message['contact_id']}", headers=admin).json()
    assert (contact["contact"], contact["type"], contact["data_source"]) == ("+254 711222333", "phone", "smssync")
    post = newest_post(ush, admin)
    assert post["id"] == message["post_id"]
    assert (post["content"], post["title"], post["status"], post["form_id"]) == (
        "Road blocked at km 12",
        None,
        "draft",
        None,
    )
    assert (post["source"], post["message"]["id"], post["contact"]["id"]) == ("sms", message["id"], contact["id"])
    assert post["post_date"] == "2019-01-01T00:00:00+00:00"


def test_a_known_number_keeps_its_contact(ush, admin):
    assert (
        ush.post("/sms/smssync", data={"secret": "1234", "message": "again", "from": "254700123456"}).status_code == 200
    )
    assert incoming(ush, admin, q="again")[0]["contact_id"] == 2693


def test_smssync_refusals_store_nothing(ush, admin):
    before = len(incoming(ush, admin))
    cases = [
        ({"secret": "wrong", "message": "x", "from": "1"}, 403, "Incorrect or missing secret key"),
        ({"message": "x", "from": "1"}, 403, "Incorrect or missing secret key"),
        ({"secret": "1234", "from": "123456789"}, 400, "Missing message"),
        ({"secret": "1234", "message": "0", "from": "123456789"}, 400, "Missing message"),
        ({"secret": "1234", "sent_to": "123"}, 400, "Missing from value"),
    ]
    for fields, status, error in cases:
        answer = ush.post("/smssync", data=fields)
        assert (answer.status_code, answer.json()) == (status, {"payload": {"success": False, "error": error}})
    assert len(incoming(ush, admin)) == before


def test_smssync_task_hands_out_pending_messages_once(ush, admin):
    queued = ush.post(
        "/api/v3/messages", json={"contact_id": 2693, "type": "sms", "message": "Help is coming"}, headers=admin
    )
    assert queued.status_code == 200
    answer = ush.get("/smssync?secret=1234&task=send")
    assert answer.status_code == 200
    payload = answer.json()["payload"]
    assert list(payload) == ["task", "success", "secret", "messages"]
    assert (payload["task"], payload["success"], payload["secret"]) == ("send", True, "1234")
    [sent] = payload["messages"]
    assert list(sent) == ["to", "message", "message_id", "uuid"]
    assert (sent["to"], sent["message"], sent["message_id"]) == ("254700123456", "Help is coming", queued.json()["id"])
    stored = ush.get(f"/api/v3/messages/{sent['message_id']}", headers=admin).json()
    assert (stored["status"], stored["data_source_message_id"]) == ("unknown", sent["uuid"])
    assert ush.get("/sms/smssync?secret=1234&task=send").json()["payload"]["messages"] == []
    assert ush.get("/smssync?secret=1234").json() == {"payload": {"success": True, "error": None}}
    assert ush.get("/smssync?secret=nope&task=send").status_code == 403


def test_twilio_answers_with_the_auto_response(ush, admin):
    body = {
        "AccountSid": "1234",
        "Body": "Water is rising",
        "MessageSid": "SM42",
        "To": "+1 555",
        "From": "+1 (555) 0101",
    }
    answer = ush.post("/sms/twilio", json=body)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/xml; charset=UTF-8"
    assert answer.text == '<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n<Message>Thanks!</Message>\n</Response>'
    message = incoming(ush, admin, data_source="twilio")[-1]
    assert (message["message"], message["data_source_message_id"]) == ("Water is rising", "SM42")
    contact = ush.get(f"/api/v3/contacts/{message['contact_id']}", headers=admin).json()
    assert (contact["contact"], contact["type"]) == ("+15550101", "phone")


def test_twilio_whatsapp_sender_and_reply_path(ush, admin):
    fields = {"AccountSid": "1234", "Body": "hi", "From": "whatsapp:+254700999888"}
    assert ush.post("/sms/twilio/reply", data=fields).status_code == 200
    contact_id = incoming(ush, admin, data_source="twilio")[-1]["contact_id"]
    assert ush.get(f"/api/v3/contacts/{contact_id}", headers=admin).json()["type"] == "whatsapp"


def test_twilio_refusals(ush, admin):
    before = len(incoming(ush, admin))
    wrong = ush.post("/sms/twilio", json={"AccountSid": "wrong", "Body": "x", "From": "1"})
    assert (wrong.status_code, wrong.json()) == (
        403,
        {"errors": [{"status": 403, "message": "Incorrect or missing AccountSid"}]},
    )
    no_body = ush.post("/sms/twilio", json={"AccountSid": "1234", "From": "1234"})
    assert (no_body.status_code, no_body.json()["errors"]) == (
        422,
        [
            {
                "status": 422,
                "message": (
                    "Validation Error: Failed to validate messages entity:\nmessage must not be empty; "
                    "message must not be empty"
                ),
            }
        ],
    )
    no_from = ush.post("/sms/twilio", json={"AccountSid": "1234", "Body": "x"})
    assert (no_from.status_code, no_from.json()["errors"]) == (422, [{"status": 422, "message": ERROR_CONTACTS}])
    assert len(incoming(ush, admin)) == before


def test_twilio_without_auto_response_answers_empty(ush, admin):
    settings = {"twilio": {"account_sid": "AC1", "sms_auto_response": ""}}
    assert ush.put("/api/v3/config/data-provider", json=settings, headers=admin).status_code == 200
    answer = ush.post("/sms/twilio", data={"AccountSid": "AC1", "Body": "x", "From": "77"})
    assert (answer.status_code, answer.text) == (200, "")


def test_nexmo_by_query_string_or_json(ush, admin):
    answer = ush.get("/sms/nexmo?text=Some+testing+message&msisdn=123456789&to=123&messageId=1&type=text")
    assert (answer.status_code, answer.json()) == (200, {"success": True})
    json_body = {"text": "by json", "msisdn": "44 7700", "to": "1", "messageId": "0A0000"}
    assert ush.post("/sms/nexmo/reply", json=json_body).json() == {"success": True}
    messages = incoming(ush, admin, data_source="nexmo")
    assert [(m["message"], m["data_source_message_id"]) for m in messages[-2:]] == [
        ("Some testing message", "1"),
        ("by json", "0A0000"),
    ]


def test_nexmo_invalid_message(ush, admin):
    before = len(incoming(ush, admin))
    for query in ("msisdn=1&to=1&messageId=1", "text=x&to=1&messageId=1", "text=x&msisdn=1&to=1", ""):
        answer = ush.get(f"/sms/nexmo?{query}")
        assert (answer.status_code, answer.json()) == (400, {"errors": [{"status": 400, "message": "Invalid message"}]})
    assert ush.post("/nexmo", content=b"[1]", headers={"content-type": "application/json"}).status_code == 400
    assert len(incoming(ush, admin)) == before


def test_frontlinesms(ush, admin):
    answer = ush.post("/frontlinesms", data={"from": "12345678", "message": "test", "secret": "abc123"})
    assert (answer.status_code, answer.json()) == (200, {"payload": {"success": True, "error": None}})
    assert incoming(ush, admin, data_source="frontlinesms")[-1]["message"] == "test"
    for fields, status, text in (
        ({"from": "1", "message": "test", "secret": "wrong"}, 403, "Incorrect or missing secret key"),
        ({"from": "1", "secret": "abc123"}, 400, "Missing message"),
        ({"message": "A message", "secret": "abc123"}, 400, "Missing from"),
    ):
        refused = ush.post("/sms/frontlinesms", data=fields)
        assert (refused.status_code, refused.json()) == (status, {"errors": [{"status": status, "message": text}]})


def test_a_disabled_provider(ush, admin):
    off = {"providers": {"smssync": True, "twilio": False, "nexmo": False, "frontlinesms": True}}
    assert ush.put("/api/v3/config/data-provider", json=off, headers=admin).status_code == 200
    twilio = ush.post("/sms/twilio", json={"AccountSid": "1234", "Body": "x", "From": "1"})
    assert (twilio.status_code, twilio.json()) == (
        500,
        {"errors": [{"status": 500, "message": "Call to a member function verifySid() on string"}]},
    )
    nexmo = ush.get("/sms/nexmo?text=x&msisdn=1&to=1&messageId=1")
    assert nexmo.status_code == 422
    assert nexmo.json()["errors"][0]["message"] == (
        "Validation Error: Failed to validate messages entity:\ndata source must be one of the available options; "
        "data source must be one of the available options"
    )
    assert incoming(ush, admin, data_source="nexmo") == []


def test_inbound_survey_fields_are_filled(ush, admin):
    description = "794636ad-5333-44db-aa09-d0ed553c06d4"  # form 1's Description field
    settings = {"smssync": {"secret": "s3", "form_id": 1, "inbound_fields": {"Message": description}}}
    assert ush.put("/api/v3/config/data-provider", json=settings, headers=admin).status_code == 200
    assert ush.post("/smssync", data={"secret": "s3", "message": "Bridge out", "from": "555"}).status_code == 200
    post = newest_post(ush, admin)
    assert (post["form"]["id"], post["values"], post["content"]) == (1, {description: ["Bridge out"]}, "Bridge out")


def test_wrong_methods_are_405(ush):
    assert ush.get("/sms/twilio").status_code == 405
    assert ush.get("/frontlinesms").status_code == 405
    assert ush.put("/smssync").status_code == 405
