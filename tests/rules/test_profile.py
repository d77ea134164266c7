"""209-ФЗ categories on both sides of every threshold, derived fields, OKVED matching."""

from __future__ import annotations

import pytest

from rules.okved import matches, parse_okved
from rules.profile import derive, sme_category


@pytest.mark.parametrize(
    ("headcount", "income", "expected"),
    [
        (15, 120, "micro"),
        (16, 120, "small"),
        (15, 120.01, "small"),
        (100, 800, "small"),
        (101, 800, "medium"),
        (100, 801, "medium"),
        (250, 2000, "medium"),
        (251, 10, "large"),
        (10, 2000.5, "large"),
        (0, 0, "micro"),
        # the larger of the two categories wins (art. 4 part 4)
        (5, 700, "small"),
        (200, 50, "medium"),
    ],
)
def test_sme_category_thresholds(headcount: int, income: float, expected: str) -> None:
    assert sme_category("legal_entity", headcount, income) == expected


def test_unknown_input_keeps_category_unknown_unless_large_is_decided() -> None:
    assert sme_category("legal_entity", 10, None) is None
    assert sme_category("legal_entity", None, 100) is None
    assert sme_category("legal_entity", 300, None) == "large"
    assert sme_category("legal_entity", None, 5000) == "large"


def test_individuals_are_not_smes() -> None:
    assert sme_category("individual", 3, 1) == "none"
    assert sme_category("self_employed", None, None) == "none"
    assert sme_category("sole_proprietor", 3, 1) == "micro"


def test_derive_fills_category_and_manufacturing_without_overwriting() -> None:
    profile = derive({"applicant_type": "legal_entity", "headcount": 60, "income_mln": 400, "okved_main": "26.51"})
    assert profile["sme_category"] == "small"
    assert profile["is_manufacturing"] is True
    assert derive({"okved_main": "62.01"})["is_manufacturing"] is False
    assert derive({"sme_category": "medium", "headcount": 3, "income_mln": 1})["sme_category"] == "medium"
    assert derive({"needs": ["grant"], "tax_debt": None}) == {"needs": frozenset({"grant"})}


@pytest.mark.parametrize(
    ("code", "pattern", "expected"),
    [
        ("26.51", "10-33", True),
        ("33.20", "10-33", True),
        ("09.10", "10-33", False),
        ("34", "10-33", False),
        ("62.01", "62", True),
        ("62.01", "62.0", True),  # ОКВЭД is a hierarchy: 62.01 lies in subclass 62.0
        ("26.51", "26.51", True),
        ("26.51.1", "26.51", True),
        ("26.5", "26.51", False),
    ],
)
def test_okved_patterns(code: str, pattern: str, expected: bool) -> None:
    assert matches(code, pattern) is expected


def test_okved_parsing() -> None:
    assert parse_okved(" 26,51 ") == "26.51"
    assert parse_okved("abc") is None
    assert parse_okved("2651") is None
