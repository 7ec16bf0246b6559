"""What a caller without "Manage Posts" may see of a post: the v3 PostRepository::getEntity and PostPermissions
scrub author, time, location and private or hidden-stage values before formatting (docs/vendors/ushahidi.md §1.29)."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Row, bindparam
from sqlmodel import select

from crowdmock.core.db import MAX_INTEGER, read_columns
from crowdmock.vendors.ushahidi.auth import Ctx
from crowdmock.vendors.ushahidi.models import ConfigGroup, Form, FormAttribute, FormStage, Post
from crowdmock.vendors.ushahidi.render import parse_time

DEFAULT_PRECISION = 2  # the map config's location_precision as shipped
MAX_KEYS = 500  # more distinct value keys on a page than this: read every field rather than a long IN list
VALUE_TYPES = (
    "datetime",
    "decimal",
    "geometry",
    "int",
    "point",
    "relation",
    "text",
    "description",
    "varchar",
    "markdown",
    "title",
    "media",
    "tags",
)


# Surveys as records of their columns, by id: prebuilt, one id (the usual) and several.
SURVEYS = Form.__table__  # type: ignore[attr-defined]
SURVEY = select(*SURVEYS.c).where(SURVEYS.c.id == bindparam("id"))
SURVEYS_BY_ID = select(*SURVEYS.c).where(SURVEYS.c.id.in_(bindparam("ids", expanding=True)))


def surveys(ctx: Ctx, ids: set[int]) -> dict[int, Row]:
    """The surveys (forms) of these ids that exist, as read-only records with a Form's attributes, each read once per
    request. A post's privileges, approval rule and view read its survey; reading it as columns rather than a Form
    through the ORM saves ~60 µs a post (docs/performance.md). Post routes never change a survey, and a form's own
    routes load Forms."""
    known: dict[int, Row | None] = ctx.session.info.setdefault("ushahidi_surveys", {})
    missing = [i for i in ids if i not in known]
    if missing:
        wanted = [i for i in missing if -MAX_INTEGER - 1 <= i <= MAX_INTEGER]  # beyond: no such row, as get_row
        if len(wanted) == 1:
            found = read_columns(ctx.session, SURVEY, {"id": wanted[0]}).all()
        else:
            found = read_columns(ctx.session, SURVEYS_BY_ID, {"ids": wanted}).all() if wanted else []
        known.update({row.id: row for row in found})
        for i in missing:
            known.setdefault(i, None)
    return {i: row for i in ids if (row := known[i]) is not None}


def survey(ctx: Ctx, form_id: int | None) -> Row | None:
    """A post's survey (see `surveys`); None for a post without one, or an id no survey has."""
    return surveys(ctx, {form_id}).get(form_id) if form_id is not None else None


