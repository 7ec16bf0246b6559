"""terms (cause terms, with an inbox count for reviewers), terms/{tid}/inbox and Services' core
taxonomy_term resource."""

from collections import Counter

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy import bindparam
from sqlmodel import select

from crowdmock.core.db import SessionDep
from crowdmock.core.routing import LazyRouter
from crowdmock.vendors.dosomething.auth import CallerDep, authorize
from crowdmock.vendors.dosomething.deps import (
    DEFAULT_COUNT,
    csv,
    get,
    query_params,
    read_data,
    renderer,
    require,
    trimmed_id,
    whole,
)
from crowdmock.vendors.dosomething.errors import ServicesError
from crowdmock.vendors.dosomething.models import Node, Reportback, ReportbackFile, Term

router = LazyRouter(prefix="/api/v1")
CAUSE_VOCABULARY = "cause"
TERM_FIELDS = ("tid", "vid", "name", "description", "format", "weight")
# taxonomy_term_save()'s return values.
SAVED_NEW, SAVED_UPDATED, SAVED_DELETED = 1, 2, 3
INVALID_QUERY = "Invalid query provided, double check that the fields and parameters you defined are correct and exist."


def _campaigns_with(db, tid: int) -> list[int]:
    return [n.nid for n in db.exec(select(Node)) if tid in (n.term_ids or [])]


def _pending(db, tid: int):
    nids = _campaigns_with(db, tid)
    return select(ReportbackFile).where(ReportbackFile.status == "pending", ReportbackFile.nid.in_(nids))


def _pending_per_term(db) -> Counter:
    """Pending reportback files per term of their campaign, in two queries."""
    per_node = Counter(db.exec(select(ReportbackFile.nid).where(ReportbackFile.status == "pending")))
    counts: Counter = Counter()
    for node in db.exec(select(Node).where(Node.nid.in_(per_node))):
        for tid in node.term_ids or []:
            counts[tid] += per_node[node.nid]
    return counts


@router.get("/terms")
def list_terms(request: Request, db: SessionDep, caller: CallerDep) -> list:
    pending = _pending_per_term(db) if caller.is_admin else None
    query = select(Term).where(Term.vocabulary_machine_name == CAUSE_VOCABULARY).order_by(Term.weight, Term.name)
    out = []
    for t in db.exec(query):
        term = {
            "tid": t.tid,
            "vid": t.vid,
            "name": t.name,
            "description": t.description,
            "format": t.format,
            "weight": str(t.weight),
            "depth": 0,
            "parents": [str(t.parent)],
        }
        if pending is not None:
            term["inbox"] = pending[t.tid]
        out.append(term)
    return out


@router.get("/terms/{tid}/inbox")
def term_inbox(tid: str, request: Request, db: SessionDep, caller: CallerDep) -> list:
    authorize(request, caller, "admin")
    q = query_params(request)
    count = whole(q.get("count"), DEFAULT_COUNT, minimum=1)
    offset = whole(q.get("offset"), 0, minimum=0)
    if trimmed_id(tid) is None:
        return []
    files = list(db.exec(_pending(db, trimmed_id(tid)).order_by(ReportbackFile.fid).offset(offset).limit(count)))
    r = renderer(request, db, caller)
    r.preload(nids={f.nid for f in files})
    out = []
    for f in files:
        rb = db.get(Reportback, f.rbid)
        info = ((r.node(f.nid).data or {}).get("reportback_info") or {}) if r.node(f.nid) else {}
        out.append(
            {
                "fid": f.fid,
                "nid": f.nid,
                "quantity": rb.quantity if rb else 0,
                "rbid": f.rbid,
                "timestamp": f.created,
                "uid": f.uid,
                "caption": f.caption,
                "why_participated": rb.why_participated if rb else "",
                "quantity_label": f"{info.get('noun', '')} {info.get('verb', '')}".strip(),
                "src": r.media(f.media_uri),
            }
        )
    return out


