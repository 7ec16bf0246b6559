"""Request and response bodies of the admin API (they make its OpenAPI document)."""

import re
from typing import Any, Literal

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from crowdmock.core.faults import FaultRule
from crowdmock.core.matching import RequestMatcher
from crowdmock.core.payload import whole_number
from crowdmock.core.tenancy import NAME, NAME_RULE
from crowdmock.vendors import VENDORS

# For the OpenAPI document (doc only: the handlers answer unknown names with the admin API's own errors).
VENDOR_NAMES = {"enum": list(VENDORS)}
REGEX = {"format": "regex"}
SINCE = {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "pattern": "^[0-9]{1,12}$"}]}


def vendor_query(description: str, many: bool = False):
    return Query(None, description=description, json_schema_extra={"items": VENDOR_NAMES} if many else VENDOR_NAMES)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="before")
    @classmethod
    def _whole_numbers(cls, data):
        """Strict, but a JSON number like `60.0` is the integer JSON Schema says it is."""
        if not isinstance(data, dict):
            return data
        ints = {name for name, f in cls.model_fields.items() if f.annotation in (int, int | None)}
        return {k: whole_number(v) if k in ints else v for k, v in data.items()}


class RouteMatch(_Strict):
    vendor: str | None = Field(None, description="Vendor name, e.g. `ushahidi`.", json_schema_extra=VENDOR_NAMES)
    method: str | None = Field(None, description="HTTP method, any case.")
    path: str | None = Field(
        None, description="Exact path, with the vendor prefix (`/ushahidi/api/v3/posts`) or without (`/api/v3/posts`)."
    )
    path_regex: str | None = Field(
        None, description="Regular expression searched in the path (either spelling).", json_schema_extra=REGEX
    )

    @field_validator("path_regex")
    @classmethod
    def _valid_regex(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from None
        return pattern


class RequestCount(RouteMatch):
    """A journal matcher: every given field must match."""

    status: int | None = Field(None, description="Response status.")
    query: dict[str, str] | None = Field(None, description="Query parameters that must be present with these values.")
    headers: dict[str, str] | None = Field(
        None, description="Request headers (any case) whose values must contain these texts."
    )
    body_contains: str | None = Field(None, description="Text the request body must contain.")

    def matcher(self) -> RequestMatcher:
        return RequestMatcher(
            vendor=self.vendor,
            method=self.method,
            path=self.path,
            path_regex=re.compile(self.path_regex) if self.path_regex else None,
            status=self.status,
            query=self.query,
            headers=self.headers,
            body_contains=self.body_contains,
        )


class CountResult(BaseModel):
    count: int


class FaultSpec(RouteMatch):
    """A fault rule: what it matches and what it does. At least one effect (`status`, `delay_ms`,
    `drop_connection` or `retry_after`) is needed."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "anyOf": [
                {"required": ["status"], "properties": {"status": {"type": "integer"}}},
                {"required": ["delay_ms"], "properties": {"delay_ms": {"minimum": 1}}},
                {"required": ["delay_max_ms"], "properties": {"delay_max_ms": {"type": "integer", "minimum": 1}}},
                {"required": ["drop_connection"], "properties": {"drop_connection": {"const": True}}},
                {"required": ["retry_after"], "properties": {"retry_after": {"type": "integer"}}},
            ]
        },
    )

    status: int | None = Field(None, ge=100, le=599, description="Answer with this status instead of the vendor.")
    body: Any = Field(
        None, description="Response body (JSON value; a string is sent as text). Default: the vendor's error shape."
    )
    headers: dict[str, str] = Field(default_factory=dict, description="Extra response headers.")
    message: str | None = Field(None, description="Message for the vendor's error body (when `body` is not given).")
    delay_ms: int = Field(0, ge=0, le=600_000, description="Delay before answering (or passing the request on).")
    delay_max_ms: int | None = Field(
        None, ge=0, le=600_000, description="With it, the delay is random between `delay_ms` and this."
    )
    drop_connection: bool = Field(False, description="Close the connection without any response.")
    retry_after: int | None = Field(
        None, ge=0, description="Seconds for a `Retry-After` header; without `status` the status is 503."
    )
    times: int | None = Field(None, ge=1, description="Fire this many times, then the rule is removed.")
    probability: float = Field(1.0, ge=0, le=1, description="Chance that a matching request is hit.")

    @model_validator(mode="after")
    def _has_effect(self) -> "FaultSpec":
        if self.retry_after is not None and self.status is None:
            self.status = 503
        if self.status is None and not self.delay_ms and not self.delay_max_ms and not self.drop_connection:
            raise ValueError("a fault needs an effect: status, delay_ms, drop_connection or retry_after")
        if self.delay_max_ms is not None and self.delay_max_ms < self.delay_ms:
            raise ValueError("delay_max_ms must not be below delay_ms")
        return self

    def rule(self) -> FaultRule:
        return FaultRule(
            matcher=RequestMatcher(
                vendor=self.vendor,
                method=self.method.upper() if self.method else None,
                path=self.path,
                path_regex=re.compile(self.path_regex) if self.path_regex else None,
            ),
            status=self.status,
            body=self.body,
            headers=self.headers,
            message=self.message,
            delay_ms=self.delay_ms,
            delay_max_ms=self.delay_max_ms,
            drop_connection=self.drop_connection,
            retry_after=self.retry_after,
            times=self.times,
            probability=self.probability,
        )


class Fault(BaseModel):
    id: int
    vendor: str | None
    method: str | None
    path: str | None
    path_regex: str | None
    status: int | None
    body: Any
    headers: dict[str, str]
    message: str | None
    delay_ms: int
    delay_max_ms: int | None
    drop_connection: bool
    retry_after: int | None
    times: int | None = Field(description="Firings left (null: unlimited).")
    probability: float
    hits: int


class FaultList(BaseModel):
    faults: list[Fault]


class TokenRequest(_Strict):
    vendor: str = Field(description="Vendor name.", json_schema_extra=VENDOR_NAMES)
    user: str | None = Field(
        None,
        description="The vendor's login identifier (e-mail, user name, uid or client id); default the contract's "
        "normal user.",
    )
    scopes: list[str] | None = Field(
        None, description="Ushahidi OAuth scopes (default all); `multipass` makes IdeaScale send a Multipass token."
    )
    ttl: int | None = Field(None, ge=1, le=315_360_000, description="Lifetime in seconds (default the vendor's).")


class TokenResult(BaseModel):
    vendor: str
    user: str
    headers: dict[str, str]
    cookies: dict[str, str]
    query: dict[str, str]
    expires_in: int | None


class JournalEntry(BaseModel):
    id: int
    time: str = Field(description="ISO 8601 UTC, milliseconds.")
    vendor: str
    method: str
    path: str = Field(description="As received, vendor prefix included.")
    query: str = Field(description="The raw query string.")
    headers: dict[str, str]
    body: str = Field(description="Request body as text, at most CROWDMOCK_JOURNAL_BODY_BYTES.")
    status: int | None = Field(description="null when a fault dropped the connection.")
    response_body: str
    duration_ms: float
    body_size: int
    response_headers: dict[str, str]
    response_size: int
    unmatched: bool = Field(description="No route of the vendor handled the request (404/405 from routing).")
    fault: int | None = Field(description="Id of the fault rule that hit this request.")
    tenant: str = Field(description="The tenant it was sent to (docs/parallel-tests.md).")


class JournalPage(BaseModel):
    requests: list[JournalEntry]


class Health(BaseModel):
    status: str
    vendors: dict[str, dict[str, Any]]


class ResetResult(BaseModel):
    status: str
    reset: list[str]
    duration_ms: float


class Cleared(BaseModel):
    status: str
    cleared: int


class SnapshotLoaded(BaseModel):
    status: str
    loaded: list[str]


VendorName = Literal[tuple(VENDORS)]


class Snapshot(BaseModel):
    """GET /snapshot's answer and POST /snapshot's body: every table's rows, per vendor."""

    format: Literal["crowdmock-snapshot"]
    version: Literal[1]
    exported_at: str | None = Field(None, description="ISO 8601; informative only.")
    vendors: dict[VendorName, dict[str, list[dict[str, Any]]]] = Field(
        description="vendor -> table -> rows", min_length=1
    )


class VendorBase(BaseModel):
    real: str
    mock: str


class VendorCredential(BaseModel):
    what: str
    value: str


class VendorInfo(BaseModel):
    name: str
    title: str
    bases: list[VendorBase]
    docs: str
    openapi: str
    hosts: list[str]
    credentials: list[VendorCredential]


class VendorList(BaseModel):
    vendors: list[VendorInfo]


class ErrorBody(BaseModel):
    error: str
    problems: list[str] = []


NAME_PATTERN = f"^{NAME.pattern}$"


class TenantSpec(BaseModel):
    """A tenant to make now (otherwise one is made on its first request)."""

    model_config = ConfigDict(extra="forbid")
    # The name's rule is checked by the tenant registry (a bad name is 400 wherever it is given), not here.
    name: str = Field(description=f"The tenant's name: {NAME_RULE}.", json_schema_extra={"pattern": NAME_PATTERN})
    fixtures: str | None = Field(
        default=None, description="A folder on the server of fixture files (<vendor>/<file>.json) to seed it from."
    )
    snapshot: Snapshot | None = Field(default=None, description="A snapshot (GET /__admin/snapshot) to load.")


class Tenant(BaseModel):
    name: str
    created: float = Field(description="Unix time it was made.")
    idle_seconds: float = Field(description="Seconds since its last request.")
    expires: float | None = Field(description="Unix time it expires if idle until then (default: never).")


class TenantList(BaseModel):
    tenants: list[Tenant]
    ttl_seconds: float
    max_tenants: int


class TenantDeleted(BaseModel):
    status: str
    deleted: str
