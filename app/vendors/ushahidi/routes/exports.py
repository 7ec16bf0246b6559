"""/api/v3/exports/jobs: export jobs, completed at once (no queue worker)."""

from sqlmodel import select

from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.ushahidi.access import ALL, BULK, authorize
from crowdmock.vendors.ushahidi.auth import Caller, Ctx, CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import body, load_authorized, read_paging, search, time_now
from crowdmock.vendors.ushahidi.errors import validation_failed
from crowdmock.vendors.ushahidi.hxl import exists, hxl_enabled, php_bool, php_int, php_string
from crowdmock.vendors.ushahidi.models import (
    ExportJob,
    FormAttribute,
    HxlAttribute,
    HxlFormAttributeTag,
    HxlMetadata,
    HxlTag,
    Post,
)
from crowdmock.vendors.ushahidi.private import members_only
from crowdmock.vendors.ushahidi.render import envelope, w3c

# The permission that preceded BULK, still honoured (Permission::LEGACY_DATA_IMPORT).
LEGACY_BULK = "Bulk Data Import"
router = LazyRouter(prefix="/api/v3/exports/jobs", tags=["exports"], dependencies=[require_scope("posts")])


@members_only
def job_privileges(caller: Caller, job: ExportJob | None) -> list[str]:
    """ExportJobAuthorizer: everything for admins and the bulk-data or "Manage Posts" permissions, nothing for anyone
    else, owners included (docs/vendors/ushahidi.md §1.2)."""
    if any(caller.can(p) for p in (BULK, LEGACY_BULK, "Manage Posts")):
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
    """ExportJobRepository::setSearchConditions: a list only ever holds the caller's own jobs, administrators'
    included (`user` is overwritten with the caller's id; a client token's 0 filters nothing)."""
    ctx.require_token()
    authorize(ctx, job_privileges(ctx.caller, None), "search", "export_jobs", 0)
    where = []
    if ctx.caller.user_id:
        where.append(ExportJob.user_id == ctx.caller.user_id)
    if hxl_meta := php_int(ctx.request.query_params.get("hxl_meta_data_id")):
        where.append(ExportJob.hxl_meta_data_id == hxl_meta)
    if entity := ctx.request.query_params.get("entity_type"):
        where.append(ExportJob.entity_type == entity)
    paging = read_paging(ctx, "id", "asc", {"id", "created", "status"})
    rows, total = search(ctx, ExportJob, paging, *where)
    return envelope(ctx, [render_job(ctx, j) for j in rows], total, paging)


FLAGS = ("include_hxl", "send_to_browser", "send_to_hdx")
CHECKED = ("entity_type", "hxl_meta_data_id", *FLAGS)
# docs/vendors/ushahidi.md §1.17: Validator\ExportJob\Update's HXL rules (resources/lang/en/export.php).
SEND_TO_HDX = "send_to_hdx should be true when send_to_browser is false"
SEND_TO_BROWSER = "send_to_browser should be true when send_to_hdx is false"
INCLUDE_HXL = "include_hxl should be true when send_to_hdx is true"


def checked_values(data: dict) -> dict:
    """The validated keys present in the payload, cast as the ExportJob entity's definition casts them."""
    given: dict = {}
    for name in FLAGS:
        if name in data:
            given[name] = php_bool(data[name])
    if "entity_type" in data:
        raw = data["entity_type"]
        given["entity_type"] = "Array" if isinstance(raw, list | dict) else php_string(raw)
    if "hxl_meta_data_id" in data:
        given["hxl_meta_data_id"] = php_int(data["hxl_meta_data_id"])
    return given


def opposite(first, second) -> bool:
    return isinstance(first, bool) and isinstance(second, bool) and first is not second


