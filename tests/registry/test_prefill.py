"""Registry record → profile fields."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rules.prefill import prefill_from_registry, registration_year, registry_headcount_year
from rules.profile import FIELDS
from rules.registry.records import HeadcountRecord, IncomeRecord, RegistryEntry, SmeRecord
from rules.registry.sme_xml import sme_reader
from tests.registry.fixtures import MEMBER_1, OFFICIAL, write_release


def _records(tmp_path: Path) -> dict[str, SmeRecord]:
    return {r.inn: r for r in sme_reader(write_release(tmp_path / "r.zip", {MEMBER_1: OFFICIAL}))}


def test_legal_entity_in_moscow(tmp_path: Path) -> None:
    company = _records(tmp_path)["7700000016"]
    prefill = prefill_from_registry(RegistryEntry("7700000016", company))
    assert prefill.values == {
        "inn": "7700000016",
        "applicant_type": "legal_entity",
        "company_name": 'ООО "ТЕСТ-ИННОВАЦИИ"',
        "sme_category": "small",
        "okved_main": "62.01",
        "registered_in_moscow": True,
        "headcount": 42,
    }
    assert set(prefill.values) <= set(FIELDS)  # only vocabulary fields
    assert prefill.state_date == date(2026, 9, 10)
    assert prefill.as_of["sme_category"] == date(2026, 9, 10)
    assert prefill.as_of["headcount"] == date(2025, 12, 31)  # a September release: last year's ССЧР
    assert prefill.to_confirm == frozenset()
    assert prefill.facts["has_innovative_product"] is True and prefill.facts["registration_year"] == 2002


def test_sole_proprietor_outside_moscow_is_to_confirm(tmp_path: Path) -> None:
    prefill = prefill_from_registry(RegistryEntry("500000000029", _records(tmp_path)["500000000029"]))
    assert prefill.values["applicant_type"] == "sole_proprietor"
    assert prefill.values["registered_in_moscow"] is False
    assert "registered_in_moscow" in prefill.to_confirm  # a default, not a verdict
    assert "headcount" not in prefill.values and "company_name" not in prefill.values
    assert "income_mln" not in prefill.values


def test_okved_2001_is_unknown(tmp_path: Path) -> None:
    prefill = prefill_from_registry(RegistryEntry("770000000082", _records(tmp_path)["770000000082"]))
    assert "okved_main" not in prefill.values
    assert prefill.facts["okved_outdated"] == "52.48.3"


def test_not_found_fills_nothing() -> None:
    prefill = prefill_from_registry(RegistryEntry("7707083893", None, registry_state_date=date(2026, 9, 10)))
    assert not prefill.found and prefill.values == {} and prefill.state_date == date(2026, 9, 10)


def test_income_and_the_newer_headcount_win(tmp_path: Path) -> None:
    company = _records(tmp_path)["7700000016"]._replace(state_date=date(2026, 3, 10))  # ССЧР for 2024
    entry = RegistryEntry(
        "7700000016",
        company,
        income=IncomeRecord("7700000016", 123_456_789.0, 100.0, date(2025, 12, 31)),
        headcount=HeadcountRecord("7700000016", 57, date(2025, 12, 31)),
    )
    prefill = prefill_from_registry(entry)
    assert prefill.values["income_mln"] == 123.457 and prefill.as_of["income_mln"] == date(2025, 12, 31)
    assert prefill.values["headcount"] == 57 and prefill.as_of["headcount"] == date(2025, 12, 31)
    older = entry.__class__(
        "7700000016", company, headcount=HeadcountRecord("7700000016", 57, date(2023, 12, 31))
    )
    assert prefill_from_registry(older).values["headcount"] == 42


def test_unconfirmed_subject_kind_leaves_applicant_type_unknown(tmp_path: Path) -> None:
    company = _records(tmp_path)["500000000029"]._replace(subject_kind=3)
    assert "applicant_type" not in prefill_from_registry(RegistryEntry(company.inn, company)).values


def test_headcount_year_and_registration_year() -> None:
    assert registry_headcount_year(date(2026, 6, 10)) == 2024
    assert registry_headcount_year(date(2026, 7, 10)) == 2025
    assert registration_year("1227700000010") == 2022
    assert registration_year("325500000000002") == 2025
    assert registration_year(None) is None and registration_year("12") is None
