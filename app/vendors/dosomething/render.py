"""DoSomething's wire format: the response shapes of the Phoenix transformers (docs/vendors/dosomething.md §2.3; the
seed's examples): ids and unix timestamps as strings, quantities as ints, `uri` fields absolute and pointing at the
mock; the paging block of lists and the Drupal account object."""

from collections import defaultdict
from math import ceil

from sqlmodel import Session as DbSession
from sqlmodel import select

from crowdmock.vendors.dosomething.models import (
    Kudos,
    Node,
    Reportback,
    ReportbackFile,
    Session,
    Signup,
    Term,
    User,
)

PUBLIC_STATUSES = ("promoted", "approved")
DEFAULT_CAPTION = "DoSomething? Just did!"
TEASER_KEYS = (
    "id",
    "title",
    "campaign_runs",
    "language",
    "translations",
    "tagline",
    "status",
    "type",
    "reportback_info",
)
PROFILE_KEYS = ("first_name", "last_name", "photo", "country")


class Renderer:
    """Renders entities for one request; loads related rows in batches and caches them."""

    def __init__(self, db: DbSession, base: str, reviewer: bool):
        self.db, self.base, self.reviewer = db, base, reviewer
        self._nodes: dict[int, Node | None] = {}
        self._users: dict[int, User | None] = {}

    def api(self, path: str) -> str:
        return f"{self.base}/api/v1/{path}"

    def media(self, uri: str) -> str:
        # Files stored by the mock live under its own /sites/default/files/.
        return self.base + uri if uri.startswith("/") else uri

    def visible_statuses(self) -> tuple[str, ...] | None:
        """Reportback item statuses the caller may see; None = every status (reviewers)."""
        return None if self.reviewer else PUBLIC_STATUSES

    # --- loading -------------------------------------------------------------------------------------

    def node(self, nid: int) -> Node | None:
        if nid not in self._nodes:
            self._nodes[nid] = self.db.get(Node, nid)
        return self._nodes[nid]

    def user(self, uid: int) -> User | None:
        if uid not in self._users:
            self._users[uid] = self.db.get(User, uid)
        return self._users[uid]

    def preload(self, nids=(), uids=()) -> None:
        nids = {n for n in nids if n not in self._nodes}
        uids = {u for u in uids if u not in self._users}
        if nids:
            for node in self.db.exec(select(Node).where(Node.nid.in_(nids))):
                self._nodes[node.nid] = node
        if uids:
            for user in self.db.exec(select(User).where(User.uid.in_(uids))):
                self._users[user.uid] = user

    def files_of(self, rbids) -> dict[int, list[ReportbackFile]]:
        found: dict[int, list[ReportbackFile]] = defaultdict(list)
        if rbids:
            query = select(ReportbackFile).where(ReportbackFile.rbid.in_(set(rbids))).order_by(ReportbackFile.fid)
            for f in self.db.exec(query):
                found[f.rbid].append(f)
        return found

    def kudos_of(self, fids) -> dict[int, list[Kudos]]:
        found: dict[int, list[Kudos]] = defaultdict(list)
        if fids:
            for k in self.db.exec(select(Kudos).where(Kudos.fid.in_(set(fids))).order_by(Kudos.kid)):
                found[k.fid].append(k)
        return found

    def term_names(self, tids) -> dict[int, str]:
        if not tids:
            return {}
        return {t.tid: t.name for t in self.db.exec(select(Term).where(Term.tid.in_(set(tids))))}

    # --- campaigns -----------------------------------------------------------------------------------

    def campaign(self, node: Node) -> dict:
        return {**(node.data or {}), "uri": self.api(f"campaigns/{node.nid}")}

    def campaign_teaser(self, node: Node | None) -> dict | None:
        if node is None:
            return None
        data = {"id": str(node.nid), "title": node.title, "status": node.status, "type": node.type, **(node.data or {})}
        return {k: data[k] for k in TEASER_KEYS if k in data}

    def campaign_ref(self, nid: int) -> dict:
        node = self.node(nid)
        return {"id": str(nid), "title": node.title if node else None}

    # --- users ---------------------------------------------------------------------------------------

    def user_ref(self, uid: int) -> dict:
        """{"id"} plus whatever profile the user has (first_name, last_name, photo, country)."""
        profile = (self.user(uid).profile or {}) if self.user(uid) else {}
        return {"id": str(uid), **{k: profile[k] for k in PROFILE_KEYS if profile.get(k) is not None}}

    def kudos_user(self, uid: int) -> dict:
        profile = (self.user(uid).profile or {}) if self.user(uid) else {}
        return {
            "drupal_id": str(uid),
            "id": profile.get("northstar_id"),
            "first_name": profile.get("first_name"),
            "last_name": profile.get("last_name"),
            "photo": profile.get("photo"),
            "country": profile.get("country"),
        }

    # --- reportbacks and their items -----------------------------------------------------------------

    def visible(self, files: list[ReportbackFile]) -> list[ReportbackFile]:
        statuses = self.visible_statuses()
        return files if statuses is None else [f for f in files if f.status in statuses]

    def item_head(self, f: ReportbackFile) -> dict:
        """The fields every rendering of a reportback item starts with."""
        return {
            "id": str(f.fid),
            "caption": f.caption or DEFAULT_CAPTION,
            "uri": self.api(f"reportback-items/{f.fid}"),
            "media": {"uri": self.media(f.media_uri), "type": "image"},
            "created_at": str(f.created),
            "status": f.status,
        }

    def kudos_groups(self, kudos: list[Kudos]) -> list[dict]:
        names = self.term_names({k.tid for k in kudos})
        self.preload(uids={k.uid for k in kudos})
        by_term: dict[int, list[Kudos]] = defaultdict(list)
        for k in kudos:
            by_term[k.tid].append(k)
        return [
            {
                "term": {"id": str(tid), "name": names.get(tid)},
                "kudos_items": {
                    "total": len(items),
                    "data": [
                        {"id": str(k.kid), "user": self.kudos_user(k.uid), "uri": self.api(f"kudos/{k.kid}")}
                        for k in items
                    ],
                },
            }
            for tid, items in by_term.items()
        ]

    def kudos(self, k: Kudos) -> dict:
        self.preload(uids={k.uid})
        return {
            "id": str(k.kid),
            "term": {"id": str(k.tid), "name": self.term_names({k.tid}).get(k.tid)},
            "reportback_item": {"id": str(k.fid)},
            "user": self.kudos_user(k.uid),
            "uri": self.api(f"kudos/{k.kid}"),
        }

    def nested_reportback(self, rb: Reportback, files: list[ReportbackFile]) -> dict:
        """A reportback inside a signup: its visible items with their kudos; `total` counts every item."""
        shown = self.visible(files)
        kudos = self.kudos_of([f.fid for f in shown])
        return {
            "id": str(rb.rbid),
            "created_at": str(rb.created),
            "updated_at": str(rb.updated),
            "quantity": rb.quantity,
            "uri": self.api(f"reportbacks/{rb.rbid}"),
            "why_participated": rb.why_participated,
            "flagged": rb.flagged,
            "reportback_items": {
                "total": len(files),
                "data": [
                    # The signup transformer puts status second and adds the kudos.
                    {"id": str(f.fid), "status": f.status}
                    | {k: v for k, v in self.item_head(f).items() if k not in ("id", "status")}
                    | {"kudos": {"data": self.kudos_groups(kudos.get(f.fid, []))}}
                    for f in shown
                ],
            },
        }

    def reportback(self, rb: Reportback, files: list[ReportbackFile]) -> dict:
        """GET reportbacks[/{id}]: the reportback with its visible items, campaign and user."""
        return {
            **_reportback_fields(rb),
            "reportback_items": {
                "total": len(files),
                "data": [self.item_head(f) for f in self.visible(files)],
            },
            "campaign": self.campaign_ref(rb.nid),
            "user": {"id": str(rb.uid)},
        }

    def item(self, f: ReportbackFile, rb: Reportback | None) -> dict:
        """GET reportback-items[/{id}]."""
        return self.item_head(f) | {
            "reportback": None if rb is None else _reportback_fields(rb),
            "campaign": self.campaign_ref(f.nid),
            "user": self.user_ref(f.uid),
        }

    # --- signups -------------------------------------------------------------------------------------

    def signups(self, signups: list[Signup]) -> list[dict]:
        self.preload(nids={s.nid for s in signups})
        pairs = {(s.nid, s.uid) for s in signups}
        reportbacks: dict[tuple[int, int], Reportback] = {}
        if pairs:
            uids = {uid for _, uid in pairs}
            for rb in self.db.exec(select(Reportback).where(Reportback.uid.in_(uids))):
                if (rb.nid, rb.uid) in pairs:
                    reportbacks[(rb.nid, rb.uid)] = rb
        files = self.files_of([rb.rbid for rb in reportbacks.values()])
        out = []
        for s in signups:
            node = self.node(s.nid)
            rb = reportbacks.get((s.nid, s.uid))
            out.append(
                {
                    "id": str(s.sid),
                    "created_at": str(s.created),
                    "campaign_run": {"id": s.run_nid, "current": node is not None and s.run_nid == node.current_run},
                    "uri": self.api(f"signups/{s.sid}"),
                    "campaign": self.campaign_teaser(node),
                    "reportback": None if rb is None else self.nested_reportback(rb, files.get(rb.rbid, [])),
                }
            )
        return out


