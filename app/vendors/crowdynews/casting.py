"""Mongoose's casting of request values (docs/vendors/crowdynews.md §2.7): what a String, Number, Boolean or ObjectId
path makes of a JSON value, and the CastError message for what it cannot cast. Numbers are JavaScript's doubles,
written as Node's JSON.stringify and String() write them (`30`, never `30.0`)."""

import math
import re
from decimal import Decimal

from crowdmock.vendors.crowdynews.errors import CrowdynewsError, validation
from crowdmock.vendors.crowdynews.models import js_numbers

HEX_ID = re.compile(r"^[0-9a-fA-F]{24}$")
# ECMAScript's StringToNumber: decimal literals (with exponent), 0x/0o/0b integers, Infinity; surrounding white space.
DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
RADIX = re.compile(r"0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")
JS_SPACE = " \t\n\v\f\r\u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff" + "".join(map(chr, range(0x2000, 0x200B)))
IDENTIFIER = re.compile(r"^[A-Za-z_$][\w$]*$")
TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no"}


class Uncastable(Exception):
    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind  # Mongoose's name of the type in the message: string, Number, Boolean, ObjectId, [string]


def number_text(value: float | int) -> str:
    """Number.prototype.toString: `30`, `0.5`, `1e-7`, `1e+21`."""
    if isinstance(value, int) and abs(value) < 2**53:
        return str(value)
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    sign, digits, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    text = "".join(map(str, digits))
    point = exponent + len(text)  # where the decimal point goes, counted from the first digit
    if len(text) <= point <= 21:
        out = text + "0" * (point - len(text))
    elif 0 < point <= 21:
        out = text[:point] + "." + text[point:]
    elif -6 < point <= 0:
        out = "0." + "0" * -point + text
    else:
        shown = text[0] + ("." + text[1:] if len(text) > 1 else "")
        out = f"{shown}e{'+' if point - 1 >= 0 else '-'}{abs(point - 1)}"
    return ("-" if value < 0 else "") + out


def inspect(value, depth: int = 0) -> str:
    """Node's util.inspect on one line, as a CastError quotes the value it refused."""
    if isinstance(value, str):
        quote = '"' if "'" in value and '"' not in value else "'"
        return quote + value.replace("\\", "\\\\").replace("\n", "\\n").replace(quote, "\\" + quote) + quote
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return number_text(value)
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[Array]" if depth > 1 else "[ " + ", ".join(inspect(v, depth + 1) for v in value) + " ]"
    if not value:
        return "{}"
    if depth > 1:
        return "[Object]"
    keys = (k if IDENTIFIER.match(k) else inspect(k) for k in value)
    return "{ " + ", ".join(f"{k}: {inspect(v, depth + 1)}" for k, v in zip(keys, value.values(), strict=True)) + " }"


def cast_error(path: str, value, kind: str, shown: str | None = None) -> CrowdynewsError:
    """Mongoose's CastError: `Cast to Number failed for value "abc" at path "radius"` (`shown`: the value as the
    message quotes it, when not the value itself)."""
    quoted = re.sub(r"^'|'$", '"', inspect(value if shown is None else shown))
    if not quoted.startswith('"'):
        quoted = f'"{quoted}"'
    return validation(path, value, "cast", f'Cast to {kind} failed for value {quoted} at path "{path}"')


def to_string(value) -> str:
    """castString: a number or boolean as String() writes it; an object with a string `_id` is that id."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number_text(value)
    if isinstance(value, dict) and isinstance(value.get("_id"), str) and value["_id"]:
        return value["_id"]
    raise Uncastable("string")


def _string_to_number(text: str) -> float | int:
    text = text.strip(JS_SPACE)
    if not text:
        return 0
    if DECIMAL.fullmatch(text):
        return float(text)
    radix = RADIX.fullmatch(text)
    if radix:
        return int(text, 0)
    if text.lstrip("+-") == "Infinity":
        return -math.inf if text.startswith("-") else math.inf
    raise Uncastable("Number")


def to_number(value):
    """castNumber: numeric strings and booleans become numbers, '' becomes null; JSON has no Infinity, so a number
    too large for a double is written as null (JSON.stringify's answer)."""
    if value == "" and isinstance(value, str):
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        value = _string_to_number(value)
    if not isinstance(value, int | float):
        raise Uncastable("Number")
    return js_numbers(value)


def to_boolean(value) -> bool:
    """castBoolean: true, 'true', 1, '1', 'yes' and false, 'false', 0, '0', 'no'."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1) or isinstance(value, str) and value in TRUE | FALSE:
        return value == 1 or value in TRUE
    raise Uncastable("Boolean")


def to_object_id(value) -> str:
    """castObjectId: 24 hexadecimal characters (written in lower case), or an object whose `_id` is one."""
    if isinstance(value, dict) and "_id" in value:
        value = value["_id"]
    if isinstance(value, str) and HEX_ID.match(value):
        return value.lower()
    raise Uncastable("ObjectId")


CASTERS = {"string": to_string, "number": to_number, "boolean": to_boolean, "id": to_object_id}


def cast(path: str, type_: str, value, items: str | None = None):
    """A value for a path of the kind's schema; `items` casts each element of an array (a lone value becomes a
    one-element array, as Mongoose's castNonArrays does). Mixed values (`object`, `any`) keep their JSON, with
    numbers as JavaScript writes them."""
    caster = CASTERS.get(type_)
    try:
        if caster is not None:
            return caster(value)
        if type_ == "array":
            values = value if isinstance(value, list) else [value]
            return [CASTERS[items](v) for v in values] if items else js_numbers(values)
        if type_ == "object" and not isinstance(value, dict):
            raise Uncastable("Embedded")
    except Uncastable as exc:
        if type_ == "array":
            # An element that fails fails the array, quoted whole (SchemaArray.cast).
            raise cast_error(path, value, f"[{exc.kind}]", inspect(value)) from None
        raise cast_error(path, value, exc.kind) from None
    return js_numbers(value)
