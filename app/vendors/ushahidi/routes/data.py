"""Bulk data and files: /api/v3/exports/jobs, /api/v3/csv (+ import) and /api/v3/media."""

import csv
import io
import re
import struct

from fastapi import APIRouter, Response
from sqlmodel import select

from crowdmock.core.db import get_row, lookup_id
from crowdmock.core.payload import read_payload
from crowdmock.vendors.ushahidi.access import ALL, admin_only, authorize
from crowdmock.vendors.ushahidi.auth import Caller, Ctx, CtxDep, require_scope
from crowdmock.vendors.ushahidi.crud import (
    body,
    copy_fields,
    envelope,
    load_authorized,
    read_paging,
    search,
    time_now,
)
from crowdmock.vendors.ushahidi.errors import not_found, validation_failed
from crowdmock.vendors.ushahidi.models import Csv, ExportJob, Media, Post
from crowdmock.vendors.ushahidi.posts_logic import _uniqid, slugify, validate_post
from crowdmock.vendors.ushahidi.schemas import w3c

exports = APIRouter(prefix="/api/v3/exports/jobs", tags=["exports"], dependencies=[require_scope("posts")])
csv_router = APIRouter(prefix="/api/v3/csv", tags=["csv"], dependencies=[require_scope("csv")])
media = APIRouter(prefix="/api/v3/media", tags=["media"], dependencies=[require_scope("media")])
media_files = APIRouter(tags=["media"])
BULK = "Bulk Data Import and Export"
IMAGE_TYPES = ("image/gif", "image/jpg", "image/jpeg", "image/png")


# --- export jobs -----------------------------------------------------------------------------------------


def job_privileges(caller: Caller, job: ExportJob | None) -> list[str]:
    if caller.can(BULK) or (job is not None and caller.owns(job.user_id)):
        return list(ALL)
    return []


def render_job(ctx: Ctx, job: ExportJob) -> dict:
    out: dict = {"id": job.id, "url": ctx.url("exports/jobs", job.id)}
    if job.user_id:
        out["user"] = ctx.ref("users", job.user_id)
    else:
        out["user_id"] = None
    out.update(
        entity_type=job.entity_type,
        fields=job.fields,
        filters=job.filters,
        status=job.status,
        url=job.url,
        url_expiration=job.url_expiration,
        header_row=job.header_row,
        hxl_heading_row=job.hxl_heading_row,
        include_hxl=job.include_hxl,
        send_to_browser=job.send_to_browser,
        send_to_hdx=job.send_to_hdx,
        hxl_meta_data_id=job.hxl_meta_data_id,
        total_rows=job.total_rows,
        total_batches=job.total_batches,
        created=w3c(job.created),
        updated=w3c(job.updated),
        allowed_privileges=job_privileges(ctx.caller, job),
    )
    return out


@exports.get("")
def list_jobs(ctx: CtxDep) -> dict:
    ctx.require_token()
    where = []
    user = ctx.request.query_params.get("user")
    if user == "me" or not ctx.caller.can(BULK):
        where.append(ExportJob.user_id == ctx.caller.user_id)
    elif user and lookup_id(user) is not None:
        where.append(ExportJob.user_id == lookup_id(user))
    if entity := ctx.request.query_params.get("entity_type"):
        where.append(ExportJob.entity_type == entity)
    paging = read_paging(ctx, "id", "asc", {"id", "created", "status"})
    rows, total = search(ctx, ExportJob, paging, *where)
    return envelope(ctx, [render_job(ctx, j) for j in rows], total, paging)


def apply_job(ctx: Ctx, job: ExportJob, data: dict) -> None:
    errors = []
    for name in ("fields", "filters", "header_row", "hxl_heading_row"):
        if name in data:
            setattr(job, name, data[name])
    copy_fields(data, {name: (bool, False) for name in ("include_hxl", "send_to_browser", "send_to_hdx")}, job, errors)
    if "entity_type" in data and data["entity_type"] != "post":
        errors.append(("entity_type", "entity_type must be post"))
    if "status" in data:
        job.status = str(data["status"])
    if errors:
        raise validation_failed("export_jobs", errors)


@exports.post("")
async def create_job(ctx: CtxDep) -> dict:
    ctx.require_token()
    data = await body(ctx)
    authorize(ctx, job_privileges(ctx.caller, None), "create", "export_jobs", 0)
    job = ExportJob(user_id=ctx.caller.user_id or None, created=time_now())
    apply_job(ctx, job, data)
    # No queue worker here: the job completes at once, with the count of posts it covers.
    job.total_rows = len(ctx.session.exec(select(Post.id)).all())
    job.total_batches, job.status, job.updated = 1, "SUCCESS", time_now()
    ctx.session.add(job)
    ctx.session.commit()
    return render_job(ctx, job)


def load_job(ctx: Ctx, job_id: int, action: str) -> ExportJob:
    ctx.require_token()
    return load_authorized(ctx, ExportJob, job_id, "export_jobs", action, job_privileges)


@exports.get("/{job_id:int}")
def get_job(ctx: CtxDep, job_id: int) -> dict:
    return render_job(ctx, load_job(ctx, job_id, "read"))


