"""Offset/limit paging helpers shared by the vendors' list endpoints."""

from urllib.parse import urlencode

# The largest LIMIT or OFFSET both stores take (SQLite's INTEGER, PostgreSQL's BIGINT); beyond it binding fails.
MAX_INTEGER = 2**63 - 1


def to_int(value, default: int | None = None, minimum: int | None = None) -> int | None:
    """An int from a query-string value, or default when it is missing or not a whole number; below `minimum` it is
    `minimum`, beyond 64 bits the largest 64-bit integer (a page past every row rather than a failed query)."""
    if value is None or isinstance(value, bool):
        return default
    try:
        number = int(str(value).strip())
    except ValueError:
        return default
    if minimum is not None and number < minimum:
        return minimum
    return max(-MAX_INTEGER - 1, min(number, MAX_INTEGER))


def page_url(base: str, params: dict) -> str:
    """base?key=value&... in the given order, leaving out None values."""
    query = urlencode([(k, v) for k, v in params.items() if v is not None])
    return f"{base}?{query}" if query else base
