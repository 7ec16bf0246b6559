"""users: find by e-mail or mobile (admin), create (anonymous in the seed era), activity and password
reset URLs (admin). users/get_member_count lives with the system routes."""

import base64
import hashlib
import hmac
import re
from datetime import date

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlmodel import func, select

from crowdmock.core import clock
from crowdmock.core.db import SessionDep
from crowdmock.core.passwords import hash_password
from crowdmock.core.routing import LazyRouter
from crowdmock.core.tenancy import tenant_of
from crowdmock.core.vendor import public_base
from crowdmock.vendors.dosomething import reportbacks as rb_logic
from crowdmock.vendors.dosomething.auth import Caller, CallerDep, authorize
from crowdmock.vendors.dosomething.deps import get, query_params, read_data, whole
from crowdmock.vendors.dosomething.errors import ServicesError
from crowdmock.vendors.dosomething.models import User

router = LazyRouter(prefix="/api/v1")
AUTHENTICATED = {"2": "authenticated user"}


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


@router.get("/users")
def find_users(request: Request, db: SessionDep, caller: CallerDep) -> list:
    parameters = query_params(request).get("parameters")
    if parameters is None:
        raise ServicesError(401, "Missing required argument parameters")
    authorize(request, caller, "admin")
    parameters = parameters if isinstance(parameters, dict) else {}
    query = select(User.uid).order_by(User.uid).limit(10)
    if isinstance(parameters.get("email"), str):
        query = query.where(func.lower(User.mail) == parameters["email"].strip().lower())
    elif isinstance(parameters.get("mobile"), str) and _digits(parameters["mobile"]):
        query = query.where(User.mobile == _digits(parameters["mobile"]))
    else:
        return []
    return [{"uid": str(uid)} for uid in db.exec(query)]


def _field(value) -> dict:
    return {"und": [{"value": value}]}


def drupal_hash() -> str:
    """A Drupal 7 password hash look-alike for the account object (the mock verifies its own hash)."""
    return "$S$D" + base64.b64encode(clock.token_bytes(39)).decode().replace("+", ".")[:51]


def _under_thirteen(birthdate: str | None) -> int:
    try:
        born = date.fromisoformat(birthdate or "")
    except ValueError:
        return 0
    today = date.today()
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return 1 if age < 13 else 0


@router.post("/users")
async def create_user(request: Request, db: SessionDep, caller: CallerDep) -> dict:
    values = await read_data(request) or {}
    authorize(request, caller)
    email = values.get("email")
    if not isinstance(email, str) or not email.strip():
        # services_error() without a code: a 500 "An error occurred (0)".
        raise ServicesError(0, "Email is required.")
    email = email.strip()
    taken = db.exec(select(User).where(func.lower(User.mail) == email.lower())).first()
    if taken is not None:
        raise ServicesError(403, f"Email {email} is registered to User uid {taken.uid}.")
    text = {k: str(v).strip() for k, v in values.items() if isinstance(v, str | int) and not isinstance(v, bool)}
    password = text.get("password") or clock.token_urlsafe(12)
    mobile = _digits(text.get("mobile", "")) or None
    now = int(clock.time())
    profile = {
        "first_name": text.get("first_name"),
        "last_name": text.get("last_name"),
        "birthdate": text.get("birthdate"),
        "mobile": mobile,
        "user_registration_source": text.get("user_registration_source"),
        "country": "US",
    }
    user = User(
        name=email,
        mail=email,
        mobile=mobile,
        password_hash=hash_password(password),
        created=now,
        roles=AUTHENTICATED,
        account={"uuid": str(clock.uuid4()), "theme": "", "signature": "", "signature_format": "plain_text"},
        profile={k: v for k, v in profile.items() if v},
    )
    db.add(user)
    db.commit()
    body: dict = {"mail": email, "name": email, "status": 1, "created": now, "pass": drupal_hash()}
    if text.get("birthdate"):
        body["field_birthdate"] = {
            "und": [{"value": text["birthdate"], "timezone": "UTC", "timezone_db": "UTC", "date_type": "datetime"}]
        }
    for key in ("first_name", "last_name"):
        if text.get(key):
            body[f"field_{key}"] = _field(text[key])
    if mobile:
        body["field_mobile"] = _field(mobile)
    if text.get("user_registration_source"):
        body["field_user_registration_source"] = _field(text["user_registration_source"])
    body.update(
        {
            "uuid": user.account["uuid"],
            "uid": str(user.uid),
            "theme": "",
            "signature": "",
            "access": 0,
            "login": 0,
            "language": "",
            "picture": 0,
            "init": "",
            "roles": AUTHENTICATED,
            "field_under_thirteen": _field(_under_thirteen(text.get("birthdate"))),
            "field_address": {
                "und": [
                    {
                        "element_key": "user|user|field_address|und|0",
                        "thoroughfare": "",
                        "premise": "",
                        "locality": "",
                        "administrative_area": "",
                        "postal_code": "",
                        "country": "US",
                    }
                ]
            },
        }
    )
    return body


def _target(db, caller: Caller, uid: str) -> User:
    """`{uid}` of the admin-only user actions: `current` or a uid."""
    user = caller.user if uid == "current" else get(db, User, uid)
    if user is None:
        raise ServicesError(403, f"Invalid uid value {uid}.")
    return user


@router.get("/users/{uid}/activity")
def user_activity(uid: str, request: Request, db: SessionDep, caller: CallerDep):
    authorize(request, caller, "admin")
    user = _target(db, caller, uid)
    nid = query_params(request).get("nid")
    return JSONResponse(rb_logic.activity(db, user.uid, whole(nid) if nid not in (None, "") else None))


@router.post("/users/{uid}/password_reset_url")
async def password_reset_url(uid: str, request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    await read_data(request)
    authorize(request, caller, "admin")
    user = _target(db, caller, uid)
    now = int(clock.time())
    secret = tenant_of(request).settings.token_secret.encode()
    digest = hmac.new(secret, f"{now}{user.login}{user.uid}{user.password_hash}".encode(), hashlib.sha256).digest()
    token = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    site = public_base(request)
    return JSONResponse([f"{site}/user/reset/{user.uid}/{now}/{token}/login"])
