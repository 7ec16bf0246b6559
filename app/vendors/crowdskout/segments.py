"""Segment scans (a CQL subset), traits counts and the non-match check over stored profiles."""

import re
from collections import Counter

from sqlmodel import Session, select

from crowdmock.core import clock
from crowdmock.vendors.crowdskout.collections import COLLECTIONS
from crowdmock.vendors.crowdskout.models import Profile, Scroll

SCROLL_PAGE = 100
SCROLL_TTL = 3600  # docs/vendors/crowdskout.md §1.1: a scroll expires 60 minutes after its last use
CLAUSE = re.compile(r'^\(?\s*(\w+)\s*(=|!=)\s*"([^"]*)"\s*\)?$')


class BadQuery(Exception):
    pass


def _collection_for_exists(name: str) -> str | None:
    """`NameExists` -> Names, `EmailAddressExists` -> EmailAddresses, `PhysicalAddressExists` -> ..."""
    stem = name.removesuffix("Exists")
    for candidate in (stem + "s", stem + "es", stem[:-1] + "ies", stem):
        if candidate in COLLECTIONS:
            return candidate
    return None


def _field_values(profile: Profile, field: str) -> list[str]:
    values = []
    for collection, items in (profile.collections or {}).items():
        if field not in COLLECTIONS.get(collection, COLLECTIONS["Names"]).fields:
            continue
        for item in items:
            value = item.get(field)
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, dict):
                    values += [str(v.get("value", "")).lower(), str(v.get("id", "")).lower()]
                elif v is not None:
                    values.append(str(v).lower())
    return values


def _clause(text: str):
    match = CLAUSE.match(text.strip())
    if not match:
        raise BadQuery(text)
    name, op, wanted = match.groups()
    exists = _collection_for_exists(name) if name.endswith("Exists") else None
    if exists:
        want = wanted.lower() in ("yes", "true", "1")
        return lambda p: bool((p.collections or {}).get(exists)) == (want if op == "=" else not want)
    if not any(name in c.fields for c in COLLECTIONS.values()):
        raise BadQuery(name)
    return lambda p: (wanted.lower() in _field_values(p, name)) == (op == "=")


def compile_query(query: str):
    """`A = "x" AND (B = "y" OR C = "z")`-style queries without nesting beyond one level of OR."""
    if not query or not query.strip():
        return lambda p: True
    ands = [part for part in re.split(r"\s+AND\s+", query.strip(), flags=re.I)]
    groups = [[_clause(c) for c in re.split(r"\s+OR\s+", a.strip().strip("()"), flags=re.I)] for a in ands]
    return lambda p: all(any(test(p) for test in group) for group in groups)


def matching_ids(session: Session, query: str) -> list[int]:
    test = compile_query(query)
    return [p.id for p in session.exec(select(Profile).order_by(Profile.id)).all() if test(p)]


def scan(session: Session, query: str, token: str | None) -> dict:
    now = clock.time()
    if token:
        scroll = session.get(Scroll, token)
        if scroll is None or now - scroll.last_used > SCROLL_TTL:
            return {"scrollId": token, "profileIds": [], "total": 0}
        query = scroll.query
    else:
        scroll = Scroll(id=clock.token_hex(16), query=query)
    ids = matching_ids(session, query)
    page = ids[scroll.offset : scroll.offset + SCROLL_PAGE]
    scroll.offset += len(page)
    scroll.last_used = now
    session.add(scroll)
    session.commit()
    return {"scrollId": scroll.id, "profileIds": page, "total": len(ids)}


def traits(session: Session, body: dict) -> dict:
    ids = matching_ids(session, body.get("query") or "")
    if isinstance(body.get("profiles"), list):
        ids = [i for i in ids if i in body["profiles"]]
    profiles = [session.get(Profile, i) for i in ids]
    data = {}
    for spec in body.get("traits") or []:
        name = spec.get("trait") if isinstance(spec, dict) else None
        if not isinstance(name, str):
            raise BadQuery("trait")
        counts: Counter = Counter()
        total = 0
        for profile in profiles:
            values = _field_values(profile, name) if not name.endswith("Exists") else []
            if name.endswith("Exists"):
                collection = _collection_for_exists(name)
                values = ["yes" if collection and (profile.collections or {}).get(collection) else "no"]
            if values:
                total += 1
                counts.update(set(values))
        wanted = spec.get("value")
        if wanted is not None:
            total = counts.get(str(wanted).lower(), 0)
        data[name] = {"total": total, "options": dict(sorted(counts.items()))}
    return {"total": len(profiles), "data": data}


COMPARED = {
    "Names": ("FirstName", "LastName"),
    "EmailAddresses": ("Email",),
    "Genders": ("Gender",),
    "Ages": ("DateOfBirth",),
}


def differs(profile: Profile, given: dict) -> bool:
    """True when the given person is definitely not this profile: a compared field shares no value."""
    stored = profile.collections or {}
    for collection, fields in COMPARED.items():
        theirs = given.get(collection)
        if not isinstance(theirs, list) or not stored.get(collection):
            continue
        for field in fields:
            ours = set().union(*(_tokens(i.get(field)) for i in stored[collection]))
            new = set().union(*(_tokens(i.get(field)) for i in theirs if isinstance(i, dict)))
            if ours and new and not ours & new:
                return True
    return False


def _tokens(value) -> set[str]:
    """Comparable forms of a value: a static object matches by its id or its value."""
    if isinstance(value, dict):
        return {str(v).strip().lower() for k, v in value.items() if k in ("id", "value") and v is not None}
    return {str(value).strip().lower()} if value is not None else set()
