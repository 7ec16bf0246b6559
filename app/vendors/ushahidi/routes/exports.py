"""/api/v3/exports/jobs: export jobs, completed at once (no queue worker)."""

from fastapi import APIRouter
from sqlmodel import select

from crowdmock.core.db import lookup_id
from crowdmock.vendors.ushahidi.access import ALL, BULK, authorize
from crowdmock.vendors.ushahidi.auth import Caller, Ctx, CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import body, copy_fields, load_authorized, read_paging, search, time_now
from crowdmock.vendors.ushahidi.errors import validation_failed
from crowdmock.vendors.ushahidi.models import ExportJob, Post
from crowdmock.vendors.ushahidi.render import envelope, w3c

router = APIRouter(prefix="/api/v3/exports/jobs", tags=["exports"], dependencies=[require_scope("posts")])


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


@router.get("")
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


@router.post("")
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


@router.get("/{job_id:int}")
def get_job(ctx: CtxDep, job_id: int) -> dict:
    return render_job(ctx, load_job(ctx, job_id, "read"))


@router.put("/{job_id:int}")
async def update_job(ctx: CtxDep, job_id: int) -> dict:
    data = await body(ctx)
    job = load_job(ctx, job_id, "update")
    apply_job(ctx, job, data)
    job.updated = time_now()
    ctx.session.add(job)
    ctx.session.commit()
    return render_job(ctx, job)


@router.delete("/{job_id:int}")
def delete_job(ctx: CtxDep, job_id: int) -> dict:
    job = load_job(ctx, job_id, "delete")
    rendered = render_job(ctx, job)
    ctx.session.delete(job)
    ctx.session.commit()
    return rendered
