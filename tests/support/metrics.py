"""Reading the process-wide Prometheus counters as per-test deltas.

The bot's counters live in one registry per process (``bot.telegram.observability.metrics
.REGISTRY``), so every test that feeds updates moves them: a test must compare a reading with
the one taken before it acted, never read the totals as if they were its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry

from bot.telegram.observability.metrics import REGISTRY


def _samples(registry: CollectorRegistry) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for metric in registry.collect()
        for sample in metric.samples
    }


@dataclass
class MetricsSnapshot:
    """The registry's samples at one moment; ``delta`` is how far a sample moved since then."""

    registry: CollectorRegistry = REGISTRY
    before: dict[tuple[str, tuple[tuple[str, str], ...]], float] = field(init=False)

    def __post_init__(self) -> None:
        self.before = _samples(self.registry)

    def delta(self, name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return _samples(self.registry).get(key, 0.0) - self.before.get(key, 0.0)
