"""The benchmark runner's decisions on synthetic results: no real benchmark runs here."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bench.result import PREFIX, Check, Result, emit
from bench.runner import Outcome, exit_code, markdown, parse, run_all

HOST = {"date": "2026-11-27", "cpu": "x86_64, 2 ядра", "python": "3.11.7", "load": (1.5, 0.75, 0.25)}


def result(ratio: float, target: float = 1.5, op: str = "<=") -> Result:
    return Result("core_bench", [Check("Загрузка каталога", "5,4 с", "разбор 4,6 с", ratio, target, op)])


def scripted(runs: dict[str, list[Outcome]]) -> tuple[Callable[[str], Outcome], list[str]]:
    """A fake ``run_once`` playing back the given outcomes per benchmark, recording the calls."""
    calls: list[str] = []

    def run_once(name: str) -> Outcome:
        calls.append(name)
        return runs[name].pop(0)

    return run_once, calls


def test_met_target_runs_once_and_exits_zero() -> None:
    run_once, calls = scripted({"core_bench": [Outcome("core_bench", 0, [result(1.2)])]})
    outcomes = run_all(["core_bench"], run_once)
    assert calls == ["core_bench"]
    assert exit_code(outcomes) == 0


def test_missed_target_is_rerun_once_and_a_second_miss_fails() -> None:
    run_once, calls = scripted({"core_bench": [Outcome("core_bench", 1, [result(1.7)]),
                                               Outcome("core_bench", 1, [result(1.6)])]})
    outcomes = run_all(["core_bench"], run_once)
    assert calls == ["core_bench", "core_bench"]
    assert outcomes[0].attempts == 2 and outcomes[0].results[0].checks[0].ratio == 1.6
    assert exit_code(outcomes) == 1


def test_a_miss_absorbed_by_the_rerun_passes() -> None:
    run_once, calls = scripted({"core_bench": [Outcome("core_bench", 1, [result(1.7)]),
                                               Outcome("core_bench", 0, [result(1.3)])]})
    outcomes = run_all(["core_bench"], run_once)
    assert calls == ["core_bench", "core_bench"]
    assert exit_code(outcomes) == 0
    assert outcomes[0].first is not None and outcomes[0].first.missed


def test_higher_is_better_targets() -> None:
    assert result(0.61, 0.6, ">=").ok and not result(0.59, 0.6, ">=").ok


def test_a_crash_fails_without_a_rerun() -> None:
    run_once, calls = scripted({"bot_bench": [Outcome("bot_bench", 1, [])],
                                "core_bench": [Outcome("core_bench", 0, [result(1.0)])]})
    outcomes = run_all(["bot_bench", "core_bench"], run_once)
    assert calls == ["bot_bench", "core_bench"]
    assert exit_code(outcomes) == 1


def test_result_line_round_trips_and_emit_returns_the_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert emit("core_bench", [Check("a", "1", "2", 2.0, 1.5)]) == 1
    assert emit("core_bench", [Check("a", "1", "2", 1.0, 1.5), Check("b", "1", "2", 9.0)]) == 0
    parsed = parse(capsys.readouterr().out)
    assert [r.ok for r in parsed] == [False, True]
    assert parsed[1].checks[1].target is None  # report-only row
    assert parse(f"noise\n{PREFIX}{result(1.2).to_json()}\n")[0].checks[0].ratio == 1.2


def test_markdown_table_is_generated_from_the_results() -> None:
    retried = Outcome("core_bench", 0, [result(1.3)], attempts=2)
    missed = Outcome("registry_bench", 1, [Result("registry_bench", [
        Check("Импорт реестра, PostgreSQL", "18 935 записей/с", "разбор 52 576/с", 0.36, 0.5, ">=")])])
    crashed = Outcome("bot_bench", 1, [], load=(3.0, 2.0, 1.0))
    table = markdown([retried, missed, crashed], HOST).splitlines()
    assert "1,50 / 0,75 / 0,25" in table[0]
    assert table[2].startswith("| Бенчмарк |")
    assert table[4].startswith("| Загрузка каталога | 5,4 с | разбор 4,6 с | 1,30 | ≤ 1,50 | выполнена (со второго")
    assert "| 0,36 | ≥ 0,50 | **НЕ выполнена** |" in table[5]
    assert table[6].startswith("| bot_bench | упал (код 1)")
