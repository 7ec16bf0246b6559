"""Host routing: a request whose Host names a vendor's real host is served by that vendor, unprefixed."""

from fnmatch import fnmatch

from starlette.types import ASGIApp, Receive, Scope, Send

from crowdmock.core.vendor import HOST_ROUTED_ORIGIN


class HostRoutingMiddleware:
    def __init__(self, app: ASGIApp, hosts: dict[str, str]):
        self.app = app
        # Exact names first, then wildcard patterns.
        self.exact = {h: p for h, p in hosts.items() if "*" not in h}
        self.patterns = [(h, p) for h, p in hosts.items() if "*" in h]

    def prefix_for(self, host: str) -> str | None:
        if host in self.exact:
            return self.exact[host]
        for pattern, prefix in self.patterns:
            if fnmatch(host, pattern):
                return prefix
        return None

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
                scope[HOST_ROUTED_ORIGIN] = f"{scope.get('scheme', 'http')}://{raw_host}"
        await self.app(scope, receive, send)


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
