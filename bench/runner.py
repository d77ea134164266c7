"""The runner's decisions, apart from running anything: re-run on a miss, exit code, README table.

- A benchmark whose ratio target is missed is run once more (the machine is shared; one noisy
  minute should not fail CI) and the second run's figures count. A second miss fails.
- A benchmark that crashed (non-zero exit without a missed target, or no result line) fails
  without a re-run: noise does not make a benchmark crash.
- The README table is rendered from the results, with the machine's load next to the figures.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bench.result import PREFIX, Check, Result, sign


@dataclass
class Outcome:
    """One run of one benchmark process."""

    name: str
    returncode: int
    results: list[Result]
    seconds: float = 0.0
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)  # os.getloadavg() when it finished
    attempts: int = 1
    first: Outcome | None = None  # the missed first attempt, when this is the re-run

    @property
    def missed(self) -> list[Check]:
        return [check for result in self.results for check in result.checks if not check.ok]

    @property
    def crashed(self) -> bool:
        return not self.results or (self.returncode != 0 and not self.missed)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.crashed and not self.missed


def parse(stdout: str) -> list[Result]:
    return [Result.from_json(line[len(PREFIX):]) for line in stdout.splitlines() if line.startswith(PREFIX)]


def run_with_retry(name: str, run_once: Callable[[str], Outcome]) -> Outcome:
    """Run ``name``; if it missed a ratio target (and did not crash), run it once more."""
    outcome = run_once(name)
    if outcome.ok or outcome.crashed:
        return outcome
    again = run_once(name)
    again.attempts, again.first = 2, outcome
    return again


def run_all(names: Iterable[str], run_once: Callable[[str], Outcome]) -> list[Outcome]:
    return [run_with_retry(name, run_once) for name in names]


def exit_code(outcomes: list[Outcome]) -> int:
    return 0 if outcomes and all(o.ok for o in outcomes) else 1


def machine() -> dict[str, Any]:
    return {
        "date": dt.date.today().isoformat(),
        "cpu": f"{platform.machine()}, {os.cpu_count()} ядра",
        "python": platform.python_version(),
        "load": os.getloadavg(),
    }


def _number(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _status(outcome: Outcome, check: Check) -> str:
    if check.target is None:
        return "—"
    text = "выполнена" if check.ok else "**НЕ выполнена**"
    if outcome.attempts > 1:
        text += " (со второго запуска)" if check.ok else " (и при повторе)"
    return text


def markdown(outcomes: list[Outcome], host: dict[str, Any]) -> str:
    """The README's benchmark table, generated (never typed) from the results of one run."""
    load = " / ".join(_number(x) for x in host["load"])
    lines = [
        f"Прогон {host['date']}; {host['cpu']}, Python {host['python']}; средняя нагрузка машины "
        f"(1/5/15 мин) в конце прогона {load}. Отношение — медиана или лучший результат, как указано "
        "в строке; цель проверяется только для отношений, абсолютные значения — для сведения.",
        "",
        "| Бенчмарк | Наш результат | Базовая линия | Отношение | Цель | Итог | Нагрузка |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for outcome in outcomes:
        if outcome.crashed:
            lines.append(f"| {outcome.name} | упал (код {outcome.returncode}) | — | — | — | **ошибка** | "
                         f"{_number(outcome.load[0])} |")
            continue
        for result in outcome.results:
            for check in result.checks:
                target = "—" if check.target is None else f"{sign(check.op)} {_number(check.target)}"
                ours = check.ours + (f"; {check.note}" if check.note else "")
                run_load = result.metrics.get("load") or outcome.load
                lines.append(
                    f"| {check.title} | {ours} | {check.baseline} | {_number(check.ratio)} | {target} | "
                    f"{_status(outcome, check)} | {_number(run_load[0])} |"
                )
    return "\n".join(lines)


def summary_lines(outcomes: list[Outcome]) -> list[str]:
    out = []
    for o in outcomes:
        state = "ok" if o.ok else ("CRASHED" if o.crashed else "MISSED " + "; ".join(c.title for c in o.missed))
        retry = (f" after a re-run (first try missed: {'; '.join(c.title for c in o.first.missed)})"
                 if o.first is not None else "")
        out.append(f"  {o.name}: {state}{retry}; {o.seconds:.1f} s, load {o.load[0]:.2f}")
    return out
