"""/api/v3/media: image uploads with their captions, and the uploaded files themselves."""

import re
import struct

from fastapi import APIRouter, Response

from crowdmock.core.db import get_row, lookup_id
from crowdmock.core.payload import read_payload
from crowdmock.vendors.ushahidi.access import ALL
from crowdmock.vendors.ushahidi.auth import Caller, Ctx, CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import body, copy_fields, load_authorized, read_paging, search, time_now
from crowdmock.vendors.ushahidi.errors import not_found, validation_failed
from crowdmock.vendors.ushahidi.models import Media
from crowdmock.vendors.ushahidi.render import envelope, w3c

router = APIRouter(prefix="/api/v3/media", tags=["media"], dependencies=[require_scope("media")])
files = APIRouter(tags=["media"])
IMAGE_TYPES = ("image/gif", "image/jpg", "image/jpeg", "image/png")


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


@router.get("")
def list_media(ctx: CtxDep) -> dict:
    where = []
    if (user := ctx.request.query_params.get("user")) and lookup_id(user) is not None:
        where.append(Media.user_id == lookup_id(user))
    paging = read_paging(ctx, "id", "asc", {"id", "created"})
    rows, total = search(ctx, Media, paging, *where)
    return envelope(ctx, [render_media(ctx, m) for m in rows], total, paging)


@router.post("")
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


@router.get("/{media_id:int}")
def get_media(ctx: CtxDep, media_id: int) -> dict:
    return render_media(ctx, load_media(ctx, media_id, "read"))


@router.put("/{media_id:int}")
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


@router.delete("/{media_id:int}")
def delete_media(ctx: CtxDep, media_id: int) -> dict:
    ctx.require_token()
    item = load_media(ctx, media_id, "delete")
    rendered = render_media(ctx, item)
    ctx.session.delete(item)
    ctx.session.commit()
    return rendered


@files.get("/media/uploads/{media_id:int}/{filename}", include_in_schema=False)
def media_file(ctx: CtxDep, media_id: int, filename: str) -> Response:
    item = get_row(ctx.session, Media, media_id)
    if item is None or item.o_filename != filename:
        raise not_found("media", media_id)
    return Response(item.content or b"", media_type=item.mime)