def job_errors(ctx: Ctx, job_id: int | None, check: dict, full: dict, creating: bool) -> list[tuple[str, str]]:
    """Validator\\ExportJob\\Create and Update, in their rules' order: `check` holds the values the use case validates
    (the whole entity on create, the changed values on update), `full` the entity as it would be saved."""
    errors = []
    entity_type = check.get("entity_type")
    if entity_type and entity_type != "post":
        errors.append(("entity_type", "entity_type must be one of the available options"))
    elif not entity_type and creating:
        errors.append(("entity_type", "entity_type must not be empty"))
    meta_id = check.get("hxl_meta_data_id")
    if not exists(ctx.session, HxlMetadata, meta_id):
        errors.append(("hxl_meta_data_id", "hxl_meta_data_id must exist"))
    if hxl_enabled(ctx.session):
        if not opposite(full.get("send_to_hdx"), full.get("send_to_browser")):
            errors += [("send_to_hdx", SEND_TO_HDX), ("send_to_browser", SEND_TO_BROWSER)]
        if full.get("send_to_hdx") is True and check.get("include_hxl") is False:
            errors.append(("include_hxl", INCLUDE_HXL))
    if not errors and meta_id is not None:
        taken = select(ExportJob.id).where(ExportJob.hxl_meta_data_id == meta_id, ExportJob.id != (job_id or 0))
        if ctx.session.exec(taken).first():
            # The column is unique: the server fails on the duplicate key at the insert, after validation (a 500);
            # crowdmock says why.
            errors.append(("hxl_meta_data_id", "hxl_meta_data_id must be unique"))
    return errors


def apply_job(ctx: Ctx, job: ExportJob, data: dict, creating: bool) -> None:
    given = checked_values(data)
    stored = {name: getattr(job, name) for name in CHECKED}
    if creating:
        check = full = {name: given.get(name) for name in CHECKED}
    else:
        full = {**stored, **given}
        check = {k: v for k, v in given.items() if v != stored[k]}
    errors = job_errors(ctx, job.id, check, full, creating)
    if errors:
        raise validation_failed("export_job", errors)
    # The repository saves no hxl_heading_row on create: the export computes it (CreateJob keeps the payload's for
    # the tags it assigns).
    for name in ("fields", "filters", "header_row", *(() if creating else ("hxl_heading_row",))):
        if name in data:
            setattr(job, name, data[name])
    for name, value in given.items():
        if value is not None or name == "hxl_meta_data_id":  # the flags' columns are not nullable
            setattr(job, name, value)
    if "status" in data:
        job.status = str(data["status"])


def assign_heading_tags(ctx: Ctx, job: ExportJob, heading_row) -> None:
    """CreateJob::createHxlHeadingTags: each item with an `hxl_tag_id` becomes a form_attribute_hxl_attribute_tag row,
    validated and saved one by one after the job is saved, so an invalid item leaves the job and earlier rows."""
    items = list(heading_row.values()) if isinstance(heading_row, dict) else heading_row
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or item.get("hxl_tag_id") is None:
            continue
        row = HxlFormAttributeTag(
            form_attribute_id=php_int(item.get("form_attribute_id")),
            hxl_attribute_id=php_int(item.get("hxl_attribute_id")),
            hxl_tag_id=php_int(item["hxl_tag_id"]),
            export_job_id=job.id,
        )
        errors = []
        for name, model in (
            ("hxl_attribute_id", HxlAttribute),
            ("hxl_tag_id", HxlTag),
            ("form_attribute_id", FormAttribute),
        ):
            if not exists(ctx.session, model, getattr(row, name)):
                errors.append((name, f"{name} must exist"))
        if row.form_attribute_id is None:  # NOT NULL: the server fails on the insert
            errors.append(("form_attribute_id", "form_attribute_id must not be empty"))
        if errors:
            raise validation_failed("form_attribute_hxl_attribute_tag", errors)
        ctx.session.add(row)
        ctx.session.commit()


@router.post("")
async def create_job(ctx: CtxDep) -> dict:
    ctx.require_token()
    data = await body(ctx)
    authorize(ctx, job_privileges(ctx.caller, None), "create", "export_jobs", 0)
    job = ExportJob(user_id=ctx.caller.user_id or None, created=time_now())
    apply_job(ctx, job, data, creating=True)
    # No queue worker here: the job completes at once, with the count of posts it covers; one bound for HDX fails
    # as SendHXLUsecase does without an HDX server (docs/vendors/ushahidi.md §1.17).
    job.total_rows = len(ctx.session.exec(select(Post.id)).all())
    job.total_batches, job.updated = 1, time_now()
    job.status = "FAILED" if job.send_to_hdx else "SUCCESS"
    ctx.session.add(job)
    ctx.session.commit()
    assign_heading_tags(ctx, job, data.get("hxl_heading_row"))
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
    apply_job(ctx, job, data, creating=False)
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
