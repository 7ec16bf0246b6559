"""Host routing: a request whose Host names a vendor's real host is served by that vendor, unprefixed. HEAD served
as GET. Routes built on first use, and a vendor app's routes tried by the start of their path."""

import sys
import threading
from fnmatch import fnmatch
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute, _update_scope
from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, compile_path, get_name
from starlette.types import ASGIApp, Receive, Scope, Send

from crowdmock.core.vendor import HOST_ROUTED_ORIGIN


class HostRoutingMiddleware:
    def __init__(self, app: ASGIApp, hosts: dict[str, str]):
        self.app = app
        # Exact names first, then wildcard patterns.
        self.exact = {h: p for h, p in hosts.items() if "*" not in h}
        self.patterns = [(h, p) for h, p in hosts.items() if "*" in h]
        self.seen: dict[str, str | None] = {}  # hosts already matched against the patterns (bounded)

    def prefix_for(self, host: str) -> str | None:
        if host in self.exact:
            return self.exact[host]
        if host in self.seen:
            return self.seen[host]
        prefix = next((prefix for pattern, prefix in self.patterns if fnmatch(host, pattern)), None)
        if len(self.seen) < 1024:  # Host is the client's to choose: never an unbounded table
            self.seen[host] = prefix
        return prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith("/__admin"):
            raw_host = ""
            for name, value in scope.get("headers", ()):
                if name == b"host":
                    raw_host = value.decode("latin-1")
                    break
            host = raw_host.rsplit(":", 1)[0] if not raw_host.startswith("[") else raw_host
            prefix = self.prefix_for(host.lower())
            if prefix and not scope["path"].startswith(prefix + "/"):
                scope = dict(scope)
                scope["path"] = prefix + scope["path"]
                scope["raw_path"] = prefix.encode() + scope.get("raw_path", b"")
                origin = f"{scope.get('scheme', 'http')}://{raw_host}"
                scope[HOST_ROUTED_ORIGIN] = origin
                send = _unprefixed_redirects(send, (origin + prefix).encode("latin-1"), origin.encode("latin-1"))
        await self.app(scope, receive, send)


def _unprefixed_redirects(send: Send, prefixed: bytes, origin: bytes) -> Send:
    """A redirect the framework builds from the rewritten path (a trailing slash dropped) points back at the real
    host without the mock's prefix, keeping the request's scheme."""

    async def rewrite(message) -> None:
        if message["type"] == "http.response.start" and 300 <= message["status"] < 400:
            headers = []
            for name, value in message.get("headers", ()):
                if name.lower() == b"location" and value.startswith(prefixed):
                    rest = value[len(prefixed) :]
                    if not rest or rest[:1] in b"/?#":
                        value = origin + (rest if rest[:1] == b"/" else b"/" + rest)
                headers.append((name, value))
            message = {**message, "headers": headers}
        await send(message)

    return rewrite


