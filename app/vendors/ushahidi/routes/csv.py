"""/api/v3/csv: CSV uploads, their column mapping, and the import that turns rows into posts."""

import csv
import io

from crowdmock.core.payload import read_payload
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.ushahidi.access import BULK, admin_only, authorize
from crowdmock.vendors.ushahidi.auth import Ctx, CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import body, load_authorized, read_paging, search, time_now
from crowdmock.vendors.ushahidi.errors import validation_failed
from crowdmock.vendors.ushahidi.models import Csv, Post
from crowdmock.vendors.ushahidi.post_validation import slugify, uniqid, validate_post
from crowdmock.vendors.ushahidi.render import envelope, w3c

router = LazyRouter(prefix="/api/v3/csv", tags=["csv"], dependencies=[require_scope("csv")])


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


@router.get("")
def list_csv(ctx: CtxDep) -> dict:
    ctx.require_token()
    authorize(ctx, admin_only(ctx.caller, BULK), "search", "csv", 0)
    paging = read_paging(ctx, "id", "asc", {"id", "created"})
    rows, total = search(ctx, Csv, paging)
    return envelope(ctx, [render_csv(ctx, r) for r in rows], total, paging)


@router.post("")
async def upload_csv(ctx: CtxDep) -> dict:
    ctx.require_token()
    authorize(ctx, admin_only(ctx.caller, BULK), "create", "csv", 0)
    payload = await read_payload(ctx.request)
    upload = payload.files.get("file")
    if upload is None:
        raise validation_failed("csv", [("file", "file must be a CSV file upload")])
    raw = await upload.read()
    try:
        # Any line ending, classic Mac OS's lone CR included, as the platform's reader detects them (§1.2).
        table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        raise validation_failed("csv", [("file", "file must be a UTF-8 CSV file")]) from None
    if not table or not any(table[0]):
        raise validation_failed("csv", [("columns", "the CSV file has no header row")])
    host = ctx.request.headers.get("host", "localhost").split(":")[0]
    row = Csv(
        columns=table[0],
        rows=table[1:],
        filename=f"{host}/{uniqid()[:1]}/{upload.filename}",
        mime="text/csv",
        size=len(raw),
        created=time_now(),
    )
    ctx.session.add(row)
    ctx.session.commit()
    return render_csv(ctx, row)


@router.get("/{csv_id:int}")
def get_csv(ctx: CtxDep, csv_id: int) -> dict:
    return render_csv(ctx, load_csv(ctx, csv_id, "read"))


@router.put("/{csv_id:int}")
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


@router.delete("/{csv_id:int}")
def delete_csv(ctx: CtxDep, csv_id: int) -> dict:
    row = load_csv(ctx, csv_id, "delete")
    rendered = render_csv(ctx, row)
    ctx.session.delete(row)
    ctx.session.commit()
    return rendered


@router.post("/{csv_id:int}/import")
def import_csv(ctx: CtxDep, csv_id: int) -> dict:
    """docs/vendors/ushahidi.md §1.9: the route is POST (the seed says PUT). Rows become posts at once, no queue."""
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
        post.slug = f"{slugify(post.title or '')}-{uniqid()}"
        ctx.session.add(post)
        created += 1
    row.status, row.processed, row.errors = "SUCCESS", created, failures or None
    row.completed = row.updated = time_now()
    ctx.session.add(row)
    ctx.session.commit()
    return {"status": row.status}
