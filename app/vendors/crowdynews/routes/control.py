"""The Control API (api.crowdynews.com, with or without `/v1`): contracts, inputs, filter sets, lists and
chains, collections, customizations and publications, each with list, get, create (201), PUT, PATCH,
DELETE (204) and the bulk DELETE with `{"ids": [...]}`."""

from collections.abc import Callable
from functools import partial

from fastapi import Request, Response
from sqlalchemy import bindparam
from sqlmodel import Session as DbSession
from sqlmodel import select

from crowdmock.core.db import SessionDep, insert_row, read_columns
from crowdmock.core.dialect import json_field_is_param, json_field_params
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.crowdynews import schemas
from crowdmock.vendors.crowdynews.auth import Caller, CallerDep, require_contract
from crowdmock.vendors.crowdynews.deps import body_of, load_resource
from crowdmock.vendors.crowdynews.errors import CrowdynewsError, validation
from crowdmock.vendors.crowdynews.models import UNIQUE_FIELDS, Resource
from crowdmock.vendors.crowdynews.render import conditional, document
from crowdmock.vendors.crowdynews.resources import (
    KIND_BY_PATH,
    KINDS,
    Kind,
    check,
    clean,
    new_document,
    parse_iso,
    updated_document,
)

CACHE = "private, max-age=0, must-revalidate"


def check_refs(db: DbSession, caller: Caller, kind: Kind, doc: dict, contract_id: str | None) -> None:
    """Referenced resources must exist (400) and be of the same contract (403)."""
    for f in kind.fields:
        if not f.ref or doc.get(f.name) is None:
            continue
        values = doc[f.name] if isinstance(doc[f.name], list) else [doc[f.name]]
        for value in values:
            row = db.get(Resource, value) if isinstance(value, str) else None
            if row is None or row.kind != f.ref:
                raise validation(f.name, value, "exists", f"The {KINDS[f.ref].label} {value} does not exist.")
            if row.customer_id != caller.customer_id or contract_id and row.contract_id != contract_id:
                raise CrowdynewsError(403, f"The {KINDS[f.ref].label} {value} belongs to another contract.")
    rules = [(f"rules[{n}]", rule) for n, rule in enumerate(doc.get("rules") or [])]
    if doc.get("preCondition"):
        rules.append(("preCondition", doc["preCondition"]))
    for prop, rule in rules:
        if isinstance(rule, dict) and rule.get("listId"):
            row = db.get(Resource, rule["listId"])
            if row is None or row.kind != "lists":
                raise validation(f"{prop}.listId", rule["listId"], "exists", "The filter list does not exist.")
            if row.contract_id != contract_id:
                raise CrowdynewsError(403, "The filter list belongs to another contract.")
    for n, out in enumerate(doc.get("output") or []):
        row = db.get(Resource, out.get("collectionId"))
        if row is None or row.kind != "collections":
            raise validation(
                f"output[{n}].collectionId", out.get("collectionId"), "exists", "The collection does not exist."
            )
        if row.contract_id != contract_id:
            raise CrowdynewsError(403, "The collection belongs to another contract.")


def _unique_lookup(name: str, scoped: bool):
    """Another document of the kind with this value of `name`, in the contract (`scoped`) or the customer's.
    Compared on an index of the field (models.UNIQUE_FIELDS), not by loading or scanning every document of the kind:
    an insert stays cheap however many there are."""
    scope = Resource.contract_id if scoped else Resource.customer_id
    return select(Resource.id).where(
        Resource.kind == bindparam("kind"),
        Resource.id != bindparam("id"),
        scope == bindparam("scope"),
        json_field_is_param(Resource.doc, name, "value"),
    )


# Built once and run on the session's connection: a write's lookups cost a fraction of a statement built per request
# and run through the ORM (docs/performance.md).
UNIQUE_LOOKUPS = {(name, scoped): _unique_lookup(name, scoped) for name in UNIQUE_FIELDS for scoped in (True, False)}
RESOURCE_EXISTS = select(Resource.id).where(Resource.id == bindparam("id"))


