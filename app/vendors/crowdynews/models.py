"""SQLModel tables of the Crowdynews emulator: OAuth clients and tokens, Control API resources (one table,
documents as Mongo stored them) and Content API items."""

import math

from sqlalchemy import JSON, Column, Index, column
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field

from crowdmock.core.db import TableModel, json_field
from crowdmock.core.dialect import JsonField


def js_numbers(value):
    """A JSON value with its numbers as JavaScript holds and writes them (docs/vendors/crowdynews.md §2.7): a whole
    number is an integer (`30`, never `30.0`), an integer beyond a double's precision a double, Infinity null."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**63 else value
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return js_numbers(float(value))
    if isinstance(value, dict):
        return {k: js_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [js_numbers(v) for v in value]
    return value


class JsDocument(TypeDecorator):
    """A JSON column whose numbers are stored as JavaScript writes them, whatever wrote the row (fixtures, snapshots,
    requests): once per write, so reading and answering need no second pass."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return js_numbers(value)


def js_document():
    return Field(default=None, sa_column=Column(JsDocument))


class Client(TableModel, table=True):
    __tablename__ = "crowdynews_client"
    id: str = Field(primary_key=True)
    secret: str
    name: str  # the consumer named in createdBy / lastModifiedBy
    customer_id: str
    redirect_uris: list | None = json_field()


class Token(TableModel, table=True):
    __tablename__ = "crowdynews_token"
    token: str = Field(primary_key=True)
    kind: str = "access"  # access or refresh
    client_id: str = Field(index=True)
    expires_at: float = 0
    revoked: bool = False


# Fields that documents of a kind must not share (resources.Kind.unique), looked up on every write through an
# index of the same expression (deps.check_unique). Each index ends with the lookup's scope (a contract's documents;
# a customer's contracts), so that the lookup matches all of one index: without statistics, SQLite's choice among
# indexes matching part of it varied from one store to the next, at times one that reads every document of the
# contract or of the customer.
UNIQUE_FIELDS = ("name", "slug")


class Resource(TableModel, table=True):
    """A Control API document (contract, input, set, list, chain, collection, customization, publication)."""

    __tablename__ = "crowdynews_resource"
    __table_args__ = (
        *(
            Index(f"ix_crowdynews_resource_{f}", "kind", JsonField(column("doc"), f), "contract_id")
            for f in UNIQUE_FIELDS
        ),
        Index("ix_crowdynews_resource_slug_customer", "kind", JsonField(column("doc"), "slug"), "customer_id"),
        # A list reads one contract's documents of one kind, not every contract's of the kind. The customer leads, so
        # the unique lookups above match none of it.
        Index("ix_crowdynews_resource_list", "customer_id", "contract_id", "kind"),
    )
    id: str = Field(primary_key=True)  # the 24-hex `_id`
    kind: str = Field(index=True)
    customer_id: str = Field(index=True)
    contract_id: str | None = Field(default=None, index=True)
    last_modified: float = 0
    doc: dict | None = js_document()  # the whole document, `_id` and audit fields included, in its key order


class ContentItem(TableModel, table=True):
    __tablename__ = "crowdynews_content"
    # A contract's newest items first, without sorting them all: the Content API's default order (date, then pk,
    # which SQLite keeps in every index).
    __table_args__ = (Index("ix_crowdynews_content_contract_date", "contract_id", "date"),)
    pk: int | None = Field(default=None, primary_key=True)
    id: str = Field(index=True)  # the service's item id
    contract_id: str
    collection_slug: str = Field(index=True)
    service: str
    type: str
    language: str | None = None
    state: str = "published"  # queue moderation: published or unpublished
    date: float = 0
    # Seconds before seeding for fixture items (their dates follow the seeding time, see seed.after_seed).
    age: float | None = None
    kudos_score: float = 0
    latitude: float | None = None
    longitude: float | None = None
    doc: dict | None = js_document()  # the item as the API shows it, without `date` and `state`
