"""What a benchmark hands the runner: one ``BENCH-RESULT {json}`` line on stdout.

A benchmark measures itself and a baseline in the same run and states each figure as a
:class:`Check`: a ratio (ours / baseline, or the reverse where "higher is better") and, where
the issue set one, a target. Only ratio targets gate: the machine is shared (2 cores, other
test suites running), so absolute times are reported next to the ratio, never judged.

The benchmark exits 1 when a check misses its target; the runner (``bench.runner``) parses the
line, re-runs a benchmark that missed once, and renders the README table from the same data.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from typing import Any

PREFIX = "BENCH-RESULT "


@dataclass(frozen=True, slots=True)
class Check:
    """One row of the README table. ``title``, ``ours`` and ``baseline`` are Russian text for it.

    ``op`` is ``"<="`` (the ratio must not exceed ``target``) or ``">="`` (must reach it);
    ``target=None`` makes the row report-only.
    """

    title: str
    ours: str
    baseline: str
    ratio: float
    target: float | None = None
    op: str = "<="
    note: str = ""  # absolute targets and other figures, reported only

    @property
    def ok(self) -> bool:
        if self.target is None:
            return True
        return self.ratio <= self.target if self.op == "<=" else self.ratio >= self.target


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    checks: list[Check]
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def to_json(self) -> str:
        payload = asdict(self)
        for check, raw in zip(self.checks, payload["checks"], strict=True):
            raw["ok"] = check.ok
        payload["ok"] = self.ok
        payload["load"] = list(os.getloadavg())
        return json.dumps(payload, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Result:
        raw = json.loads(text)
        checks = [Check(**{k: v for k, v in c.items() if k != "ok"}) for c in raw["checks"]]
        return cls(raw["name"], checks, {**raw.get("metrics", {}), "load": raw.get("load")})


def ru(value: float, digits: int = 1) -> str:
    """A number as the Russian README writes it: ``12 345,6``."""
    return f"{value:,.{digits}f}".replace(",", " ").replace(".", ",")


def sign(op: str) -> str:
    return "≤" if op == "<=" else "≥"


def emit(name: str, checks: list[Check], **metrics: Any) -> int:
    """Print each check for a human, then the machine line; return the exit code (1 = a target missed)."""
    result = Result(name, checks, metrics)
    for check in checks:
        target = "report only" if check.target is None else f"target {sign(check.op)} {check.target:g}"
        verdict = "" if check.target is None else (": ok" if check.ok else ": MISSED")
        print(f"  [{name}] {check.title}: ratio {check.ratio:.2f} ({target}{verdict})")
    print(PREFIX + result.to_json(), flush=True)
    return 0 if result.ok else 1
