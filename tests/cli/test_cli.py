"""The command line as a user runs it: check, match --json, console driven by piped answers."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "mini"


def navigator(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_check_passes_on_the_shipped_data() -> None:
    proc = navigator("check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "OK: " in proc.stdout


def test_check_reports_formal_criteria_left_as_text() -> None:
    proc = navigator("check", "--criteria")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # the summary line, the per-measure and per-kind table, and a warning on encodable text
    assert re.search(r"criteria: \d+ encoded, \d+ formal as text \(\d+ measures capped at «Возможно»\), "
                     r"\d+ expert", proc.stdout)
    assert re.search(r"^it-accreditation +\d+ +1 +0$", proc.stdout, re.M)
    assert re.search(r"^kind +encoded +text +expert +capped$", proc.stdout, re.M)
    assert "formal criterion could be a machine condition" in proc.stdout
    quiet = navigator("check", "--quiet-warnings")
    assert "formal criterion could be a machine condition" not in quiet.stdout
    assert "criteria: " in quiet.stdout and "warning(s)" in quiet.stdout


def test_a_broken_list_file_fails_the_check_with_its_location() -> None:
    broken = Path(__file__).resolve().parents[1] / "fixtures" / "broken" / "malformed_code.list.yaml"
    proc = navigator("check", str(broken))
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    assert f"{broken}:9:5: '26-10-1' is not an ОКВЭД code or class range (path: codes[1]" in proc.stdout


def test_match_json_has_verdicts_and_traces(tmp_path: Path) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text("applicant_type: legal_entity\nregistered_in_moscow: true\nheadcount: 40\nincome_mln: 300\n"
                       "company_age_months: 30\ntax_debt: false\nokved_main: '26.51'\n", encoding="utf-8")
    proc = navigator("match", "--profile", str(profile), "--json", "--measures", str(MINI / "measures.yaml"),
                     "--questionnaire", str(MINI / "questionnaire.yaml"))
    assert proc.returncode == 0, proc.stderr
    results = {r["id"]: r for r in json.loads(proc.stdout)["results"]}
    assert results["club-grant"]["verdict"] == "possible"
    assert results["club-grant"]["path"] == ["club"]
    assert results["student-grant"]["verdict"] == "ineligible"
    trace = results["cheap-loan"]["trace"]
    assert {t["field"] for t in trace} == {"income_mln", "headcount"}
    assert all(t["result"] == "pass" for t in trace)


def test_match_rejects_a_bad_profile_with_a_location(tmp_path: Path) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text("headcount: many\nturnover: 5\n", encoding="utf-8")
    proc = navigator("match", "--profile", str(profile))
    assert proc.returncode == 1
    assert f"{profile}:1:12:" in proc.stderr and f"{profile}:2:1: unknown key 'turnover'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_console_is_driven_to_a_result_by_piped_answers() -> None:
    answers = "1\n1\n1\n10\n50\n24\n26.51\n1\n2\n1\nн\n"  # «н» opens «Не подходит»
    proc = navigator("console", "--measures", str(MINI / "measures.yaml"), "--questionnaire",
                     str(MINI / "questionnaire.yaml"), stdin=answers)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Вопрос 1 из" in out and "Готово" in out
    assert "✅ Подходит: 2" in out and "ЕЩЁ ПОДХОДИТ ВАМ" in out and "н) ✖️ Не подходит · 2" in out
    assert "НЕ ПОДХОДИТ · 2" in out and "Грант клуба на оборудование" in out
    assert "проверено: 01.11.2026" in out  # the full card of the top measure


def test_console_reasks_on_garbage_and_supports_back_and_skip() -> None:
    answers = "1\n1\n<\n1\nмного\n?\n?\n?\n?\n?\n?\n?\n?\n"
    proc = navigator("console", "--measures", str(MINI / "measures.yaml"), "--questionnaire",
                     str(MINI / "questionnaire.yaml"), stdin=answers)
    assert proc.returncode == 0
    assert proc.stdout.count("Кто вы?") == 2  # answered, went back, asked again
    assert "Ответьте 1 (да) или 2 (нет)" in proc.stdout  # «много» to a yes/no question
    assert "Traceback" not in proc.stderr


def test_console_ends_politely_on_eof() -> None:
    proc = navigator("console", stdin="1\n")
    assert proc.returncode == 0
    assert "До встречи" in proc.stdout


def test_a_bad_setting_is_named_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("BOT_TOKEN=1:x\nSTAFF_CHAT_ID=abc\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "run"], capture_output=True, text=True, cwd=tmp_path,
                          timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 2
    assert "STAFF_CHAT_ID='abc'" in proc.stderr and "Traceback" not in proc.stderr


def test_the_env_example_loads_as_defaults(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text((ROOT / ".env.example").read_text(encoding="utf-8"), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "run"], capture_output=True, text=True, cwd=tmp_path,
                          timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 2 and "BOT_TOKEN" in proc.stdout + proc.stderr  # only the token is missing
