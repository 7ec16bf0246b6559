"""Loads fixtures/ushahidi/ (the documented example payloads plus consistent extra records) into rows.

Its table models are imported inside the functions, as app/core/vendor.py (Vendor.seed) explains."""

import json
from pathlib import Path

from crowdmock.core.passwords import hash_password
from crowdmock.core.store import SeedRows
from crowdmock.vendors.ushahidi.schemas import parse_time, ref_id

# Keys of a documented payload that are computed on output, not stored.
COMPUTED = {"url", "allowed_privileges"}


def _read(folder: Path, name: str) -> list[dict]:
    return json.loads((folder / f"{name}.json").read_text("utf-8"))


def _row(model, record: dict, refs: tuple[str, ...] = (), times: tuple[str, ...] = ("created", "updated")) -> dict:
    """A documented payload -> a row of `model`: references become *_id, W3C times become unix ints."""
    row = {k: v for k, v in record.items() if k not in COMPUTED and k not in refs}
    for name in refs:
        row[f"{name}_id"] = ref_id(record, name)
    for name in times:
        if name in row:
            row[name] = parse_time(row[name])
    columns = set(model.__table__.columns.keys())
    return {k: v for k, v in row.items() if k in columns}


def load(folder: Path) -> SeedRows:
    from crowdmock.vendors.ushahidi import models as m

    posts, post_sets = [], []
    for record in _read(folder, "posts"):
        row = _row(
            m.Post,
            record,
            refs=("parent", "form", "user", "message", "contact"),
            times=("created", "updated", "post_date"),
        )
        row["values"] = record.get("values") or {}
        row["tags"] = [t["id"] if isinstance(t, dict) else t for t in record.get("tags") or []]
        posts.append(row)
        post_sets += [{"set_id": int(s), "post_id": record["id"], "created": row["created"]} for s in record["sets"]]

    sets = [_row(m.Set, r, refs=("user",)) for r in _read(folder, "collections") + _read(folder, "savedsearches")]
    users = []
    for record in _read(folder, "users"):
        row = _row(m.User, record)
        row["password_hash"] = hash_password(record["password"])
        users.append(row)

    return [
        (m.OAuthClient, _read(folder, "oauth_clients")),
        (m.Role, _read(folder, "roles")),
        (m.Permission, _read(folder, "permissions")),
        (m.User, users),
        (m.Tag, [_row(m.Tag, r) for r in _read(folder, "tags")]),
        (m.Form, [_row(m.Form, {**r, "tags": [t["id"] for t in r["tags"]]}) for r in _read(folder, "forms")]),
        (m.FormStage, [_row(m.FormStage, r) for r in _read(folder, "form_stages")]),
        (m.FormAttribute, [_row(m.FormAttribute, r) for r in _read(folder, "form_attributes")]),
        (m.FormRole, [_row(m.FormRole, r) for r in _read(folder, "form_roles")]),
        (m.Contact, [_row(m.Contact, r, refs=("user",)) for r in _read(folder, "contacts")]),
        (m.Message, [_row(m.Message, r, times=("created", "datetime")) for r in _read(folder, "messages")]),
        (m.Post, posts),
        (m.Set, sets),
        (m.PostSet, post_sets),
        (
            m.ConfigGroup,
            [
                {"id": r["id"], "position": i, "data": {k: v for k, v in r.items() if k != "id"}}
                for i, r in enumerate(_read(folder, "config"))
            ],
        ),
        (m.CountryCode, _read(folder, "country_codes")),
        (m.DataProvider, [_row(m.DataProvider, r) for r in _read(folder, "dataproviders")]),
        (m.ExportJob, [_row(m.ExportJob, r) for r in _read(folder, "export_jobs")]),
        (m.Csv, [_row(m.Csv, r, times=("created", "updated", "completed")) for r in _read(folder, "csv")]),
    ]
