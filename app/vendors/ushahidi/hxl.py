"""HXL rules shared by /api/v3/hxl and the export jobs (docs/vendors/ushahidi.md §1.17): the `hxl` feature switch,
HXLAuthorizer, PHP's casts of payload values (the entities' settype) and the validators' texts."""

import math
import re
import unicodedata

from sqlmodel import Session

from crowdmock.core.db import MAX_INTEGER, get_row
from crowdmock.vendors.ushahidi.access import ALL
from crowdmock.vendors.ushahidi.auth import Caller
from crowdmock.vendors.ushahidi.models import ConfigGroup

# HXLAuthorizer: admins and holders of any of these permissions ("Bulk Data Import" is the legacy name).
HXL_PERMISSIONS = ("Manage Posts", "Bulk Data Import and Export", "Bulk Data Import", "Manage Settings")
LEADING_INT = re.compile(r"^\s*[+-]?\d+")


def hxl_enabled(session: Session) -> bool:
    """FeatureManager::isEnabled('hxl'): the `features` config group's `hxl` (`{"enabled": bool}` or a bool)."""
    group = get_row(session, ConfigGroup, "features")
    value = (group.data or {}).get("hxl") if group else None
    if isinstance(value, dict):
        return bool(value.get("enabled"))
    return bool(value)


def hxl_privileges(caller: Caller) -> list[str]:
    """HXLAuthorizer grants everything or nothing, whatever the entity."""
    return list(ALL) if any(caller.can(p) for p in HXL_PERMISSIONS) else []


def php_int(value) -> int | None:
    """settype($v, 'int'): null stays null; "12abc" is 12, "abc" 0, 1.9 is 1, true 1, a non-empty array 1."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and abs(value) <= MAX_INTEGER else 0
    if isinstance(value, int):
        return value if abs(value) <= MAX_INTEGER else 0
    if isinstance(value, str):
        match = LEADING_INT.match(value)
        number = int(match.group()) if match else 0
        return number if abs(number) <= MAX_INTEGER else 0
    return 1 if value else 0


def php_bool(value) -> bool | None:
    """settype($v, 'bool'): null stays null; "", "0", 0, 0.0 and [] are false, anything else true."""
    if value is None:
        return None
    if isinstance(value, str):
        return value not in ("", "0")
    return bool(value)


def php_string(value) -> str | None:
    """settype($v, 'string') for scalars (true "1", false ""); arrays give None (PHP warns, the server fails)."""
    if value is None or isinstance(value, list | dict):
        return None
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def is_standard_text(text: str) -> bool:
    """LegacyValidator::REGEX_STANDARD_TEXT `/^[\\pL\\pN\\pP ]++$/uD`: letters, numbers, punctuation and spaces."""
    return bool(text) and all(ch == " " or unicodedata.category(ch)[0] in "LNP" for ch in text)


def text_error(name: str, value: str | None, minimum: int) -> str | None:
    """not_empty, min_length, max_length 255 and the standard-text regex, the first that fails."""
    if not value:
        return f"{name} must not be empty"
    if len(value) < minimum:
        return f"{name} must be at least {minimum} characters long"
    if len(value) > 255:
        return f"{name} must not exceed 255 characters long"
    if not is_standard_text(value):
        return f"{name} does not match the required format"
    return None


def exists(session: Session, model, ident: int | None) -> bool:
    """Kohana skips the `exists` rule's verdict on an empty value (null); 0 is not empty and exists nowhere."""
    return ident is None or get_row(session, model, ident) is not None