@exports.put("/{job_id:int}")
async def update_job(ctx: CtxDep, job_id: int) -> dict:
    data = await body(ctx)
    job = load_job(ctx, job_id, "update")
    apply_job(ctx, job, data)
    job.updated = time_now()
    ctx.session.add(job)
    ctx.session.commit()
    return render_job(ctx, job)


@exports.delete("/{job_id:int}")
def delete_job(ctx: CtxDep, job_id: int) -> dict:
    job = load_job(ctx, job_id, "delete")
    rendered = render_job(ctx, job)
    ctx.session.delete(job)
    ctx.session.commit()
    return rendered


# --- CSV import --------------------------------------------------------------------------------------------


def render_csv(ctx: Ctx, row: Csv) -> dict:
    return {
        "id": row.id,
        "url": ctx.url("csv", row.id),
        "columns": row.columns,
        "maps_to": row.maps_to,
        "fixed": row.fixed,
        "filename": row.filename,
        "mime": row.mime,
        "size": row.size,
        "created": w3c(row.created),
        "updated": w3c(row.updated),
        "completed": w3c(row.completed),
        "status": row.status,
        "errors": row.errors,
        "processed": row.processed,
        "collection_id": row.collection_id,
        "allowed_privileges": admin_only(ctx.caller, BULK),
    }


def load_csv(ctx: Ctx, csv_id: int, action: str) -> Csv:
    ctx.require_token()
    return load_authorized(ctx, Csv, csv_id, "csv", action, lambda caller, _: admin_only(caller, BULK))


@csv_router.get("")
def list_csv(ctx: CtxDep) -> dict:
    ctx.require_token()
    authorize(ctx, admin_only(ctx.caller, BULK), "search", "csv", 0)
    paging = read_paging(ctx, "id", "asc", {"id", "created"})
    rows, total = search(ctx, Csv, paging)
    return envelope(ctx, [render_csv(ctx, r) for r in rows], total, paging)


@csv_router.post("")
async def upload_csv(ctx: CtxDep) -> dict:
    ctx.require_token()
    authorize(ctx, admin_only(ctx.caller, BULK), "create", "csv", 0)
    payload = await read_payload(ctx.request)
    upload = payload.files.get("file")
    if upload is None:
        raise validation_failed("csv", [("file", "file must be a CSV file upload")])
    raw = await upload.read()
    try:
        table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    except (UnicodeDecodeError, csv.Error):
        raise validation_failed("csv", [("file", "file must be a UTF-8 CSV file")]) from None
    if not table or not any(table[0]):
        raise validation_failed("csv", [("columns", "the CSV file has no header row")])
    host = ctx.request.headers.get("host", "localhost").split(":")[0]
    row = Csv(
        columns=table[0],
        rows=table[1:],
        filename=f"{host}/{_uniqid()[:1]}/{upload.filename}",
        mime="text/csv",
        size=len(raw),
        created=time_now(),
    )
    ctx.session.add(row)
    ctx.session.commit()
    return render_csv(ctx, row)


@csv_router.get("/{csv_id:int}")
def get_csv(ctx: CtxDep, csv_id: int) -> dict:
    return render_csv(ctx, load_csv(ctx, csv_id, "read"))


@csv_router.put("/{csv_id:int}")
async def update_csv(ctx: CtxDep, csv_id: int) -> dict:
    data = await body(ctx)
    row = load_csv(ctx, csv_id, "update")
    errors = []
    if "maps_to" in data:
        maps_to = data["maps_to"]
        if maps_to is not None and (not isinstance(maps_to, list) or len(maps_to) != len(row.columns or [])):
            errors.append(("maps_to", "maps_to must list one target (or null) per column"))
        else:
            row.maps_to = maps_to
    if "fixed" in data:
        if data["fixed"] is not None and not isinstance(data["fixed"], dict):
            errors.append(("fixed", "fixed must be an object"))
        else:
            row.fixed = data["fixed"]
    if errors:
        raise validation_failed("csv", errors)
    row.updated = time_now()
    ctx.session.add(row)
    ctx.session.commit()
    return render_csv(ctx, row)


@csv_router.delete("/{csv_id:int}")
def delete_csv(ctx: CtxDep, csv_id: int) -> dict:
    row = load_csv(ctx, csv_id, "delete")
    rendered = render_csv(ctx, row)
    ctx.session.delete(row)
    ctx.session.commit()
    return rendered


