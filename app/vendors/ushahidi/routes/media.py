"""/api/v3/media: uploads with their captions, and the uploaded files under the public disk's /storage
(docs/vendors/ushahidi.md §1.25)."""

import re
import struct
import unicodedata

from fastapi import Response
from sqlmodel import select

from crowdmock.core import clock
from crowdmock.core.payload import read_payload
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.ushahidi.access import ALL
from crowdmock.vendors.ushahidi.auth import Caller, Ctx, CtxDep, require_scope
from crowdmock.vendors.ushahidi.deps import body, copy_fields, load_authorized, time_now
from crowdmock.vendors.ushahidi.errors import UshahidiError, validation_failed
from crowdmock.vendors.ushahidi.models import Media
from crowdmock.vendors.ushahidi.private import members_only
from crowdmock.vendors.ushahidi.render import w3c

router = LazyRouter(prefix="/api/v3/media", tags=["media"], dependencies=[require_scope("media")])
files = LazyRouter(tags=["media"])


@members_only
def media_privileges(caller: Caller, item: Media | None) -> list[str]:
    """MediaAuthorizer: admins do everything; anyone reads, uploads and searches; owners delete (not update)."""
    if caller.is_admin:
        return list(ALL)
    allowed = {"read", "create", "search"}
    if item is not None and caller.owns(item.user_id):
        allowed.add("delete")
    return [p for p in ALL if p in allowed]


def file_url(ctx: Ctx, item: Media) -> str:
    """Storage::url on the `public` disk: APP_URL/storage/<path>, the path as stored (not encoded)."""
    return f"{ctx.base}/storage/{item.o_filename}"


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
        original_file_url=file_url(ctx, item),
        original_file_size=item.o_size,
        original_width=item.o_width,
        original_height=item.o_height,
        allowed_privileges=media_privileges(ctx.caller, item),
    )
    return out


def is_standard_text(text: str) -> bool:
    """The Media validator's caption rule `/^[\\pL\\pN\\pP ]++$/uD`: letters, numbers, punctuation and spaces."""
    return all(ch == " " or unicodedata.category(ch)[0] in "LNP" for ch in text)


def storage_path(name: str) -> str:
    """Uploader::upload: `uniqid()-<name>`, lower-cased, characters other than letters, digits, `-_.` and spaces
    dropped, under folders named by its first two characters (`a/b/abc-myfile.png`)."""
    now = clock.time()
    uniqid = f"{int(now):08x}{int(now % 1 * 1_000_000):05x}"
    filename = re.sub(r"[^\w\-\s.]+", "", f"{uniqid}-{name}").lower()
    return f"{filename[0]}/{filename[1]}/{filename}"


def content_type(data: bytes) -> str:
    """The stored file's type as the disk's finfo reads it: images by their signature, else text or bytes."""
    for signature, mime in SIGNATURES:
        if data.startswith(signature):
            return mime
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return "text/plain"


SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


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


@router.post("")
async def upload_media(ctx: CtxDep) -> dict:
    payload = await read_payload(ctx.request)
    upload = payload.files.get("file")
    if upload is None:
        raise validation_failed("media", [("file", "file must be an image upload")])
    data = await upload.read()
    errors = []
    caption = payload.data.get("caption") or None
    if caption is not None and not (isinstance(caption, str) and is_standard_text(caption)):
        errors.append(("caption", "caption does not match the required format"))
    if not 0 < len(data) <= ctx.settings.ushahidi_media_max_bytes:
        errors.append(("o_size", "The file size should be less than 1 MB"))
    if errors:
        raise validation_failed("media", errors)
    mime = content_type(data)
    width, height = image_size(data) if mime.startswith("image/") else (None, None)
    item = Media(
        user_id=ctx.caller.user_id or None,
        caption=caption,
        mime=mime,
        o_filename=storage_path(upload.filename or ""),
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


@files.get("/storage/{path:path}", include_in_schema=False)
def media_file(ctx: CtxDep, path: str) -> Response:
    item = ctx.session.exec(select(Media).where(Media.o_filename == path)).first()
    if item is None or item.content is None:
        raise UshahidiError(404)
    return Response(item.content, media_type=item.mime)
