"""Loads fixtures/ushahidi/ (the documented example payloads plus consistent extra records) into rows.

Its table models are imported inside the functions, as app/core/vendor.py (Vendor.load_seed) explains."""

from pathlib import Path

from crowdmock.core.fixtures import RecordError, read_fixture
from crowdmock.core.passwords import seeded_password
from crowdmock.core.store import SeedRows
from crowdmock.vendors.ushahidi.render import parse_time, ref_id

# Keys of a documented payload that are computed on output, not stored.
COMPUTED = {"url", "allowed_privileges"}


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
    for record in read_fixture(folder, "posts"):
        row = _row(
            m.Post,
            record,
            refs=("parent", "form", "user", "message", "contact"),
            times=("created", "updated", "post_date"),
        )
        row["values"] = record.get("values") or {}
        row["tags"] = [t["id"] if isinstance(t, dict) else t for t in record.get("tags") or []]
        posts.append(row)
        post_sets += [{"set_id": s, "post_id": record["id"], "created": row["created"]} for s in _set_ids(record)]

    sets = [
        _row(m.Set, r, refs=("user",))
        for r in read_fixture(folder, "collections") + read_fixture(folder, "savedsearches")
    ]
    users = []
    for record in read_fixture(folder, "users"):
        row = _row(m.User, record)
        row["password_hash"] = seeded_password(record.get("password"))
        users.append(row)

    return [
        (m.OAuthClient, read_fixture(folder, "oauth_clients")),
        (m.Role, read_fixture(folder, "roles")),
        (m.Permission, read_fixture(folder, "permissions")),
        (m.User, users),
        (m.ResetToken, [_row(m.ResetToken, r) for r in read_fixture(folder, "reset_tokens")]),
        (m.Tag, [_row(m.Tag, r) for r in read_fixture(folder, "tags")]),
        (
            m.Form,
            [
                _row(m.Form, {**r, "tags": [t["id"] for t in r.get("tags") or []]})
                for r in read_fixture(folder, "forms")
            ],
        ),
        (m.FormStage, [_row(m.FormStage, r) for r in read_fixture(folder, "form_stages")]),
        (m.FormAttribute, [_row(m.FormAttribute, r) for r in read_fixture(folder, "form_attributes")]),
        (m.FormRole, [_row(m.FormRole, r) for r in read_fixture(folder, "form_roles")]),
        (m.Contact, [_row(m.Contact, r, refs=("user",)) for r in read_fixture(folder, "contacts")]),
        (m.Message, [_row(m.Message, r, times=("created", "datetime")) for r in read_fixture(folder, "messages")]),
        (m.Post, posts),
        (m.Set, sets),
        (m.PostSet, post_sets),
        (
            m.ConfigGroup,
            [
                {"id": r["id"], "position": i, "data": {k: v for k, v in r.items() if k != "id"}}
                for i, r in enumerate(read_fixture(folder, "config"))
            ],
        ),
        (m.CountryCode, read_fixture(folder, "country_codes")),
        (m.DataProvider, [_row(m.DataProvider, r) for r in read_fixture(folder, "dataproviders")]),
        (m.ExportJob, [_row(m.ExportJob, r) for r in read_fixture(folder, "export_jobs")]),
        (m.Csv, [_row(m.Csv, r, times=("created", "updated", "completed")) for r in read_fixture(folder, "csv")]),
        # HXL (docs/vendors/ushahidi.md §1.17): the rows the platform's migrations insert, then users' data.
        (m.HxlLicense, read_fixture(folder, "hxl_licenses")),
        (m.HxlTag, read_fixture(folder, "hxl_tags")),
        (m.HxlAttribute, read_fixture(folder, "hxl_attributes")),
        (m.HxlTagAttribute, read_fixture(folder, "hxl_tag_attributes")),
        (m.HxlAttributeTypeTag, read_fixture(folder, "hxl_attribute_type_tag")),
        (m.HxlMetadata, [_row(m.HxlMetadata, r) for r in read_fixture(folder, "hxl_meta_data")]),
        (m.HxlFormAttributeTag, read_fixture(folder, "form_attribute_hxl_attribute_tag")),
        (m.TargetedSurveyState, read_fixture(folder, "targeted_survey_state")),
        # docs/vendors/ushahidi.md §1.24-1.25: uploads' records (their files are not seeded) and v5 map layers.
        (m.Media, [_row(m.Media, r) for r in read_fixture(folder, "media")]),
        (m.Layer, [_layer_row(m, r) for r in read_fixture(folder, "layers")]),
        *_user_resources(m, folder),
    ]


def _set_ids(post: dict) -> list[int]:
    """The collections a post is in: ids, as numbers or digit strings (the platform's `sets` are either)."""
    ids = []
    for value in post.get("sets") or []:
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise RecordError("posts", post, "sets", f"expected collection ids, got {value!r}")
        ids.append(value)
    return ids


def _user_resources(m, folder: Path) -> SeedRows:
    """User settings, API keys, notifications and webhooks (docs/vendors/ushahidi.md §1.18-1.21)."""
    settings = [_row(m.UserSetting, r) for r in read_fixture(folder, "user_settings")]
    for row in settings:
        row["updated"] = row.get("updated") or 0  # the table's default: rendered as null
    return [
        (m.UserSetting, settings),
        (m.ApiKey, [_row(m.ApiKey, r) for r in read_fixture(folder, "apikeys")]),
        (m.Notification, [_row(m.Notification, r) for r in read_fixture(folder, "notifications")]),
        # A webhook's `url` is where it sends, stored, not the computed link of other resources.
        (m.Webhook, [{**_row(m.Webhook, r), "url": r["url"]} for r in read_fixture(folder, "webhooks")]),
    ]


def _layer_row(m, record: dict) -> dict:
    """A layer as the `layers` table holds it: 0/1 flags, unix times (0 when unset)."""
    row = _row(m.Layer, record)
    for flag in ("active", "visible_by_default"):
        row[flag] = int(bool(row.get(flag, True)))
    for name in ("created", "updated"):
        row[name] = row.get(name) or 0
    return row
