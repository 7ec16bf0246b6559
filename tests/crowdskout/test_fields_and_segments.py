"""Field options, segment scans and traits."""


def test_field_options_with_dependency_filter(cs):
    illinois = cs.get("/v1/fields/AddressCity/options?AddressRegion=5").json()
    assert illinois["success"] is True and illinois["data"]["collection"] == "PhysicalAddresses"
    assert illinois["data"]["options"][:2] == [{"id": 1, "value": "Chicago"}, {"id": 2, "value": "Springfield"}]
    massachusetts = cs.get("/v1/fields/AddressCity/options?AddressRegion=14").json()["data"]["options"]
    assert {"id": 6, "value": "Springfield"} in massachusetts and {"id": 1, "value": "Chicago"} not in massachusetts
    everything = cs.get("/v1/fields/AddressCity/options").json()["data"]["options"]
    assert len(everything) > len(massachusetts)


def test_unknown_field_is_404(cs):
    response = cs.get("/v1/fields/ShoeSize/options")
    assert response.status_code == 404 and response.json()["messages"] == ["Field ShoeSize not found."]


def test_segment_scan_scrolls_to_an_empty_page(cs):
    for _ in range(3):
        cs.post("/v1/profile/bulk", json={"profiles": [{"Names": [{"FullName": f"P {n}"}]} for n in range(40)]})
    first = cs.put('/v1/segment/scan?query=(NameExists = "Yes")').json()["data"]
    assert first["total"] == 152 and len(first["profileIds"]) == 100
    second = cs.put(f"/v1/segment/scan?token={first['scrollId']}").json()["data"]
    assert len(second["profileIds"]) == 52 and set(first["profileIds"]).isdisjoint(second["profileIds"])
    end = cs.put(f"/v1/segment/scan?token={first['scrollId']}").json()["data"]
    assert end["profileIds"] == []


def test_segment_scan_equality_and_errors(cs):
    males = cs.put('/v1/segment/scan?query=Gender = "Male"').json()["data"]
    assert 1 in males["profileIds"]
    assert cs.put("/v1/segment/scan").status_code == 400
    assert cs.put("/v1/segment/scan?query=garbage").status_code == 400


def test_traits_counts(cs):
    body = cs.post("/v1/traits", json={"traits": [{"trait": "Gender"}, {"trait": "NameExists"}]}).json()["data"]
    assert body["total"] == 32
    assert body["data"]["Gender"]["options"]["male"] >= 1
    assert body["data"]["NameExists"]["options"] == {"yes": 32}
    limited = cs.post("/v1/traits", json={"profiles": [1], "traits": [{"trait": "Gender", "value": "Male"}]})
    assert limited.json()["data"]["data"]["Gender"]["total"] == 1
    assert cs.post("/v1/traits", json={}).status_code == 400


def test_scroll_expires_an_hour_after_its_last_use(cs, app):
    from sqlmodel import Session

    from crowdmock.vendors.crowdskout.models import Scroll

    first = cs.put('/v1/segment/scan?query=(NameExists = "Yes")').json()["data"]
    with Session(app.state.store.engine) as session:
        scroll = session.get(Scroll, first["scrollId"])
        scroll.offset, scroll.last_used = 0, scroll.last_used - 3601
        session.add(scroll)
        session.commit()
    assert cs.put(f"/v1/segment/scan?token={first['scrollId']}").json()["data"]["profileIds"] == []
