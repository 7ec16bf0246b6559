"""The gateway check (docs/vendors/ushahidi.md §1.11): any request whose `gwcheck` parameter is truthy, as PHP reads
it, is answered by the platform's entry point before Laravel routes it, on every path, existing or not. With the
install debug mode off (a deployment's default) the answer is an empty 204 with
`X-Ushahidi-Platform-Install-Debug-Mode: off`; with it on (`CROWDMOCK_USHAHIDI_INSTALL_DEBUG_MODE`) a JSON description
of the request as PHP saw it, and 204 to a CORS preflight."""

import time
from urllib.parse import parse_qsl

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

# The $_SERVER keys the platform's bootstrap/gwcheck.php shows, in its order.
SERVER_KEYS = (
    "REQUEST_METHOD",
    "REQUEST_TIME",
    "QUERY_STRING",
    "HTTP_ACCEPT",
    "HTTP_ACCEPT_CHARSET",
    "HTTP_ACCEPT_ENCODING",
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_AUTHORIZATION",
    "HTTP_CONNECTION",
    "HTTP_HOST",
    "HTTP_ORIGIN",
    "HTTP_REFERER",
    "HTTP_USER_AGENT",
    "REMOTE_ADDR",
    "REQUEST_URI",
    "DOCUMENT_ROOT",
    "SCRIPT_FILENAME",
    "SCRIPT_NAME",
    "PATH_INFO",
    "ORIG_PATH_INFO",
)
DOCUMENT_ROOT = "/var/www/platform/httpdocs"  # the platform image's


def php_truthy(value: str) -> bool:
    """A query value as PHP's loose truth sees a string: all but "" and "0" ("false" too)."""
    return value not in ("", "0")


class GatewayCheckMiddleware:
    def __init__(self, app: ASGIApp, debug_mode: bool):
        self.app, self.debug_mode = app, debug_mode

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        query = scope.get("query_string", b"") if scope["type"] == "http" else b""
        if b"gwcheck" not in query:
            await self.app(scope, receive, send)
            return
        params = dict(parse_qsl(query.decode("latin-1"), keep_blank_values=True))  # PHP: the last value wins
        if not php_truthy(params.get("gwcheck", "")):
            await self.app(scope, receive, send)
            return
        if not self.debug_mode:
            await _answer(send, 204, [(b"x-ushahidi-platform-install-debug-mode", b"off")], b"")
            return
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
        if scope["method"] == "OPTIONS":
            extra = []
            origin = headers.get("origin")
            if (
                origin
                and headers.get("access-control-request-method")
                and headers.get("access-control-request-headers")
            ):
                extra = [
                    (b"access-control-allow-origin", origin.encode("latin-1")),
                    (b"access-control-allow-methods", b"POST, GET, OPTIONS, PUT, PATCH, DELETE"),
                    (b"access-control-allow-headers", b"Authorization, Content-Type, Accept"),
                ]
            await _answer(send, 204, extra, b"")
            return
        await _answer(send, 200, [(b"content-type", b"application/json")], _described(scope, headers, params))


def _described(scope: Scope, headers: dict, params: dict) -> bytes:
    path = scope["path"][len(scope.get("root_path", "")) :] if scope.get("root_path") else scope["path"]
    query = scope.get("query_string", b"").decode("latin-1")
    client = scope.get("client") or ("", 0)
    server = {key: None for key in SERVER_KEYS}
    server.update(
        {
            "REQUEST_METHOD": scope["method"],
            "REQUEST_TIME": int(time.time()),
            "QUERY_STRING": query,
            "REMOTE_ADDR": client[0],
            "REQUEST_URI": path + ("?" + query if query else ""),
            "DOCUMENT_ROOT": DOCUMENT_ROOT,
            "SCRIPT_FILENAME": f"{DOCUMENT_ROOT}/index.php",
            "SCRIPT_NAME": "/index.php",
            "PATH_INFO": path,
        }
    )
    for key in SERVER_KEYS:
        if key.startswith("HTTP_"):
            server[key] = headers.get(key[5:].lower().replace("_", "-"))
    data = {"_GET": params, "_POST": [], "_REQUEST": params, "_SERVER": server}
    return orjson.dumps({"api": {"name": "ushahidi:platform:gwcheck", "version": "0.1"}, "data": data})


async def _answer(send: Send, status: int, headers: list, body: bytes) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
