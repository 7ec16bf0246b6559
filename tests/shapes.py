"""Each vendor's documented error body, for tests that throw arbitrary input at every vendor."""


def _object(body, *keys) -> bool:
    return isinstance(body, dict) and all(k in body for k in keys)


def _messages(body) -> bool:
    return isinstance(body, list) and all(isinstance(m, str) for m in body)


ERROR_SHAPES = {
    "crowdskout": lambda b: _object(b, "success", "messages", "data") or _object(b, "error", "error_description"),
    "crowdynews": lambda b: _object(b, "requestId", "errors"),
    "dosomething": lambda b: _messages(b) or b is None,
    "ideascale": lambda b: _object(b, "key", "message") and set(b) == {"key", "message"},
    "ushahidi": lambda b: _object(b, "errors") or _object(b, "error", "message") or _object(b, "error", "messages"),
    "admin": lambda b: _object(b, "error"),
}


def body_of(response):
    """The JSON body, the text when it is not JSON, None when empty."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def is_detail(body) -> bool:
    """FastAPI's own error shape, which must never reach a client."""
    return isinstance(body, dict) and "detail" in body
