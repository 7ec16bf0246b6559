"""The moderator's content rules for ideas, comments, titles and tags (seed: "the API will not accept certain
types of content"): HTML tags, over-long text and curse words, each refused with its key."""

import re

from crowdmock.settings import Settings
from crowdmock.vendors.ideascale.errors import IdeaScaleError

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def check_text(settings: Settings, value, limit: int | None = None, required: bool = True) -> str:
    """A submitted text, or the error its content earns."""
    if value is None or isinstance(value, str) and not value.strip():
        if required:
            raise IdeaScaleError("REQUIRED_FIELD_MISSING")
        return ""
    if not isinstance(value, str):
        raise IdeaScaleError("INVALID_INPUT")
    if _TAG.search(value):
        raise IdeaScaleError("HTML_TAGS_NOT_ALLOWED")
    if _FORBIDDEN.search(value):
        raise IdeaScaleError("TEXT_CONTAINS_FORBIDDEN_CHARACTERS")
    if len(value) > (limit or settings.ideascale_max_text_length):
        raise IdeaScaleError("INVALID_CONTENT")
    words = {w.lower() for w in re.findall(r"[A-Za-z']+", value)}
    if words & {w.lower() for w in settings.ideascale_curse_words}:
        raise IdeaScaleError("ABUSIVE_WORD_FOUND")
    return value.strip()