@dataclass
class Restrictions:
    """Everything needed to scrub a page of posts for one caller, loaded once per page."""

    manager: bool
    forms: dict[int, Form | Row]  # surveys as records (`surveys`) or rows
    # attribute key -> (response_private, form_stage_id, type)
    attributes: dict[str, tuple[bool, int | None, str]] = field(default_factory=dict)
    stages: dict[int, FormStage] = field(default_factory=dict)
    precision: int = DEFAULT_PRECISION

    @classmethod
    def load(cls, ctx: Ctx, forms: dict[int, Form | Row], posts: list[Post]) -> "Restrictions":
        manager = ctx.caller.can("Manage Posts")
        attributes = _attributes_of(ctx, {key for post in posts for key in post.values or {}})
        if manager:
            return cls(manager, forms, attributes)
        stage_rows = ctx.session.exec(select(FormStage).where(FormStage.form_id.in_(list(forms) or [0]))).all()
        config = ctx.session.get(ConfigGroup, "map")
        precision = (config.data or {}).get("location_precision", DEFAULT_PRECISION) if config else DEFAULT_PRECISION
        return cls(
            manager,
            forms,
            attributes,
            {s.id: s for s in stage_rows},
            int(precision) if isinstance(precision, int | float) else DEFAULT_PRECISION,
        )

    def _ordered(self, values: dict) -> dict:
        """Values by type in the order the v3 ValueFactory reads its tables (AppConfig's map), then as stored."""
        if len(values) < 2:
            return values
        kinds = {key: self.attributes.get(key, (False, None, ""))[2] for key in values}
        return {key: values[key] for key in sorted(values, key=lambda k: _type_rank(kinds[k]))}

    def _hidden(self, post: Post, flag: str) -> bool:
        # PostPermissions::canUserSee*: a survey's hide_* flag; posts without a survey are scrubbed for non-managers.
        form = self.forms.get(post.form_id) if post.form_id else None
        return form is None or bool(getattr(form, flag))

    def hides_author(self, ctx: Ctx, post: Post) -> bool:
        return (
            not self.manager
            and self._hidden(post, "hide_author")
            and not ctx.caller.owns(post.user_id)
            and bool(post.author_realname or post.user_id or post.author_email)
        )

    def hides_time(self, post: Post) -> bool:
        return not self.manager and self._hidden(post, "hide_time")

    def values(self, post: Post) -> dict:
        """The values this caller may see: times at midnight, points rounded where the survey hides them."""
        values = self._ordered(post.values or {})
        if self.manager or not values:
            return values
        hidden_stages = {
            s.id
            for s in self.stages.values()
            if s.form_id == post.form_id
            and (not s.show_when_published or (post.status != "published" and s.task_is_internal_only))
        }
        hide_time, hide_location = self.hides_time(post), self._hidden(post, "hide_location")
        out = {}
        for key, items in values.items():
            private, stage, kind = self.attributes.get(key, (False, None, ""))
            if private or stage in hidden_stages:
                continue
            if hide_time and kind == "datetime":
                items = [midnight_value(v) for v in items]
            elif hide_location and kind == "point":
                items = [rounded_point(v, self.precision) for v in items]
            out[key] = items
        return out


# By id, so that of two fields sharing a key the later one wins, as when every field was read in table order. Built
# once: a statement costs more to build than to run from SQLAlchemy's compiled cache.
EVERY_FIELD = select(
    FormAttribute.key, FormAttribute.response_private, FormAttribute.form_stage_id, FormAttribute.type
).order_by(FormAttribute.id)
FIELDS_NAMED = EVERY_FIELD.where(FormAttribute.key.in_(bindparam("keys", expanding=True)))


def _attributes_of(ctx: Ctx, keys: set[str]) -> dict[str, tuple[bool, int | None, str]]:
    """The fields named by the posts' value keys (only those are ever looked up); no query without values."""
    if not keys:
        return {}
    if len(keys) <= MAX_KEYS:
        rows = ctx.session.exec(FIELDS_NAMED, params={"keys": sorted(keys)}).all()
    else:
        rows = ctx.session.exec(EVERY_FIELD).all()
    return {key: (bool(private), stage, kind) for key, private, stage, kind in rows}


def _type_rank(kind: str) -> int:
    return VALUE_TYPES.index(kind) if kind in VALUE_TYPES else len(VALUE_TYPES)


def midnight(ts: int | None) -> int | None:
    return None if ts is None else ts - ts % 86400


def midnight_value(value):
    # Stored datetimes are "Y-m-d H:i:s" (§1.29); hideTime keeps the date.
    return f"{value[:10]} 00:00:00" if isinstance(value, str) and len(value) >= 10 else value


def rounded_point(value, precision: int):
    lat, lon = (value.get("lat"), value.get("lon")) if isinstance(value, dict) else (None, None)
    if isinstance(lat, int | float) and isinstance(lon, int | float):
        return {**value, "lat": round(value["lat"], precision), "lon": round(value["lon"], precision)}
    return value


def value_time(value) -> int | None:
    """A datetime value as strtotime reads the usual forms: ISO 8601, `Y-m-d H:i:s`, `Y/m/d[ H:i:s]`."""
    ts = parse_time(value)
    if ts is None and isinstance(value, str):
        for pattern in ("%Y/%m/%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M"):
            try:
                return int(datetime.strptime(value.strip(), pattern).replace(tzinfo=UTC).timestamp())
            except ValueError:
                continue
    return ts


def mysql_datetime(ts: int) -> str:
    """A datetime value as the v3 Datetime value repository stores and answers it."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S")