@csv_router.post("/{csv_id:int}/import")
def import_csv(ctx: CtxDep, csv_id: int) -> dict:
    """research 1.9: the route is POST (the seed says PUT). Rows become posts at once, no queue."""
    row = load_csv(ctx, csv_id, "update")
    if not row.maps_to:
        raise validation_failed("csv", [("maps_to", "maps_to must be set before importing")])
    fixed = dict(row.fixed or {})
    created, failures = 0, []
    for number, record in enumerate(row.rows or [], start=1):
        data: dict = {"values": {}}
        for target, cell in zip(row.maps_to, record, strict=False):
            if not target or cell == "":
                continue
            if target in ("title", "content", "post_date", "author_email", "author_realname"):
                data[target] = cell
            else:
                data["values"].setdefault(target, []).append(cell)
        data.update({k: v for k, v in fixed.items() if k != "tags"})
        if "tags" in fixed:
            data["tags"] = fixed["tags"]
        now = time_now()
        post = Post(created=now, post_date=now, user_id=ctx.caller.user_id or None, status="draft")
        errors = validate_post(ctx, data, post)
        if errors:
            failures.append({"row": number, "errors": [text for _, text in errors]})
            continue
        post.slug = f"{slugify(post.title or '')}-{_uniqid()}"
        ctx.session.add(post)
        created += 1
    row.status, row.processed, row.errors = "SUCCESS", created, failures or None
    row.completed = row.updated = time_now()
    ctx.session.add(row)
    ctx.session.commit()
    return {"status": row.status}


# --- media ----------------------------------------------------------------------------------------------


def media_privileges(caller: Caller, item: Media | None) -> list[str]:
    if caller.is_admin or (item is not None and caller.owns(item.user_id)):
        return list(ALL)
    return ["read", "create", "search"]


def render_media(ctx: Ctx, item: Media) -> dict:
    out: dict = {"id": item.id, "url": ctx.url("media", item.id)}
    if item.user_id:
        out["user"] = ctx.ref("users", item.user_id)
    else:
        out["user_id"] = None
    out.update(
        caption=item.caption,
        created=w3c(item.created),
        updated=w3c(item.updated),
        mime=item.mime,
        original_file_url=f"{ctx.base}/media/uploads/{item.id}/{item.o_filename}",
        original_file_size=item.o_size,
        original_width=item.o_width,
        original_height=item.o_height,
        allowed_privileges=media_privileges(ctx.caller, item),
    )
    return out


def image_size(data: bytes) -> tuple[int | None, int | None]:
    """Width and height of a PNG, GIF or JPEG, read from its header."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                break
            marker, length = data[i + 1], struct.unpack(">H", data[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            i += 2 + length
    return None, None


@media.get("")
def list_media(ctx: CtxDep) -> dict:
    where = []
    if (user := ctx.request.query_params.get("user")) and lookup_id(user) is not None:
        where.append(Media.user_id == lookup_id(user))
    paging = read_paging(ctx, "id", "asc", {"id", "created"})
    rows, total = search(ctx, Media, paging, *where)
    return envelope(ctx, [render_media(ctx, m) for m in rows], total, paging)


@media.post("")
async def upload_media(ctx: CtxDep) -> dict:
    payload = await read_payload(ctx.request)
    upload = payload.files.get("file")
    if upload is None:
        raise validation_failed("media", [("file", "file must be an image upload")])
    data = await upload.read()
    mime = (upload.content_type or "").lower()
    errors = []
    if len(data) > ctx.settings.ushahidi_media_max_bytes:
        errors.append(("o_size", "The file size should be less than 1 MB"))
    if mime not in IMAGE_TYPES:
        errors.append(("mime", "The file type should be one of: gif, jpg, jpeg, png"))
    caption = payload.data.get("caption")
    if errors:
        raise validation_failed("media", errors)
    width, height = image_size(data)
    filename = re.sub(r"[^A-Za-z0-9._-]+", "-", upload.filename or "upload") or "upload"
    item = Media(
        user_id=ctx.caller.user_id or None,
        caption=caption,
        mime=mime,
        o_filename=filename,
        o_size=len(data),
        o_width=width,
        o_height=height,
        content=data,
        created=time_now(),
    )
    ctx.session.add(item)
    ctx.session.commit()
    return render_media(ctx, item)


def load_media(ctx: Ctx, media_id: int, action: str) -> Media:
    return load_authorized(ctx, Media, media_id, "media", action, media_privileges)


@media.get("/{media_id:int}")
def get_media(ctx: CtxDep, media_id: int) -> dict:
    return render_media(ctx, load_media(ctx, media_id, "read"))


@media.put("/{media_id:int}")
async def update_media(ctx: CtxDep, media_id: int) -> dict:
    ctx.require_token()
    data = await body(ctx)
    item = load_media(ctx, media_id, "update")
    errors: list = []
    copy_fields(data, {"caption": (str, True)}, item, errors)
    if errors:
        raise validation_failed("media", errors)
    item.updated = time_now()
    ctx.session.add(item)
    ctx.session.commit()
    return render_media(ctx, item)


@media.delete("/{media_id:int}")
def delete_media(ctx: CtxDep, media_id: int) -> dict:
    ctx.require_token()
    item = load_media(ctx, media_id, "delete")
    rendered = render_media(ctx, item)
    ctx.session.delete(item)
    ctx.session.commit()
    return rendered


@media_files.get("/media/uploads/{media_id:int}/{filename}", include_in_schema=False)
def media_file(ctx: CtxDep, media_id: int, filename: str) -> Response:
    item = get_row(ctx.session, Media, media_id)
    if item is None or item.o_filename != filename:
        raise not_found("media", media_id)
    return Response(item.content or b"", media_type=item.mime)
