"""Loads fixtures/dosomething/: the seed's examples at their ids (campaigns 362 and 1173, signups 42 and 243,
reportback 1982, reportback items 85071, 572, 658, 5874, 498, 499, term 123, users 38 and 1700329), the
contract's administrator, and consistent extra members, signups, reportbacks and kudos.

Its table models are imported inside the functions, as app/core/vendor.py (Vendor.seed) explains."""

import json
from pathlib import Path

from crowdmock.core.passwords import hash_password
from crowdmock.core.store import SeedRows


def _read(folder: Path, name: str) -> list[dict]:
    return json.loads((folder / f"{name}.json").read_text("utf-8"))


def campaign_row(data: dict) -> dict:
    """A campaign as the API shows it -> a node row; the filters' columns are derived from it."""
    dates = (data.get("mobile_app") or {}).get("dates") or {}
    terms = [data["causes"]["primary"], *data["causes"]["secondary"], data["action_types"]["primary"]]
    terms += [*data["action_types"]["secondary"], data["issue"], *data["tags"]]
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
        {**{k: v for k, v in u.items() if k != "password"}, "password_hash": hash_password(u["password"])}
        for u in _read(folder, "users")
    ]
    nodes = [campaign_row(c) for c in _read(folder, "campaigns")] + _read(folder, "nodes")
    variables = [{"name": v["name"], "value": {"value": v["value"]}} for v in _read(folder, "variables")]
    return [
        (m.User, users),
        (m.Node, nodes),
        (m.Signup, _read(folder, "signups")),
        (m.Reportback, _read(folder, "reportbacks")),
        (m.ReportbackFile, _read(folder, "reportback_items")),
        (m.Kudos, _read(folder, "kudos")),
        (m.Term, _read(folder, "terms")),
        (m.Variable, variables),
    ]
