"""The clock and the random sources behind every timestamp, id and token the vendors make.

Normally these are the system clock and `secrets`. In deterministic mode (`CROWDMOCK_DETERMINISTIC=true`)
the clock stands still at `CROWDMOCK_CLOCK` and ids, tokens and shuffles come from a generator seeded with
`CROWDMOCK_RANDOM_SEED` and restarted by every reset, so the same requests give the same bytes on every run.
"""

import random as _random
import secrets
import time as _time
import uuid
from base64 import urlsafe_b64encode
from datetime import UTC, datetime

_frozen: float | None = None
_seed: int = 0
_rng: _random.Random | None = None
_system = _random.SystemRandom()


def configure(deterministic: bool, frozen_at: datetime | None = None, seed: int = 0) -> None:
    global _frozen, _seed, _rng
    if not deterministic:
        _frozen, _rng = None, None
        return
    when = frozen_at or datetime(2026, 1, 1, tzinfo=UTC)
    _frozen = (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()
    _seed = seed
    _rng = _random.Random(seed)


def restart() -> None:
    """Start the deterministic sequence again (a reset brings ids and tokens back with the data)."""
    global _rng
    if _rng is not None:
        _rng = _random.Random(_seed)


def deterministic() -> bool:
    return _rng is not None


def time() -> float:
    return _frozen if _frozen is not None else _time.time()


def now() -> datetime:
    return datetime.fromtimestamp(time(), UTC)


def token_bytes(n: int) -> bytes:
    return _rng.randbytes(n) if _rng is not None else secrets.token_bytes(n)


def token_hex(n: int) -> str:
    return token_bytes(n).hex()


def token_urlsafe(n: int) -> str:
    return urlsafe_b64encode(token_bytes(n)).rstrip(b"=").decode("ascii")


def uuid4() -> uuid.UUID:
    return uuid.UUID(bytes=token_bytes(16), version=4)


def shuffle(items: list) -> None:
    (_rng or _system).shuffle(items)


def uniform(low: float, high: float) -> float:
    return (_rng or _system).uniform(low, high)


def chance(probability: float) -> bool:
    """True with the given probability (1 always, 0 never)."""
    return probability >= 1 or (_rng or _system).random() < probability


def uuid1() -> uuid.UUID:
    """A time-based UUID (Crowdynews request ids); random bits in deterministic mode."""
    return uuid.UUID(bytes=token_bytes(16), version=1) if _rng is not None else uuid.uuid1()
