"""The one simulated clock of the tests: time moves only when a test moves it.

It is the outbox's ``SimClock`` (``monotonic()``, ``now()``, ``advance()``), and calling it
returns the monotonic reading, so it also serves where a plain ``() -> float`` clock is wanted
(the Redis token buckets).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.telegram.outbox.clock import SimClock as _OutboxClock
from db.models import utcnow


@dataclass
class SimClock(_OutboxClock):
    def __call__(self) -> float:
        return self.monotonic()


def sim_clock(*, ahead: float = 0.0, elapsed: float = 0.0, start: datetime | None = None) -> SimClock:
    """A clock starting at ``start`` (now by default) plus ``ahead`` seconds, reading ``elapsed``."""
    return SimClock(start=(start or utcnow()) + timedelta(seconds=ahead), elapsed=elapsed)
