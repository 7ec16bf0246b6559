"""What PHP and Laravel do to a request before the platform's routes see it (docs/vendors/ushahidi.md §1.12): the
path is matched without its trailing slashes, so `PUT /api/v3/config/test/` is `PUT /api/v3/config/test` (Ushahidi's
own acceptance suite sends such paths: RestContext appends `/<id>` even when the id is empty); form and query field
names are PHP's."""

from starlette.types import ASGIApp, Receive, Scope, Send


class TrailingSlashMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        root = scope.get("root_path", "")
        if scope["type"] == "http" and path.endswith("/") and len(path.rstrip("/")) > len(root):
            trimmed = path.rstrip("/")
            raw = scope.get("raw_path")
            scope = {**scope, "path": trimmed, "raw_path": raw.rstrip(b"/") if raw else raw}
        await self.app(scope, receive, send)


def php_field_names(fields: dict) -> dict:
    """Form and query field names as PHP registers them (its `php_register_variable_ex`): leading spaces dropped,
    other spaces and dots made underscores (§1.12). Ushahidi's acceptance suite posts `"  grant_type=password&..."`
    to /oauth/token, which PHP reads as `grant_type`."""
    named = {}
    for name, value in fields.items():
        if isinstance(name, str) and "[" not in name:
            name = name.lstrip(" ").replace(" ", "_").replace(".", "_")
        named[name] = value
    return named