def check_unique(db: DbSession, kind: Kind, doc: dict, customer_id: str, contract_id: str | None) -> None:
    for name in kind.unique:
        if doc.get(name) is None:
            continue
        params = {"kind": kind.name, "id": doc["_id"], "scope": contract_id if kind.scoped else customer_id}
        params.update(json_field_params("value", doc[name]))
        if read_columns(db, UNIQUE_LOOKUPS[(name, kind.scoped)], params).first():
            raise validation(name, doc[name], "unique", f"A {kind.label} with this {name} already exists.")


def save(db: DbSession, caller: Caller, kind: Kind, doc: dict, new: bool = False) -> Resource:
    """Stores the document (`new`: a create's, whose `_id` was just drawn) in one commit, once it passes the checks."""
    contract_id = doc.get("contractId") if kind.scoped else None
    if kind.scoped:
        require_contract(db, caller, contract_id)
    check(kind, doc)
    check_refs(db, caller, kind, doc, contract_id)
    check_unique(db, kind, doc, caller.customer_id, contract_id)
    fields = {"contract_id": contract_id, "doc": doc, "last_modified": parse_iso(doc["lastModified"])}
    if new and read_columns(db, RESOURCE_EXISTS, {"id": doc["_id"]}).first() is None:
        row = Resource(id=doc["_id"], kind=kind.name, customer_id=caller.customer_id, **fields)
        insert_row(db, row)  # the answer needs no identity of the row afterwards
    else:
        row = db.get(Resource, doc["_id"]) or Resource(id=doc["_id"], kind=kind.name, customer_id=caller.customer_id)
        row.contract_id, row.doc, row.last_modified = fields["contract_id"], doc, fields["last_modified"]
        db.add(row)
    db.commit()
    return row


def _given_contract(request: Request, db: DbSession, caller: Caller) -> str | None:
    """`contract_id` rides on every call of the real client; when given it must be the caller's."""
    contract_id = request.query_params.get("contract_id")
    if contract_id:
        require_contract(db, caller, contract_id)
    return contract_id


