"""The request journal: list, filter, count (verification), unmatched requests, clear."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Query
from fastapi.responses import JSONResponse

from crowdmock.admin.context import Admin, AdminDep
from crowdmock.admin.errors import AdminError
from crowdmock.admin.schemas import (
    SINCE,
    Cleared,
    CountResult,
    ErrorBody,
    JournalEntry,
    JournalPage,
    RequestCount,
    vendor_query,
)
from crowdmock.core.matching import RequestMatcher
from crowdmock.core.routing import LazyRouter

router = LazyRouter(prefix="/requests", tags=["journal"])
ERRORS = {422: {"model": ErrorBody}}


def _since(text: str | None) -> float | None:
    """An ISO 8601 time (`2026-11-22T10:00:00Z`; UTC when no offset is given) or Unix seconds."""
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise AdminError(422, "invalid request", [f"since: {text!r} is not an ISO 8601 time or Unix seconds"]) from None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


@dataclass
class JournalFilters:
    """The query parameters of both listings."""

    vendor: str | None = vendor_query("Vendor name.")
    method: str | None = Query(None, description="HTTP method, any case.")
    path: str | None = Query(None, description="Path prefix, with or without the vendor prefix.")
    status: int | None = Query(None, ge=100, le=599, description="Response status.")
    since: str | None = Query(
        None, description="Only requests at or after this time (ISO 8601 or Unix seconds).", json_schema_extra=SINCE
    )
    after: int | None = Query(None, ge=0, description="Only entries with a greater id (for polling).")
    limit: int | None = Query(None, ge=1, le=100_000, description="At most this many (newest first).")

    def listing(self, admin: Admin, unmatched: bool = False) -> JSONResponse:
        admin.vendor(self.vendor)
        matcher = RequestMatcher(vendor=self.vendor, method=self.method, status=self.status)
        found = admin.journal.find(matcher, self.path, _since(self.since), self.after, unmatched, self.limit)
        return JSONResponse({"requests": [admin.shown(entry) for entry in found]})


Filters = Annotated[JournalFilters, Depends()]


@router.get("", response_model=JournalPage, responses=ERRORS)
async def list_requests(admin: AdminDep, filters: Filters) -> JSONResponse:
    """Journal entries, newest first. The journal keeps the newest CROWDMOCK_JOURNAL_SIZE requests."""
    return filters.listing(admin)


@router.get("/unmatched", response_model=JournalPage, responses=ERRORS)
async def unmatched_requests(admin: AdminDep, filters: Filters) -> JSONResponse:
    """Requests that no route of their vendor handled (unknown path, or a method the path does not have)."""
    return filters.listing(admin, unmatched=True)


@router.get("/{entry_id}", response_model=JournalEntry, responses={404: {"model": ErrorBody}})
async def get_request(admin: AdminDep, entry_id: int) -> JSONResponse:
    found = admin.journal.find(after=entry_id - 1, limit=None)
    entry = next((e for e in found if e.id == entry_id), None)
    if entry is None:
        raise AdminError(404, "no such journal entry")
    return JSONResponse(admin.shown(entry))


@router.post("/count", response_model=CountResult, responses={400: {"model": ErrorBody}, **ERRORS})
async def count_requests(admin: AdminDep, spec: RequestCount) -> JSONResponse:
    """How many journal entries match: every given field must match (see the schema)."""
    admin.vendor(spec.vendor)
    return JSONResponse({"count": len(admin.journal.find(spec.matcher()))})


@router.delete("", response_model=Cleared)
async def clear_requests(admin: AdminDep, vendor: str | None = vendor_query("Vendor name.")) -> JSONResponse:
    """Forget every journal entry (or one vendor's)."""
    admin.vendor(vendor)
    return JSONResponse({"status": "ok", "cleared": admin.journal.clear(vendor)})
