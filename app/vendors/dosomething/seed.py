"""Loads fixtures/dosomething/: the seed's examples at their ids (campaigns 362 and 1173, signups 42 and 243,
reportback 1982, reportback items 85071, 572, 658, 5874, 498, 499, term 123, users 38 and 1700329), the
contract's administrator, and consistent extra members, signups, reportbacks and kudos.

Its table models are imported inside the functions, as app/core/vendor.py (Vendor.load_seed) explains."""

from pathlib import Path

from crowdmock.core.fixtures import read_fixture
from crowdmock.core.passwords import seeded_password
from crowdmock.core.store import SeedRows


def campaign_row(data: dict) -> dict:
    """A campaign as the API shows it -> a node row; the filters' columns are derived from it."""
    dates = (data.get("mobile_app") or {}).get("dates") or {}
    causes, action_types = data.get("causes") or {}, data.get("action_types") or {}
    terms = [causes.get("primary"), *(causes.get("secondary") or []), action_types.get("primary")]
    terms += [*(action_types.get("secondary") or []), data.get("issue"), *(data.get("tags") or [])]
    runs = (data.get("campaign_runs") or {}).get("current") or {}
    return {
        "nid": int(data["id"]),
        "type": data.get("type", "campaign"),
        "title": data["title"],
        "status": data["status"],
        "staff_pick": bool(data.get("staff_pick")),
        "mobile_app_start": (dates.get("start") or "")[:10] or None,
        "mobile_app_end": (dates.get("end") or "")[:10] or None,
        "term_ids": sorted({int(t["id"]) for t in terms if t}),
        "current_run": (runs.get("en") or {}).get("id"),
        "data": data,
    }


def load(folder: Path) -> SeedRows:
    from crowdmock.vendors.dosomething import models as m

    users = [
        {**{k: v for k, v in u.items() if k != "password"}, "password_hash": seeded_password(u.get("password"))}
        for u in read_fixture(folder, "users")
    ]
    nodes = [campaign_row(c) for c in read_fixture(folder, "campaigns")] + read_fixture(folder, "nodes")
    variables = [{"name": v["name"], "value": {"value": v["value"]}} for v in read_fixture(folder, "variables")]
    return [
        (m.User, users),
        (m.Node, nodes),
        (m.Signup, read_fixture(folder, "signups")),
        (m.Reportback, read_fixture(folder, "reportbacks")),
        (m.ReportbackFile, read_fixture(folder, "reportback_items")),
        (m.Kudos, read_fixture(folder, "kudos")),
        (m.Term, read_fixture(folder, "terms")),
        (m.Variable, variables),
    ]