class HeadAsGetMiddleware:
    """HEAD is served as GET without the body, as the vendors' servers (Laravel, Spring, Drupal, restify) do, so
    every GET route answers HEAD with the same status and headers."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


class LazyRoute(APIRoute):
    """A FastAPI route that builds itself on first use. FastAPI builds each route when it is declared: its dependency
    tree, a pydantic field and validator per parameter, body and answer (Ushahidi's 208 routes: ~300 TypeAdapters,
    ~2.5 MB and ~90 ms of its first request, docs/performance.md). A test or a frontend uses a handful of a vendor's
    routes, so only what matching a path needs is made up front (the path's pattern, methods, name); the first
    request the route serves, or the OpenAPI document, builds the rest, with FastAPI's own `APIRoute.__init__` and
    the same arguments. `openapi_extra` may be given as a function, called then."""

    _build_lock = threading.RLock()

    def __init__(self, path: str, endpoint: Any, **kwargs: Any) -> None:
        self._deferred = (path, endpoint, kwargs)
        # As APIRoute sets them (fastapi/routing.py `_populate_api_route_state`).
        self.path = path
        self.endpoint = endpoint
        self.path_regex, self.path_format, self.param_convertors = compile_path(path)
        methods = kwargs.get("methods")
        self.methods = {method.upper() for method in (["GET"] if methods is None else methods)}
        self.name = get_name(endpoint) if kwargs.get("name") is None else kwargs["name"]
        self.include_in_schema = kwargs.get("include_in_schema", True)

    def __getattr__(self, attribute: str) -> Any:
        # Called only for what is not set yet: everything APIRoute.__init__ sets beyond the above.
        state = self.__dict__
        if "_deferred" not in state or attribute.startswith("__"):
            raise AttributeError(attribute)
        if state.get("_building") == threading.get_ident():  # read by the build itself before it sets it
            raise AttributeError(attribute)
        # Another thread (a test client's, the OpenAPI document's worker) waits for the build under way.
        with self._build_lock:
            if "_deferred" in state:
                state["_building"] = threading.get_ident()
                try:
                    path, endpoint, kwargs = state["_deferred"]
                    if callable(kwargs.get("openapi_extra")):
                        kwargs = {**kwargs, "openapi_extra": kwargs["openapi_extra"]()}
                    APIRoute.__init__(self, path, endpoint, **kwargs)
                    del state["_deferred"]
                finally:
                    del state["_building"]
        return object.__getattribute__(self, attribute)


def skip_pydantic_v1_checks() -> None:
    """FastAPI asks, for each parameter, body and answer of a route it builds, whether its type is a `pydantic.v1`
    model, importing `pydantic.v1` to ask (1.4 MB and 10 ms, docs/performance.md). No type can be one while
    `pydantic.v1` has not been imported by anyone, so the check is skipped until it has been; once it has, FastAPI's
    own check runs as before."""
    import fastapi.encoders
    import fastapi.utils

    def guard(check: Any) -> Any:
        if getattr(check, "__wrapped__", None):  # already guarded
            return check

        def guarded(value: Any) -> bool:
            return "pydantic.v1" in sys.modules and check(value)

        guarded.__wrapped__ = check  # type: ignore[attr-defined]
        return guarded

    for module, name in (
        (fastapi.utils, "annotation_is_pydantic_v1"),
        (fastapi.encoders, "is_pydantic_v1_model_instance"),
    ):
        if callable(getattr(module, name, None)):  # another FastAPI: left as it is
            setattr(module, name, guard(getattr(module, name)))


class LazyRouter(APIRouter):
    """An APIRouter whose routes are LazyRoutes: every router of crowdmock's apps."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(route_class=LazyRoute, **kwargs)


def add_routes(app: FastAPI, *routers: APIRouter) -> None:
    """The routers' routes become the app's own, each as its router built it. FastAPI's `include_router` builds
    every route a second time for the app (its dependencies, parameter and response models: ~40 ms and 1-3 MB per
    vendor) and, on each request, asks each included router whether its routes changed. The routers carry their
    prefix, tags and dependencies themselves; the apps set nothing an inclusion would add (no dependency overrides,
    response class or body limit of their own)."""
    for router in routers:
        app.router.routes.extend(router.routes)


def index_routes(app: FastAPI) -> None:
    """A vendor app's router tries only the routes whose path can match: those whose literal start (up to the first
    `{param}`) the path begins with, found by the path's leading segments. FastAPI asks every route in turn (a
    quarter of a Crowdynews POST's CPU once went to routing). The first full match wins, as FastAPI's; anything else
    (a wrong method's 405, a trailing-slash redirect, a 404) is left to FastAPI's own router, which asks them all."""
    router = app.router
    if router.middleware_stack != router.app:  # router middleware in between: left as it is
        return
    # Routes by the whole segments of their literal start: `/api/v3/posts/{id}` under ("api", "v3", "posts"). A
    # path can reach a route only through one of its own leading-segment tuples.
    buckets: dict[tuple[str, ...], list[tuple[int, BaseRoute, str]]] = {}
    for position, route in enumerate(router.routes):
        start = _literal_start(route)
        buckets.setdefault(tuple(start.split("/")[1:-1]), []).append((position, route, start))  # last piece: partial
    longest = max((len(key) for key in buckets), default=0)
    fastapi_router = router.app

    def candidates(path: str) -> list[tuple[int, BaseRoute, str]]:
        segments = tuple(path.split("/")[1 : longest + 1])
        found = []
        for size in range(min(len(segments), longest) + 1):
            found.extend(buckets.get(segments[:size], ()))
        found.sort(key=_position)
        return found

    async def indexed(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not router.form_limits:
            path = get_route_path(scope)
            for _, route, start in candidates(path):
                if path.startswith(start):
                    match, child_scope = route.matches(scope)
                    if match == Match.FULL:
                        scope.setdefault("router", router)
                        _update_scope(scope, child_scope)
                        await route.handle(scope, receive, send)
                        return
        await fastapi_router(scope, receive, send)

    router.middleware_stack = indexed


def _position(entry: tuple) -> int:
    return entry[0]


def _literal_start(route: BaseRoute) -> str:
    """The route's path up to its first `{param}`; nothing for what has no path of its own (an included router,
    whose routes are then tried for every path)."""
    return (getattr(route, "path_format", "") or "").split("{", 1)[0]
