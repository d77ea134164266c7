"""Verdict rules of DESIGN 3.3 on a tiny catalogue: margins, unknowns, gateways, windows, ranking."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rules.catalogue import Catalogue, load_catalogue
from rules.conditions import Status
from rules.eligibility import Verdict, explain, match, trace_json, verdicts

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"
TODAY = dt.date(2026, 11, 27)
MEMBER = {
    "applicant_type": "legal_entity",
    "registered_in_moscow": True,
    "headcount": 40,
    "income_mln": 300,
    "company_age_months": 30,
    "tax_debt": False,
    "okved_main": "26.51",
    "mik_member": True,
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(MINI / "measures.yaml")


def test_everything_passes_and_gateway_held_is_eligible(catalogue: Catalogue) -> None:
    assert verdicts(catalogue, MEMBER)["club-grant"] is Verdict.ELIGIBLE


def test_gateway_not_held_but_reachable_is_possible_with_a_path(catalogue: Catalogue) -> None:
    profile = {**MEMBER, "mik_member": False}
    result = next(r for r in match(catalogue, profile, TODAY) if r.measure.id == "club-grant")
    assert result.verdict is Verdict.POSSIBLE
    assert [s.measure.id for s in result.path] == ["club"]
    explanation = explain(catalogue, "club-grant", profile, TODAY)
    assert explanation.deciding_gateway is not None and explanation.deciding_gateway.measure.id == "club"


def test_gateway_ineligible_makes_the_measure_ineligible(catalogue: Catalogue) -> None:
    profile = {**MEMBER, "mik_member": False, "registered_in_moscow": False}
    assert verdicts(catalogue, profile)["club-grant"] is Verdict.INELIGIBLE


def test_gateway_listed_as_used_counts_as_held(catalogue: Catalogue) -> None:
    profile = {**MEMBER, "mik_member": None, "used_measures": ["club"]}
    assert verdicts(catalogue, profile)["club-grant"] is Verdict.ELIGIBLE


@pytest.mark.parametrize(
    ("age", "expected"),
    [(12, Verdict.ELIGIBLE), (11, Verdict.POSSIBLE), (10, Verdict.POSSIBLE), (9, Verdict.INELIGIBLE)],
)
def test_margin_turns_a_near_miss_into_possible(catalogue: Catalogue, age: int, expected: Verdict) -> None:
    assert verdicts(catalogue, {**MEMBER, "company_age_months": age})["club-grant"] is expected


@pytest.mark.parametrize(("income", "expected"), [(800, "eligible"), (850, "possible"), (850.5, "ineligible")])
def test_margin_on_a_maximum(catalogue: Catalogue, income: float, expected: str) -> None:
    assert verdicts(catalogue, {"income_mln": income, "headcount": 10})["cheap-loan"].value == expected


def test_unknown_is_possible_and_a_failure_beats_an_unknown(catalogue: Catalogue) -> None:
    assert verdicts(catalogue, {"headcount": 10})["cheap-loan"] is Verdict.POSSIBLE
    assert verdicts(catalogue, {"headcount": 1000})["cheap-loan"] is Verdict.INELIGIBLE


def test_any_passes_on_one_branch_even_if_the_other_is_unknown(catalogue: Catalogue) -> None:
    profile = {**MEMBER, "okved_main": None, "sector": "electronics"}
    assert verdicts(catalogue, profile)["club-grant"] is Verdict.ELIGIBLE


def test_large_company_is_ineligible_for_sme_only_measures(catalogue: Catalogue) -> None:
    profile = {**MEMBER, "headcount": 300, "income_mln": 5000}
    explanation = explain(catalogue, "club-grant", profile, TODAY)
    assert explanation.result.verdict is Verdict.INELIGIBLE
    assert explanation.deciding is not None and explanation.deciding.field == "sme_category"
    assert explanation.deciding.actual == "крупная компания"


def test_window_ranks_but_does_not_decide(catalogue: Catalogue) -> None:
    profile = {"applicant_type": "individual", "is_student": True, "age_years": 20}
    assert verdicts(catalogue, profile)["student-grant"] is Verdict.ELIGIBLE  # window closed
    result = next(r for r in match(catalogue, profile, TODAY) if r.measure.id == "student-grant")
    assert result.window_open is False


def test_ranking_eligible_first_then_needs_then_open_window(catalogue: Catalogue) -> None:
    profile = {**MEMBER, "needs": ["loan"]}
    ranked = [(r.measure.id, r.verdict.value) for r in match(catalogue, profile, TODAY)]
    assert ranked[0] == ("cheap-loan", "eligible")  # fits the need, despite a paused window
    assert ranked[-1] == ("student-grant", "ineligible")
    without_need = [r.measure.id for r in match(catalogue, MEMBER, TODAY)]
    assert without_need.index("club-grant") < without_need.index("cheap-loan")  # open window first


def test_used_measures_are_marked_and_go_last_in_their_group(catalogue: Catalogue) -> None:
    results = match(catalogue, {**MEMBER, "used_measures": ["club-grant"]}, TODAY)
    eligible = [r for r in results if r.verdict is Verdict.ELIGIBLE]
    assert eligible[-1].measure.id == "club-grant" and eligible[-1].already_used


def test_trace_names_expected_actual_and_result(catalogue: Catalogue) -> None:
    profile = {**MEMBER, "company_age_months": 3, "tax_debt": None}
    explanation = explain(catalogue, "club-grant", profile, TODAY)
    trace = trace_json(explanation)
    age = next(t for t in trace if t["field"] == "company_age_months")
    assert age["result"] == "fail" and age["actual"] == "3 мес." and age.get("deciding") is True
    debt = next(t for t in trace if t["field"] == "tax_debt")
    assert debt["result"] == "unknown"
    statuses = {line.field: line.status for line in explanation.lines if not line.group}
    assert statuses["sme_category"] is Status.PASS
