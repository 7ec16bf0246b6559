"""Path paging (`.../{page}/{size}[/{orderKey}]`, 0-based) with the `pager_*` response headers, and the
order keys (research-ideascale 3.2 and the seed's list)."""

from fastapi.responses import JSONResponse
from sqlalchemy import func

from crowdmock.vendors.ideascale.errors import IdeaScaleError
from crowdmock.vendors.ideascale.models import Idea, Member

# The ten keys real clients send (research 3.2) and the seed's list; each maps to ORDER BY terms.
IDEA_ORDERS = {
    "date-down": (Idea.created.desc(),),
    "date-up": (Idea.created.asc(),),
    "votes-down": (Idea.vote_count.desc(),),
    "votes-up": (Idea.vote_count.asc(),),
    "comments-down": (Idea.comment_count.desc(),),
    "random-down": (func.random(),),
    "amount-pledged-down": (Idea.vote_count.desc(),),
    "vote.and.comments-down": ((Idea.vote_count + Idea.comment_count).desc(),),
    "status-down": (Idea.stage_id.desc(),),
    "status.change.date-down": (Idea.status_changed.desc(),),
    "id-up": (Idea.id.asc(),),
    "id-down": (Idea.id.desc(),),
    "name-up": (Idea.title.asc(),),
    "name-down": (Idea.title.desc(),),
    "point-up": (Idea.vote_count.asc(),),
    "point-down": (Idea.vote_count.desc(),),
}
MEMBER_ORDERS = {
    "date-up": (Member.registered.asc(),),
    "date-down": (Member.registered.desc(),),
    "id-up": (Member.id.asc(),),
    "id-down": (Member.id.desc(),),
    "name-up": (Member.name.asc(),),
    "name-down": (Member.name.desc(),),
    "point-up": (Member.points.asc(),),
    "point-down": (Member.points.desc(),),
}


MAX_INT = 2**31 - 1


class Paging:
    def __init__(self, page: str | None = None, size: str | None = None, order: str | None = None):
        self.given = page is not None
        try:
            self.page = int(page) if page is not None else 0
            self.size = int(size) if size is not None else None
        except ValueError:
            raise IdeaScaleError("INVALID_INPUT") from None
        if self.page < 0 or self.size is not None and self.size <= 0:
            raise IdeaScaleError("INVALID_INPUT")
        # Java ints: larger pages and sizes do not exist.
        if self.page > MAX_INT or self.size is not None and self.size > MAX_INT:
            raise IdeaScaleError("INVALID_INPUT")
        self.order = order

    def order_terms(self, orders: dict, default: str) -> tuple:
        key = self.order or default
        if key not in orders:
            raise IdeaScaleError("INVALID_ORDER_BY_KEY")
        return orders[key]

    def apply(self, query):
        if self.size is None:
            return query
        return query.offset(self.page * self.size).limit(self.size)

    def response(self, items: list, total: int) -> JSONResponse:
        size = self.size if self.size is not None else total
        first = self.page * size if self.size is not None else 0
        headers = {
            "pager_total_count": str(total),
            "pager_page_size": str(size),
            "pager_current_page_number": str(self.page),
            "pager_first_index": str(first),
            "pager_last_index": str(first + max(len(items) - 1, 0)),
        }
        return JSONResponse(items, headers=headers)
