"""Request matchers shared by journal verification (`/__admin/requests/count`) and fault rules.

Every field is optional and all given fields must match. `path` is compared with the path as received (vendor
prefix included, `/ushahidi/api/v3/posts`) and with the vendor's own path (`/api/v3/posts`), so both spellings
work; `path_regex` is searched in either. `query` pairs must be present with those values, `headers` values must
contain the given text (names are case-insensitive), `body_contains` must occur in the request body.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class RequestMatcher:
    vendor: str | None = None
    method: str | None = None
    path: str | None = None
    path_regex: re.Pattern | None = None
    status: int | None = None
    query: dict[str, str] | None = None
    headers: dict[str, str] | None = None
    body_contains: str | None = None

    def matches_route(self, vendor: str | None, method: str, path: str, own_path: str) -> bool:
        """The parts known before a response exists (what a fault rule matches on)."""
        if self.vendor is not None and self.vendor != vendor:
            return False
        if self.method is not None and self.method.upper() != method:
            return False
        if self.path is not None and self.path not in (path, own_path):
            return False
        return self.path_regex is None or bool(self.path_regex.search(path) or self.path_regex.search(own_path))

    def matches_request(self, query_string: str, headers: dict[str, str], body: str) -> bool:
        if self.query:
            pairs = parse_qsl(query_string, keep_blank_values=True)
            if any((name, value) not in pairs for name, value in self.query.items()):
                return False
        if self.headers:
            for name, text in self.headers.items():
                value = headers.get(name.lower())
                if value is None or text not in value:
                    return False
        return self.body_contains is None or self.body_contains in body
