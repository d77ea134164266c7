"""How many questions typical applicants answer (issue 3: «about 12 at most for a typical company»).

Each persona answers every question it is asked (no «не знаю»), so the count is what the
engine's skipping and the questionnaire's branches achieve. The budget is 12; the two
grant- and equipment-seeking tech profiles are over it because every one of their remaining
questions still decides at least one measure they asked for (measured 2026-11-27: IT startup 15,
manufacturer 14 — both including the always-asked «какими мерами пользовались» and company
name). The limits below are the figures reached, so a change that makes a path longer fails.
"""

from __future__ import annotations

from typing import Any

import pytest

from rules.data import Bundle
from rules.reachability import questions_asked

BUDGET = 12

_ANSWERS_NO: dict[str, Any] = {
    "registered_in_moscow": True,
    "tax_debt": False,
    "cluster": "none",
    "mik_member": False,
    "technopark_resident": False,
    "sez_resident": False,
    "skolkovo_participant": False,
    "mtk_status": False,
    "it_accredited": False,
    "msp_platform_account": False,
    "has_ip": False,
    "received_fsi_support": False,
    "exports": False,
    "plans_export": False,
    "used_measures": frozenset(),
    "company_name": "ООО «Пример»",
}

# persona → (profile, the most questions it may be asked)
TYPICAL: dict[str, tuple[dict[str, Any], int]] = {
    "3-person IT startup wanting a grant": ({
        **_ANSWERS_NO, "needs": frozenset({"grant"}), "applicant_type": "legal_entity", "headcount": 3,
        "income_mln": 5, "company_age_months": 8, "okved_main": "62.01", "sector": "it",
        "stage": "prototype", "does_rnd": True,
    }, 11),
    "60-person manufacturer wanting equipment and export": ({
        **_ANSWERS_NO, "needs": frozenset({"equipment", "export"}), "applicant_type": "legal_entity",
        "headcount": 60, "income_mln": 400, "company_age_months": 120, "okved_main": "26.51",
        "sector": "electronics", "stage": "growth", "does_rnd": True, "cluster": "zelenograd",
        "plans_export": True,
    }, 12),  # issue 13: +1 — `stage` now decides ФСИ «Коммерциализация» (equipment for serial production)
    "300-person company wanting loans and subsidies": ({
        **_ANSWERS_NO, "needs": frozenset({"loan", "subsidy"}), "applicant_type": "legal_entity",
        "headcount": 300, "income_mln": 5000, "company_age_months": 200, "okved_main": "28.41",
        "sector": "machinery", "stage": "scaling", "does_rnd": False,
    }, BUDGET),
    "student wanting a grant": ({
        **_ANSWERS_NO, "needs": frozenset({"grant"}), "applicant_type": "individual", "is_student": True,
        "age_years": 21, "sector": "it", "stage": "idea", "does_rnd": True,
    }, BUDGET),
    "ИП in retail wanting a loan": ({
        **_ANSWERS_NO, "needs": frozenset({"loan"}), "applicant_type": "sole_proprietor", "headcount": 2,
        "income_mln": 20, "company_age_months": 30, "okved_main": "47.91", "sector": "trade",
        "stage": "growth", "does_rnd": False,
    }, BUDGET),
}


@pytest.mark.parametrize("name", list(TYPICAL))
def test_typical_path_stays_short(bundle: Bundle, name: str) -> None:
    profile, limit = TYPICAL[name]
    asked = questions_asked(bundle, profile)
    assert len(asked) <= limit, f"{name}: {len(asked)} questions — {', '.join(asked)}"
    assert len(asked) == len(set(asked)), "a question was asked twice"


def test_most_typical_paths_fit_the_budget(bundle: Bundle) -> None:
    within = [name for name, (profile, _) in TYPICAL.items() if len(questions_asked(bundle, profile)) <= BUDGET]
    assert len(within) >= 3, within


def test_company_questions_are_not_put_to_a_student(bundle: Bundle) -> None:
    asked = questions_asked(bundle, TYPICAL["student wanting a grant"][0])
    assert not {"headcount", "income_mln", "okved_main", "tax_debt"} & set(asked)
