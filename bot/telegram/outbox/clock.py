"""A simulated clock for the worker and the pacer: tests and the bench move time by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from db.models import utcnow


@dataclass
class SimClock:
    start: datetime = field(default_factory=utcnow)
    elapsed: float = 0.0

    def monotonic(self) -> float:
        return self.elapsed

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.elapsed)

    def advance(self, seconds: float) -> None:
        self.elapsed += max(0.0, seconds)
