"""`navigator ask` and `navigator eval-search` end to end through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]
MEASURES = str(ROOT / "measures.yaml")


def test_ask_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "субсидия лизинг москва", "--json", "--measures", MEASURES]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["hits"]
    for hit in payload["hits"]:
        assert hit["kind"] in ("measure", "faq")
        assert isinstance(hit["id"], str) and isinstance(hit["score"], float)
    assert payload["hits"][0]["id"] in {"mfppp-leasing-subsidy", "leasing-compensation"}
    assert payload["confident"] is True


def test_ask_with_profile_marks_verdicts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text(
        "applicant_type: legal_entity\nregistered_in_moscow: true\nokved_main: \"62.01\"\n"
        "headcount: 8\nincome_mln: 30\ncompany_age_months: 10\n",
        encoding="utf-8",
    )
    code = main(["ask", "компенсация процентов по инвесткредиту", "--json", "--limit", "10",
                 "--profile", str(profile), "--measures", MEASURES])
    assert code == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    ineligible = [h for h in hits if h.get("verdict") == "ineligible"]
    assert ineligible and all(h["reason"] for h in ineligible)


def test_ask_text_says_when_it_is_not_sure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "как оформить визу в италию", "--measures", MEASURES]) == 0
    out = capsys.readouterr().out
    assert "Не уверен" in out or "Ничего не нашлось" in out
    assert "консультант" in out


def test_ask_reports_a_bad_profile_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text("no_such_field: 1\n", encoding="utf-8")
    assert main(["ask", "кредит", "--profile", str(profile), "--measures", MEASURES]) == 1
    assert f"{profile}:1:1" in capsys.readouterr().err


def test_eval_search_prints_both_parts_and_the_baseline(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval-search", "--measures", MEASURES]) == 0
    out = capsys.readouterr().out
    for needle in ("tuning", "holdout", "baseline (WRatio over titles)", "search (lemmas)", "gain over the baseline"):
        assert needle in out
