"""The clock and the random sources behind every timestamp, id and token the vendors make.

Normally these are the system clock and `secrets`. In deterministic mode (`CROWDMOCK_DETERMINISTIC=true`)
the clock stands still at `CROWDMOCK_CLOCK` and ids, tokens and shuffles come from a generator seeded with
`CROWDMOCK_RANDOM_SEED` and restarted by every reset, so the same requests give the same bytes on every run.

Each app has its own Clock; ClockMiddleware makes it the current one for the requests it serves (a context
variable, so the module functions below need no app at hand and two apps in one process stay apart).
"""

import random as _random
import secrets
import time as _time
import uuid
from base64 import urlsafe_b64encode
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Protocol

from starlette.types import ASGIApp, Receive, Scope, Send

from crowdmock.core.tenancy import TENANT_KEY, tenant_of


class DrawSource(Protocol):
    """Deterministic draws (core/shared.py's Draws: the nth draw since a reset is always the same value)."""

    def randbytes(self, n: int) -> bytes: ...

    def shuffle(self, items: list) -> None: ...

    def uniform(self, low: float, high: float) -> float: ...

    def random(self) -> float: ...

    def restart(self) -> None: ...


class Clock:
    def __init__(self, deterministic: bool = False, frozen_at: datetime | None = None, draws: DrawSource | None = None):
        self.frozen: float | None = None
        self.rng: DrawSource | None = None
        if deterministic:
            when = frozen_at or datetime(2026, 1, 1, tzinfo=UTC)
            self.frozen = (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()
            self.rng = draws

    def restart(self) -> None:
        """Start the deterministic sequence again (a reset brings ids and tokens back with the data)."""
        if self.rng is not None:
            self.rng.restart()


_SYSTEM = Clock()
_SYSTEM_RANDOM = _random.SystemRandom()
_current: ContextVar[Clock] = ContextVar("crowdmock_clock", default=_SYSTEM)


@contextmanager
def using(clock: Clock) -> Iterator[None]:
    token = _current.set(clock)
    try:
        yield
    finally:
        _current.reset(token)


class ClockMiddleware:
    """Makes the request's tenant's clock the current one (core/tenancy.py)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if TENANT_KEY not in scope:  # lifespan
            await self.app(scope, receive, send)
            return
        token = _current.set(tenant_of(scope).clock)
        try:
            await self.app(scope, receive, send)
        finally:
            _current.reset(token)


def restart() -> None:
    _current.get().restart()


def time() -> float:
    frozen = _current.get().frozen
    return frozen if frozen is not None else _time.time()


def now() -> datetime:
    return datetime.fromtimestamp(time(), UTC)


def token_bytes(n: int) -> bytes:
    rng = _current.get().rng
    return rng.randbytes(n) if rng is not None else secrets.token_bytes(n)


def token_hex(n: int) -> str:
    return token_bytes(n).hex()


def token_urlsafe(n: int) -> str:
    return urlsafe_b64encode(token_bytes(n)).rstrip(b"=").decode("ascii")


def uuid4() -> uuid.UUID:
    return uuid.UUID(bytes=token_bytes(16), version=4)


def uuid1() -> uuid.UUID:
    """A time-based UUID (Crowdynews request ids); random bits in deterministic mode."""
    return uuid.UUID(bytes=token_bytes(16), version=1) if _current.get().rng is not None else uuid.uuid1()


def _random_source() -> "DrawSource | _random.Random":
    return _current.get().rng or _SYSTEM_RANDOM


def shuffle(items: list) -> None:
    _random_source().shuffle(items)


def uniform(low: float, high: float) -> float:
    return _random_source().uniform(low, high)


def chance(probability: float) -> bool:
    """True with the given probability (1 always, 0 never)."""
    return probability >= 1 or _random_source().random() < probability