def term_object(t: Term) -> dict:
    return {
        "tid": str(t.tid),
        "vid": str(t.vid),
        "name": t.name,
        "description": t.description,
        "format": t.format,
        "weight": str(t.weight),
        "uuid": t.uuid,
        "vocabulary_machine_name": t.vocabulary_machine_name,
        "metatags": [],
    }


@router.get("/taxonomy_term")
def index_terms(request: Request, db: SessionDep, caller: CallerDep) -> list:
    """Services' core index: `page` (0-based), `pagesize` (20), `fields`, `parameters[field]=v1,v2`."""
    q = query_params(request)
    page, size = whole(q.get("page"), 0, minimum=0), whole(q.get("pagesize"), 20, minimum=1)
    fields = [f for f in csv(q.get("fields")) if f in TERM_FIELDS] or list(TERM_FIELDS)
    query = select(Term).order_by(Term.tid)
    parameters = q.get("parameters") if isinstance(q.get("parameters"), dict) else {}
    for name, value in parameters.items():
        if name not in TERM_FIELDS:
            raise ServicesError(406, INVALID_QUERY)
        values = csv(value)
        if name in ("tid", "vid", "weight"):
            values = [n for n in map(whole, values) if n is not None]
        query = query.where(getattr(Term, name).in_(values))
    rows = db.exec(query.offset(page * size).limit(min(size, 20) if not caller.is_admin else size))
    r = renderer(request, db, caller)
    out = []
    for t in rows:
        full = term_object(t)
        item = {k: full[k] for k in fields}
        item["uri"] = r.api(f"taxonomy_term/{t.tid}")
        out.append(item)
    return out


@router.get("/taxonomy_term/{tid}")
def retrieve_term(tid: str, db: SessionDep):
    term = get(db, Term, tid)
    return JSONResponse([False]) if term is None else term_object(term)


# A vocabulary's machine name, from any of its terms; built once (a statement costs more to build than to run).
VOCABULARY_NAME = select(Term.vocabulary_machine_name).where(Term.vid == bindparam("vid")).limit(1)


def _apply(term: Term, values: dict) -> None:
    for key in ("name", "description", "format"):
        if isinstance(values.get(key), str):
            setattr(term, key, values[key])
    for key in ("weight", "parent"):
        if values.get(key) is not None and whole(values[key]) is not None:
            setattr(term, key, whole(values[key]))


@router.post("/taxonomy_term")
async def create_term(request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    data = require(await read_data(request), "term")
    authorize(request, caller, "admin")
    values = data["term"] if isinstance(data["term"], dict) else {}
    vid = whole(values.get("vid"))
    machine_name = db.exec(VOCABULARY_NAME, params={"vid": vid}).first() if vid is not None else None
    if machine_name is None or not isinstance(values.get("name"), str) or not values["name"]:
        raise ServicesError(406, "Please provide a vocabulary id and a term name.")
    term = Term(vid=vid, vocabulary_machine_name=machine_name, name=values["name"])
    _apply(term, values)
    db.add(term)
    db.commit()
    return JSONResponse([SAVED_NEW])


def _existing_term(db, tid: str) -> Term:
    term = get(db, Term, tid)
    if term is None:
        raise ServicesError(406, "Term not found.")
    return term


@router.put("/taxonomy_term/{tid}")
async def update_term(tid: str, request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    data = require(await read_data(request), "term")
    authorize(request, caller, "admin")
    term = _existing_term(db, tid)
    _apply(term, data["term"] if isinstance(data["term"], dict) else {})
    db.add(term)
    db.commit()
    return JSONResponse([SAVED_UPDATED])


@router.delete("/taxonomy_term/{tid}")
async def delete_term(tid: str, request: Request, db: SessionDep, caller: CallerDep) -> JSONResponse:
    authorize(request, caller, "admin")
    db.delete(_existing_term(db, tid))
    db.commit()
    return JSONResponse([SAVED_DELETED])