def paged(r: Renderer, resource: str, filters: list[tuple[str, object]], total: int, page: int, count: int) -> dict:
    """Transformer::paginate of the seed era: links repeat the internal filters, then `&page=N`."""
    total_pages = ceil(total / count)
    parts = []
    for key, value in filters:
        if isinstance(value, bool):
            value = "true" if value and key in ("random", "load_user") else ("1" if value else None)
        if value is None or value == "" or value == []:
            continue
        parts.append(f"{key}={','.join(map(str, value)) if isinstance(value, list) else value}")
    query = "&".join(parts)

    def link(number: int) -> str:
        return r.api(f"{resource}?{query}&page={number}")

    return {
        "total": total,
        "per_page": count,
        "current_page": page,
        "total_pages": total_pages,
        "prev_uri": None if page - 1 <= 0 else link(page - 1),
        "next_uri": None if page + 1 > total_pages else link(page + 1),
    }


ACCOUNT_KEYS = ("theme", "signature", "signature_format")
ACCOUNT_TAIL = ("timezone", "language", "picture", "data", "uuid")


def account(user: User, session: Session | None) -> dict:
    """The Drupal account object of a session's user, as auth/login and system/connect return it."""
    extra = user.account or {}
    out = {"uid": str(user.uid), "name": user.name, "mail": user.mail}
    out.update({k: extra.get(k, "") for k in ACCOUNT_KEYS})
    out.update({"created": str(user.created), "access": str(user.access), "login": str(user.login)})
    out["status"] = str(user.status)
    out.update({k: extra.get(k, "" if k != "data" else False) for k in ACCOUNT_TAIL})
    out.update(
        {
            "sid": session.sid if session else "",
            "ssid": "",
            "hostname": session.hostname if session else "",
            "timestamp": str(session.timestamp) if session else "",
            "cache": "0",
            "session": "",
            "roles": user.roles or {},
        }
    )
    return out


def _reportback_fields(rb: Reportback) -> dict:
    """A reportback's own fields, in the transformer's order (with its items, or inside an item)."""
    return {
        "id": str(rb.rbid),
        "created_at": str(rb.created),
        "updated_at": str(rb.updated),
        "quantity": rb.quantity,
        "why_participated": rb.why_participated,
        "flagged": rb.flagged,
    }
