"""Behind a TLS-terminating proxy (docs/https.md#behind-a-proxy): from peers in `CROWDMOCK_TRUSTED_PROXIES` only,
`X-Forwarded-Proto`/`-Host`/`-For` or `Forwarded` (RFC 7239) set the request's scheme, host and client, so that
the vendors link, redirect and set cookies as they would over HTTPS. From any other peer the headers are ignored.

Where a header holds several values (a chain of proxies), the last one counts: the one our peer, the proxy we
trust, added itself. `crowdmock serve` turns uvicorn's own proxy handling off (it trusts 127.0.0.1 by default)."""

import ipaddress
from functools import lru_cache

from starlette.types import ASGIApp, Receive, Scope, Send

SCHEMES = {"http", "https"}


def _networks(entries: list[str]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] | None:
    """None: every peer ("*")."""
    if "*" in entries:
        return None
    try:
        return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())
    except ValueError as exc:
        raise ValueError(f"CROWDMOCK_TRUSTED_PROXIES: {exc}") from None


def _last(value: str) -> str:
    return value.rsplit(",", 1)[-1].strip()


def _forwarded_pairs(value: str) -> dict[str, str]:
    """The last element of a Forwarded header as {parameter: value}, quotes taken off."""
    pairs = {}
    for pair in _last(value).split(";"):
        key, _, item = pair.partition("=")
        if item:
            pairs[key.strip().lower()] = item.strip().strip('"')
    return pairs


def _client(value: str, port: int) -> tuple[str, int] | None:
    host = value.strip()
    if host.startswith("["):  # Forwarded's quoted IPv6 with an optional port: "[2001:db8::1]:4711"
        host = host[1 : host.find("]")]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(host)), port
    except ValueError:  # "unknown", obfuscated identifiers
        return None


class ProxyHeadersMiddleware:
    def __init__(self, app: ASGIApp, trusted: list[str]):
        self.app = app
        networks = _networks(trusted)
        self.trusts = (lambda _peer: True) if networks is None else lru_cache(maxsize=256)(self._trusted(networks))

    @staticmethod
    def _trusted(networks):
        def trusts(peer: str) -> bool:
            try:
                address = ipaddress.ip_address(peer)
            except ValueError:
                return False
            return any(address in network for network in networks)

        return trusts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] == "http" and client and self.trusts(client[0]):
            scope = self._forwarded(scope)
        await self.app(scope, receive, send)

    @staticmethod
    def _forwarded(scope: Scope) -> Scope:
        found: dict[bytes, str] = {}
        for name, value in scope["headers"]:
            if name in (b"forwarded", b"x-forwarded-proto", b"x-forwarded-host", b"x-forwarded-for"):
                # Repeated headers are one list, in order.
                text = value.decode("latin-1")
                found[name] = f"{found[name]}, {text}" if name in found else text
        if not found:
            return scope
        proto = host = client = None
        if b"forwarded" in found:
            pairs = _forwarded_pairs(found[b"forwarded"])
            proto, host, client = pairs.get("proto"), pairs.get("host"), pairs.get("for")
        proto = proto or (_last(found[b"x-forwarded-proto"]) if b"x-forwarded-proto" in found else None)
        host = host or (_last(found[b"x-forwarded-host"]) if b"x-forwarded-host" in found else None)
        client = client or (_last(found[b"x-forwarded-for"]) if b"x-forwarded-for" in found else None)
        scope = dict(scope)
        if proto and proto.lower() in SCHEMES:
            scope["scheme"] = proto.lower()
        if host:
            headers = [(k, v) for k, v in scope["headers"] if k != b"host"]
            scope["headers"] = [(b"host", host.encode("latin-1")), *headers]
        if client and (address := _client(client, scope["client"][1])):
            scope["client"] = address
        return scope
