"""Signups, reportbacks and their review: what the campaign actions and reportback_files/review change."""

import base64
import binascii
import mimetypes
import re
from pathlib import PurePosixPath

from sqlmodel import Session as DbSession
from sqlmodel import select

from crowdmock.core import clock
from crowdmock.vendors.dosomething.auth import Caller
from crowdmock.vendors.dosomething.deps import get, whole
from crowdmock.vendors.dosomething.errors import ServicesError
from crowdmock.vendors.dosomething.models import Node, Reportback, ReportbackFile, Signup, StoredFile, User

REVIEW_STATUSES = ("approved", "promoted", "excluded", "flagged")
FILES_URL = "/sites/default/files/"
STYLE_PREFIX = FILES_URL + "styles/480x480/public/"
_URL = re.compile(r"^https?://[^\s/]+\S*$")


def acting_uid(db: DbSession, caller: Caller, values: dict) -> int | None:
    """`uid` of the body, else the session's user; None when it names no user."""
    given = values.get("uid")
    if given is None or given == "":
        return caller.user.uid
    uid = whole(given)
    return uid if uid is not None and db.get(User, uid) is not None else None


def create_signup(db: DbSession, node: Node, caller: Caller, values: dict) -> int | None:
    """dosomething_signup_create: the new sid, or None when the user is unknown or already signed up."""
    uid = acting_uid(db, caller, values)
    if uid is None:
        return None
    run = node.current_run or "0"
    taken = select(Signup).where(Signup.nid == node.nid, Signup.uid == uid, Signup.run_nid == run)
    if db.exec(taken).first() is not None:
        return None
    source = values.get("source")
    row = Signup(nid=node.nid, uid=uid, run_nid=run, created=int(clock.time()), source=str(source) if source else None)
    db.add(row)
    db.commit()
    return row.sid


