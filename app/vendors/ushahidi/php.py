"""PHP's casts as the platform's entities apply them to a payload before any validation (StatefulData::transform:
`settype` for `bool`/`int`, `*json` for JSON columns), and PHP's loose `==` where the platform compares ids
(docs/vendors/ushahidi.md §1.28)."""

import contextlib
import json
import re

LEADING_INT = re.compile(r"^\s*[+-]?\d+")


def php_bool(value) -> bool:
    """(bool): "" and "0" are false, every other string true; empty arrays false."""
    if isinstance(value, str):
        return value not in ("", "0")
    return bool(value)


def php_int(value) -> int:
    """(int): a string's leading digits ("12abc" is 12, "abc" 0), a float truncated, an array 0 or 1."""
    if isinstance(value, str):
        match = LEADING_INT.match(value)
        return int(match.group()) if match else 0
    if isinstance(value, float):
        return int(value) if value == value and abs(value) < 2**63 else 0
    if isinstance(value, list | dict):
        return 1 if value else 0
    return int(value or 0)


def php_json_array(value):
    """The `*json` transform: a string is decoded when it is JSON (kept otherwise), then cast to an array: a scalar
    becomes a one-element list, an empty object an empty list."""
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    if value is None:
        return []
    if isinstance(value, dict):
        return value or []
    return value if isinstance(value, list) else [value]


def php_str(value) -> str:
    """A value as PHP prints it in a message: arrays flattened and joined by ", " (Kohana), true "1", null ""."""
    if isinstance(value, list | dict):
        items = value.values() if isinstance(value, dict) else value
        return ", ".join(php_str(v) for v in items)
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    return str(value)


def loosely_equal_id(value, ident: int) -> bool:
    """PHP `$value == $id` for an integer id: numeric strings compare as numbers, true equals any non-zero id."""
    if isinstance(value, bool):
        return value == bool(ident)
    if isinstance(value, int | float):
        return value == ident
    if isinstance(value, str):
        try:
            return float(value) == ident
        except ValueError:
            return False
    return False


def cast_fields(data: dict, casts: dict) -> dict:
    """`data` with each field named in `casts` cast by its function; a null is dropped, as PHP's transform leaves it
    out of what is stored."""
    out = dict(data)
    for name, cast in casts.items():
        if name in out:
            if out[name] is None:
                del out[name]
            else:
                out[name] = cast(out[name])
    return out
