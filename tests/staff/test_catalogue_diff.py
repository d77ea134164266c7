"""The admin's diff after a reload: added, removed, and changed field by field."""

from __future__ import annotations

import dataclasses

import pytest

from rules.catalogue import Catalogue, load_catalogue
from rules.catalogue_diff import diff_catalogues, fingerprint, render_condition
from rules.data import Bundle
from tests.conftest import MEASURES

TEXT = MEASURES.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def shipped() -> Catalogue:
    return load_catalogue(MEASURES)


def edited(old: str, new: str) -> Catalogue:
    assert TEXT.count(old) == 1, old
    return load_catalogue(MEASURES, TEXT.replace(old, new))


def test_the_diff_of_a_changed_amount(shipped: Catalogue) -> None:
    after = edited("      max_rub: 500000000\n      term_months: 84", "      max_rub: 700000000\n      term_months: 84")
    diff = diff_catalogues(shipped, after)
    assert not diff.added and not diff.removed and not diff.margins
    [change] = diff.changed
    assert change.id == "industrial-mortgage"
    assert [(c.name, c.before, c.after) for c in change.changes] == [
        ("amount.max_rub", "500 000 000", "700 000 000")
    ]
    assert not change.match_relevant  # a bigger amount turns no verdict
    summary = diff.summary()
    assert "изменено 1" in summary
    assert "«Промышленная ипотека»" in summary
    assert "максимум, ₽: 500 000 000 → 700 000 000" in summary
    assert fingerprint(change.before) != fingerprint(change.after)


def test_the_same_file_gives_an_empty_diff(shipped: Catalogue) -> None:
    diff = diff_catalogues(shipped, load_catalogue(MEASURES))
    assert diff.empty
    assert diff.summary().startswith("Каталог не изменился")


def test_added_and_removed_measures(shipped: Catalogue) -> None:
    last = shipped.measures[-1]
    smaller = Catalogue(shipped.measures[:-1], shipped.margins, shipped.path, "smaller")
    diff = diff_catalogues(smaller, shipped)
    assert [m.id for m in diff.added] == [last.id] and not diff.removed and not diff.changed
    back = diff_catalogues(shipped, smaller)
    assert [m.id for m in back.removed] == [last.id] and not back.added
    assert "Удалены:" in back.summary() and last.id in back.summary()


def test_a_changed_criterion_is_relevant_for_matching(shipped: Catalogue) -> None:
    after = edited('{field: income_mln, max: 2000, label: "Выручка не больше 2 млрд ₽"}',
                   '{field: income_mln, max: 3000, label: "Выручка не больше 2 млрд ₽"}')
    [change] = diff_catalogues(shipped, after).changed
    assert [c.name for c in change.changes] == ["eligibility"]
    assert "income_mln ≤ 2000" in change.changes[0].before
    assert "income_mln ≤ 3000" in change.changes[0].after
    assert change.match_relevant


def test_reordering_conditions_or_measures_is_no_change(shipped: Catalogue) -> None:
    swapped = edited(
        "        - {field: applicant_type, in: [legal_entity, sole_proprietor]}\n"
        '        - {field: okved_main, okved: ["10-33"], label: "Промышленное производство (ОКВЭД раздела C)"}\n',
        '        - {field: okved_main, okved: ["10-33"], label: "Промышленное производство (ОКВЭД раздела C)"}\n'
        "        - {field: applicant_type, in: [sole_proprietor, legal_entity]}\n",
    )
    assert diff_catalogues(shipped, swapped).empty
    reversed_order = Catalogue(tuple(reversed(shipped.measures)), shipped.margins, shipped.path, "r")
    assert diff_catalogues(shipped, reversed_order).empty
    moved = dataclasses.replace(shipped.measures[0], line=9999)
    assert fingerprint(moved) == fingerprint(shipped.measures[0])


def test_window_and_margin_changes(shipped: Catalogue) -> None:
    after = edited("    window:\n      status: budget_exhausted\n      note: Выдача практически",
                   "    window:\n      status: open\n      note: Выдача практически")
    [change] = diff_catalogues(shipped, after).changed
    assert [(c.name, c.after) for c in change.changes] == [("window.status", "приём заявок открыт")]
    assert change.match_relevant
    margins = edited("    headcount: 5            # people", "    headcount: 10            # people")
    diff = diff_catalogues(shipped, margins)
    assert [(c.name, c.before, c.after) for c in diff.margins] == [("margins.headcount", "5", "10")]
    assert "Допуски по умолчанию" in diff.summary()


def test_summary_is_cut_to_fit_a_message(shipped: Catalogue) -> None:
    empty = Catalogue((), {}, "x", "empty")
    summary = diff_catalogues(empty, shipped).summary(limit=500)
    assert len(summary) <= 600
    assert "и ещё" in summary


def test_render_condition_is_canonical(bundle: Bundle) -> None:
    for measure in bundle.catalogue.measures:
        text = render_condition(measure.eligibility)
        assert text and "\n" not in text