def _file_name(db: DbSession, nid: int, filename: str) -> str:
    """A safe, unused path for an upload (Drupal's FILE_EXISTS_RENAME appends _0, _1, ...)."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", PurePosixPath(filename.replace("\\", "/")).name).lstrip(".")
    name = name or "reportback.jpg"
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    candidate, n = f"reportbacks/{nid}/{name}", 0
    while db.get(StoredFile, candidate) is not None:
        candidate = f"reportbacks/{nid}/{stem}_{n}{'.' + ext if ext else ''}"
        n += 1
    return candidate


def _decode(data) -> bytes:
    if not isinstance(data, str):
        raise ServicesError(500, "Could not write file to destination")
    payload = data.split(",", 1)[1] if data.startswith("data:") else data
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ServicesError(500, "Could not write file to destination") from None


def save_reportback(db: DbSession, node: Node, caller: Caller, values: dict) -> int | None:
    """dosomething_reportback_save: create or update the user's reportback for the campaign, adding the
    photo (`file` + `filename` in base64, or `file_url`) as a new pending item. Returns the rbid or None."""
    uid = acting_uid(db, caller, values)
    if uid is None:
        return None
    existing = db.exec(select(Reportback).where(Reportback.nid == node.nid, Reportback.uid == uid)).first()
    stored, media = None, None
    if values.get("file") and values.get("filename"):
        content = _decode(values["file"])
        path = _file_name(db, node.nid, str(values["filename"]))
        stored = StoredFile(
            path=path, mime=mimetypes.guess_type(path)[0] or "application/octet-stream", content=content
        )
        media = STYLE_PREFIX + path
    elif values.get("file_url"):
        if not isinstance(values["file_url"], str) or not _URL.match(values["file_url"]):
            raise ServicesError(500, "Reportback file_url not found.")
        media = values["file_url"]
    quantity = whole(values.get("quantity"))
    why = values.get("why_participated")
    if existing is None and (media is None or quantity is None or not isinstance(why, str) or not why):
        return None
    now = int(clock.time())
    if db.exec(select(Signup).where(Signup.nid == node.nid, Signup.uid == uid)).first() is None:
        db.add(Signup(nid=node.nid, uid=uid, run_nid=node.current_run or "0", created=now, source=values.get("source")))
    rb = existing or Reportback(nid=node.nid, uid=uid, created=now)
    rb.updated = now
    if quantity is not None:
        rb.quantity = quantity
    if isinstance(why, str) and why:
        rb.why_participated = why
    if values.get("num_participants") is not None:
        rb.num_participants = whole(values["num_participants"])
    db.add(rb)
    db.flush()
    if stored is not None:
        db.add(stored)
    if media is not None:
        caption = values.get("caption")
        db.add(
            ReportbackFile(
                rbid=rb.rbid,
                nid=node.nid,
                uid=uid,
                caption=caption if isinstance(caption, str) else "",
                status="pending",
                media_uri=media,
                created=now,
                source=str(values["source"]) if values.get("source") else None,
            )
        )
    db.commit()
    return rb.rbid


def file_entity(f: ReportbackFile) -> dict:
    """The reportback_file entity that a review returns."""
    return {
        "fid": str(f.fid),
        "rbid": str(f.rbid),
        "caption": f.caption,
        "status": f.status,
        "source": f.source,
        "reviewed": str(f.reviewed) if f.reviewed else None,
        "reviewer": str(f.reviewer) if f.reviewer else None,
        "flagged_reason": f.flagged_reason,
    }


def review_file(db: DbSession, fid: str, values: dict, reviewer: int) -> dict | None:
    status = values.get("status")
    if status not in REVIEW_STATUSES:
        raise ServicesError(406, f"Invalid status {status}.")
    f = get(db, ReportbackFile, fid)
    if f is None:
        return None
    f.status, f.reviewed, f.reviewer = status, int(clock.time()), reviewer
    reason = values.get("flagged_reason")
    f.flagged_reason = str(reason) if status == "flagged" and reason else None
    if status == "flagged":
        rb = db.get(Reportback, f.rbid)
        if rb is not None:
            rb.flagged, rb.flagged_reason = True, f.flagged_reason
            db.add(rb)
    entity = file_entity(f)
    if status == "flagged" and str(values.get("delete")) == "1":
        if f.media_uri.startswith(STYLE_PREFIX):
            stored = db.get(StoredFile, f.media_uri[len(STYLE_PREFIX) :])
            if stored is not None:
                db.delete(stored)
        db.delete(f)
    else:
        db.add(f)
    db.commit()
    return entity


def activity(db: DbSession, uid: int, nid: int | None) -> dict | list:
    """users/{uid}/activity: the user's signup and reportback per campaign."""
    query = select(Signup).where(Signup.uid == uid).order_by(Signup.sid)
    if nid is not None:
        query = query.where(Signup.nid == nid)
    signups = list(db.exec(query))
    rows = []
    for s in signups:
        node = db.get(Node, s.nid)
        rb = db.exec(select(Reportback).where(Reportback.nid == s.nid, Reportback.uid == uid)).first()
        info = ((node.data or {}).get("reportback_info") or {}) if node else {}
        fids = []
        if rb is not None:
            fids = [str(f) for f in db.exec(select(ReportbackFile.fid).where(ReportbackFile.rbid == rb.rbid))]
        noun, verb = info.get("noun"), info.get("verb")
        rows.append(
            {
                "sid": str(s.sid),
                "signed_up": str(s.created),
                "source": s.source,
                "rbid": str(rb.rbid) if rb else None,
                "created": str(rb.created) if rb else None,
                "updated": str(rb.updated) if rb else None,
                "quantity": str(rb.quantity) if rb else None,
                "why_participated": rb.why_participated if rb else None,
                "num_participants": str(rb.num_participants) if rb and rb.num_participants is not None else None,
                "flagged": ("1" if rb.flagged else "0") if rb else None,
                "flagged_reason": rb.flagged_reason if rb else None,
                "fids": fids,
                "node_title": node.title if node else None,
                "noun": noun,
                "verb": verb,
                "quantity_label": f"{noun} {verb}" if noun and verb else None,
            }
        )
    if nid is not None:
        return rows[-1] if rows else {}
    return rows
