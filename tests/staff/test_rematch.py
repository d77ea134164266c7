"""Who hears about a changed catalogue: only users whose verdict became better, once per version."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from bench.rematch_bench import changed_catalogue, random_profiles
from rules.catalogue import Catalogue, load_catalogue
from rules.catalogue_diff import diff_catalogues
from rules.eligibility import Verdict, match
from rules.profile import derive
from rules.rematch import deadline_reminders, rematch, targets
from tests.conftest import MEASURES

FIXTURE = Path(__file__).resolve().parent.parent / "bot" / "data" / "measures.yaml"
TEXT = FIXTURE.read_text(encoding="utf-8")
TODAY = dt.date(2026, 11, 27)
MOSCOW_COMPANY = {"applicant_type": "legal_entity", "registered_in_moscow": True, "headcount": 12,
                  "income_mln": 85.5, "company_age_months": 6, "tax_debt": False}
YOUNG = {**MOSCOW_COMPANY, "company_age_months": 6}  # the grant wants 12 months (margin 2)
OLD = {**MOSCOW_COMPANY, "company_age_months": 30}


def edited(old: str, new: str) -> Catalogue:
    assert TEXT.count(old) == 1, old
    return load_catalogue(FIXTURE, TEXT.replace(old, new))


@pytest.fixture(scope="module")
def before() -> Catalogue:
    return load_catalogue(FIXTURE)


def alerts_for(before: Catalogue, after: Catalogue, profiles: dict[int, dict]) -> set[tuple[int, str, Verdict]]:
    found = rematch(before, after, diff_catalogues(before, after), profiles.items(), TODAY)
    return {(a.user_id, a.measure.id, a.verdict) for a in found}


def test_the_same_catalogue_or_a_changed_amount_alerts_nobody(before: Catalogue) -> None:
    profiles = {1: YOUNG, 2: OLD}
    assert alerts_for(before, load_catalogue(FIXTURE), profiles) == set()
    richer = edited("max_rub: 1000000", "max_rub: 2000000")
    assert targets(before, richer, diff_catalogues(before, richer)) == ()
    assert alerts_for(before, richer, profiles) == set()


def test_a_relaxed_criterion_alerts_only_the_newly_eligible(before: Catalogue) -> None:
    relaxed = edited("{field: company_age_months, min: 12}", "{field: company_age_months, min: 3}")
    found = alerts_for(before, relaxed, {1: YOUNG, 2: OLD, 3: {**YOUNG, "tax_debt": True}})
    # 1 was ineligible (6 months) and now qualifies; 2 qualified already; 3 has a tax debt
    assert found == {(1, "test-moscow-grant", Verdict.ELIGIBLE)}


def test_a_new_measure_alerts_who_qualifies_but_not_who_used_it(before: Catalogue) -> None:
    block = TEXT[TEXT.index("  - id: test-sme-loan"):TEXT.index("  - id: test-training")]
    added = load_catalogue(FIXTURE, TEXT + "\n" + block.replace("id: test-sme-loan", "id: test-sme-loan-2027"))
    found = alerts_for(before, added, {
        1: OLD,
        2: {**OLD, "used_measures": ["test-sme-loan-2027"]},
        3: {**OLD, "headcount": 5000, "income_mln": 90000},  # a large company: not an SME
        4: {"needs": ["loan"]},  # nothing known yet: possible
    })
    assert found == {(1, "test-sme-loan-2027", Verdict.ELIGIBLE), (4, "test-sme-loan-2027", Verdict.POSSIBLE)}


def test_a_closed_window_is_no_news_and_a_reopened_one_is(before: Catalogue) -> None:
    closed = edited("    window: {status: rolling}", "    window: {status: closed}")
    assert alerts_for(before, closed, {1: OLD}) == set()
    assert alerts_for(closed, before, {1: OLD}) == {(1, "test-sme-loan", Verdict.ELIGIBLE)}


BETTER = {Verdict.INELIGIBLE: 0, Verdict.POSSIBLE: 1, Verdict.ELIGIBLE: 2}


def alerts_by_the_rule(before: Catalogue, after: Catalogue, profiles: list[tuple[int, Mapping[str, Any]]],
                       today: dt.date) -> set[tuple[int, str]]:
    """The oracle: the alert rule of rules/rematch.py's docstring, written out again over two full
    ``match()`` runs per profile — no diff, no targets, no shared helper of the re-match (verdicts
    themselves are the engine's, which the YAML cases test; ``derive`` turns the saved checklist
    answers into the status facts)."""
    out = set()
    for user_id, saved in profiles:
        profile = derive(saved)
        old = {r.measure.id: r.verdict for r in match(before, profile, today)}
        used = set(profile.get("used_measures") or ())
        for result in match(after, profile, today):
            measure = result.measure
            if result.verdict is Verdict.INELIGIBLE or measure.window.effective_status(today) in (
                "closed", "budget_exhausted"
            ):
                continue  # nothing the entrepreneur can do
            if measure.id in used or (measure.status_field and profile.get(measure.status_field) is True):
                continue  # already received, or the status is already held
            previous = before.by_id.get(measure.id)
            if previous is None or BETTER[result.verdict] > BETTER[old[measure.id]] or (
                previous.window.effective_status(today) in ("closed", "budget_exhausted")
            ):
                out.add((user_id, measure.id))
    return out


def test_rematch_agrees_with_the_rule_applied_from_scratch_on_the_shipped_catalogue() -> None:
    shipped = load_catalogue(MEASURES)
    changed = changed_catalogue(shipped)  # three criteria relaxed, closed windows reopened, three copies added
    gateways = [dataclasses.replace(m, id=f"{m.id}-2027") for m in shipped.measures if m.status_field]
    changed = Catalogue(changed.measures + tuple(gateways), changed.margins, changed.path, "changed")  # + gateways
    profiles = random_profiles(400, shipped, seed=11)
    found = rematch(shipped, changed, diff_catalogues(shipped, changed), profiles, TODAY)
    expected = alerts_by_the_rule(shipped, changed, profiles, TODAY)
    assert len(expected) > 50, "the change should alert many of the 400"
    assert {(a.user_id, a.measure.id) for a in found} == expected
    holders = {uid for uid, profile in profiles if any(derive(profile).get(m.status_field) is True
                                                       for m in changed.measures if m.status_field)}
    assert holders, "some profiles should hold a gateway status, so the rule's exception is exercised"


def test_deadline_reminders_go_to_the_eligible_within_the_horizon(before: Catalogue) -> None:
    closing = edited("    window: {status: rolling}", "    window: {status: rolling, until: 2026-12-01}")
    profiles = [(1, OLD), (2, {"needs": ["loan"]}), (3, {**OLD, "used_measures": ["test-sme-loan"]})]
    found = deadline_reminders(closing, profiles, TODAY, days=7)
    assert [(a.user_id, a.measure.id, a.key, a.closes) for a in found] == [
        (1, "test-sme-loan", "deadline:2026-12-01", dt.date(2026, 12, 1))
    ]  # 2 is only «возможно», 3 already received it
    assert deadline_reminders(closing, profiles, TODAY, days=3) == []  # 4 days left: not yet
    assert deadline_reminders(closing, profiles, dt.date(2026, 12, 2), days=7) == []  # closed
