"""Consultant-judged evaluation (issue 13, step 5): the engine against expectations written from
the programmes' own rules. The targets are the product's promise, so nothing here is xfail."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from rules.data import Bundle
from rules.errors import DataError
from rules.verdict_eval import (
    TARGET_PRECISION,
    TARGET_RECALL,
    TARGET_WRONG_INELIGIBLE,
    evaluate,
    format_report,
    load_cases,
)

CASES_DIR = Path(__file__).parent


def test_expectations_cover_the_catalogue(bundle: Bundle) -> None:
    cases = load_cases(CASES_DIR, bundle.catalogue)
    assert len(cases.expectations) >= 70
    covered = {e.measure for e in cases.expectations}
    kinds = {m.kind for m in bundle.catalogue.measures if m.id in covered}
    assert kinds == {m.kind for m in bundle.catalogue.measures}
    assert {m.level for m in bundle.catalogue.measures if m.id in covered} == {"federal", "moscow"}
    applicants = {cases.profiles[e.profile].profile.get("applicant_type") for e in cases.expectations}
    assert applicants >= {"legal_entity", "sole_proprietor", "self_employed", "individual", "university",
                          "research_org"}
    assert all(e.rule for e in cases.expectations)


def test_verdicts_meet_the_consultant_targets(bundle: Bundle) -> None:
    report = evaluate(bundle.catalogue, load_cases(CASES_DIR, bundle.catalogue))
    text = format_report(report)
    assert report.precision >= TARGET_PRECISION, text
    assert report.wrong_ineligible <= TARGET_WRONG_INELIGIBLE, text
    assert report.recall >= TARGET_RECALL, text


_PROFILE = """\
profiles:
  someone:
    description: a Moscow company
    profile:
      applicant_type: legal_entity
      registered_in_moscow: true
"""


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "cases.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_loader_rejects_an_unknown_key_with_its_line(tmp_path: Path, bundle: Bundle) -> None:
    text = _PROFILE + """\
expectations:
  - profile: someone
    measure: mik-participation
    accept: [eligible]
    rule: МИК admits Moscow companies
    verdict: eligible
"""
    with pytest.raises(DataError) as caught:
        load_cases(_write(tmp_path, text), bundle.catalogue)
    assert any(p.line == 12 and "unknown key 'verdict'" in p.message and p.file.endswith("cases.yaml")
               for p in caught.value.problems), str(caught.value)


def test_loader_rejects_an_unknown_measure_id_with_its_line(tmp_path: Path, bundle: Bundle) -> None:
    text = _PROFILE + """\
expectations:
  - profile: someone
    measure: mik-participaton
    accept: [eligible]
    rule: МИК admits Moscow companies
"""
    with pytest.raises(DataError) as caught:
        load_cases(_write(tmp_path, text), bundle.catalogue)
    problem = caught.value.problems[0]
    assert (problem.line, "unknown measure id 'mik-participaton'") == (9, problem.message)
    assert "mik-participation" in problem.hint


@pytest.mark.parametrize("bad, message", [
    ("    facts: {owns_a_yacht: true}\n", "unknown key 'owns_a_yacht' in facts"),
    ("    facts: {it_income_share_pct: 130}\n", "above the maximum"),
    ("    rule_text: x\n", "unknown key 'rule_text'"),
])
def test_loader_rejects_unknown_facts_and_keys_in_profiles(tmp_path: Path, bundle: Bundle, bad: str,
                                                           message: str) -> None:
    text = _PROFILE + bad + "expectations:\n  - {profile: someone, measure: mik-participation, accept: [eligible], rule: r}\n"
    with pytest.raises(DataError) as caught:
        load_cases(_write(tmp_path, text), bundle.catalogue)
    assert any(message in p.message and p.line == 7 for p in caught.value.problems), str(caught.value)
    assert not any("unknown profile" in p.message for p in caught.value.problems), str(caught.value)


def test_loader_rejects_an_unknown_profile_and_a_duplicate_pair(tmp_path: Path, bundle: Bundle) -> None:
    text = _PROFILE + """\
expectations:
  - {profile: nobody, measure: mik-participation, accept: [eligible], rule: r}
  - {profile: someone, measure: mik-participation, accept: [eligible], rule: r}
  - {profile: someone, measure: mik-participation, accept: [possible], rule: r}
"""
    with pytest.raises(DataError) as caught:
        load_cases(_write(tmp_path, text), bundle.catalogue)
    messages = [(p.line, p.message) for p in caught.value.problems]
    assert any(line == 8 and "unknown profile 'nobody'" in m for line, m in messages), messages
    assert any(line == 10 and "duplicate expectation" in m for line, m in messages), messages


def test_cli_prints_the_three_figures_last(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = _PROFILE + "expectations:\n  - {profile: someone, measure: mik-participation, accept: [eligible, possible], rule: r}\n"
    code = main(["eval-verdicts", "--cases", str(_write(tmp_path, text))])
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split()[0] for line in lines[-3:]] == ["precision", "recall", "wrong_ineligible"]
    assert code == 0


def test_cli_exits_non_zero_when_a_target_is_missed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = _PROFILE + "expectations:\n  - {profile: someone, measure: mik-participation, accept: [ineligible], rule: r}\n"
    assert main(["eval-verdicts", "--cases", str(_write(tmp_path, text))]) == 1
    assert "overstated" in capsys.readouterr().out


def test_cli_reports_a_broken_case_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval-verdicts", "--cases", str(_write(tmp_path, "expectations: [\n"))]) == 2
    assert "cases.yaml:" in capsys.readouterr().err