def make_routes(router: LazyRouter, kind: Kind, path: str) -> None:
    async def list_all(request: Request, db: SessionDep, caller: CallerDep) -> Response:
        contract_id = _given_contract(request, db, caller)
        query = select(Resource).where(Resource.kind == kind.name, Resource.customer_id == caller.customer_id)
        if kind.scoped:
            if not contract_id:
                raise validation("contract_id", None, "required", "contract_id is required.")
            query = query.where(Resource.contract_id == contract_id)
        rows = list(db.exec(query.order_by(Resource.id)))
        for param, field_name in kind.list_filters.items():
            wanted = request.query_params.get(param)
            if wanted:
                rows = [r for r in rows if (r.doc or {}).get(field_name) == wanted]
        newest = max((r.last_modified for r in rows), default=None)
        return conditional(request, [document(request, db, kind, r) for r in rows], newest, CACHE)

    async def get_one(ident: str, request: Request, db: SessionDep, caller: CallerDep) -> Response:
        _given_contract(request, db, caller)
        row = load_resource(db, caller, kind, ident)
        return conditional(request, document(request, db, kind, row), row.last_modified, CACHE)

    async def create(request: Request, db: SessionDep, caller: CallerDep) -> Response:
        _given_contract(request, db, caller)
        values = clean(kind, await body_of(request), partial=False)
        row = save(db, caller, kind, new_document(kind, values, caller.consumer, caller.customer_id), new=True)
        return conditional(request, document(request, db, kind, row), row.last_modified, CACHE, status=201)

    async def change(ident: str, request: Request, db: SessionDep, caller: CallerDep, replace: bool) -> Response:
        _given_contract(request, db, caller)
        row = load_resource(db, caller, kind, ident)
        values = clean(kind, await body_of(request), partial=not replace)
        if kind.scoped and values.get("contractId", row.contract_id) != row.contract_id:
            raise validation("contractId", values["contractId"], "immutable", "contractId cannot be changed.")
        row = save(db, caller, kind, updated_document(kind, row.doc, values, caller.consumer, replace))
        return conditional(request, document(request, db, kind, row), row.last_modified, CACHE)

    async def put(ident: str, request: Request, db: SessionDep, caller: CallerDep) -> Response:
        return await change(ident, request, db, caller, replace=True)

    async def patch(ident: str, request: Request, db: SessionDep, caller: CallerDep) -> Response:
        return await change(ident, request, db, caller, replace=False)

    async def put_query(request: Request, db: SessionDep, caller: CallerDep) -> Response:
        return await change(_query_id(request), request, db, caller, replace=True)

    async def patch_query(request: Request, db: SessionDep, caller: CallerDep) -> Response:
        return await change(_query_id(request), request, db, caller, replace=False)

    async def delete_one(ident: str, request: Request, db: SessionDep, caller: CallerDep) -> Response:
        _given_contract(request, db, caller)
        db.delete(load_resource(db, caller, kind, ident))
        db.commit()
        return Response(status_code=204)

    async def delete_many(request: Request, db: SessionDep, caller: CallerDep) -> Response:
        _given_contract(request, db, caller)
        body = await body_of(request)
        ids = body.get("ids")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            raise validation("ids", ids, "required", "ids must be a non-empty array of resource ids.")
        rows = [load_resource(db, caller, kind, ident) for ident in ids]
        for row in rows:
            db.delete(row)
        db.commit()
        return Response(status_code=204)

    def extra(operation: str, *query: tuple[str, bool, str]) -> Callable[[], dict]:
        """The operation's body and answer (schemas.py) and the query parameters the handler reads, made when the
        route is built (core/routing.py LazyRoute): each kind's schemas, twice over for `/v1`, are ~1.4 MB."""
        return partial(_openapi_extra, kind, operation, *query)

    by_id = ("id", True, "The resource's `_id`.")
    filters = [(param, False, f"Only resources whose `{name}` is this.") for param, name in kind.list_filters.items()]
    label = kind.label
    add = router.add_api_route
    add(path, list_all, methods=["GET"], summary=f"List {label}s", openapi_extra=extra("list", *filters))
    add(path, create, methods=["POST"], status_code=201, summary=f"Create a {label}", openapi_extra=extra("create"))
    delete_many_doc = extra("delete_many")
    add(
        path,
        delete_many,
        methods=["DELETE"],
        status_code=204,
        summary=f"Delete {label}s by ids",
        openapi_extra=delete_many_doc,
    )
    add(path, put_query, methods=["PUT"], summary=f"Replace a {label} (?id=)", openapi_extra=extra("put", by_id))
    add(path, patch_query, methods=["PATCH"], summary=f"Update a {label} (?id=)", openapi_extra=extra("patch", by_id))
    item = path + "/{ident}"
    add(item, get_one, methods=["GET"], summary=f"Get a {label}", openapi_extra=extra("get"))
    add(item, put, methods=["PUT"], summary=f"Replace a {label}", openapi_extra=extra("put"))
    add(item, patch, methods=["PATCH"], summary=f"Update a {label}", openapi_extra=extra("patch"))
    add(
        item,
        delete_one,
        methods=["DELETE"],
        status_code=204,
        summary=f"Delete a {label}",
        openapi_extra=extra("delete"),
    )


def _openapi_extra(kind: Kind, operation: str, *query: tuple[str, bool, str]) -> dict:
    doc = schemas.openapi_extra(kind, operation)
    scoped = operation == "list" and kind.scoped
    params = [("contract_id", scoped, "The contract; required to list resources that belong to one."), *query]
    doc["parameters"] = [
        {"name": n, "in": "query", "required": r, "description": d, "schema": schemas.RESOURCE_ID} for n, r, d in params
    ]
    return doc


def _query_id(request: Request) -> str:
    ident = request.query_params.get("id")
    if not ident:
        raise validation("id", None, "required", "id is required.")
    return ident


def my_contracts(request: Request, db: SessionDep, caller: CallerDep) -> Response:
    query = select(Resource).where(Resource.kind == "contracts", Resource.customer_id == caller.customer_id)
    rows = list(db.exec(query.order_by(Resource.id)))
    newest = max((r.last_modified for r in rows), default=None)
    return conditional(request, [dict(r.doc or {}) for r in rows], newest, CACHE)


def build_router(prefix: str = "") -> LazyRouter:
    """The Control API's routes under `prefix`: the app serves them at the root and again under /v1, each route
    built for its own path (so that neither is an included router to search on every request)."""
    router = LazyRouter(prefix=prefix)
    router.add_api_route(
        "/customer/contracts/me", my_contracts, methods=["GET"], summary="The contracts the token can access"
    )
    for path, kind in KIND_BY_PATH.items():
        make_routes(router, kind, "/" + path)
    return router
