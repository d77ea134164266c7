"""The search's data files: FAQ, synonyms and the labelled questions — shape, links, located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules.data import Bundle
from rules.errors import DataError
from rules.search.evaluation import load_questions
from rules.search.faq import load_faq
from rules.search.synonyms import load_synonyms

QUESTIONS = Path(__file__).resolve().parents[2] / "tests" / "data" / "questions.yaml"


def test_faq_has_forty_answers_linked_to_real_measures(bundle: Bundle) -> None:
    entries = load_faq(measure_ids=bundle.catalogue.by_id.keys())
    assert len(entries) >= 40
    for entry in entries:
        assert entry.measures, entry.id
        assert len(entry.answer) <= 700


def test_questions_file_meets_the_issue(bundle: Bundle) -> None:
    questions = load_questions(QUESTIONS)
    assert len(questions) >= 100
    held_out = sum(q.holdout for q in questions)
    assert len(questions) // 5 <= held_out <= len(questions) // 5 + 1
    known = set(bundle.catalogue.by_id) | {e.id for e in load_faq()}
    for question in questions:
        assert set(question.expect) <= known, question.text
    titles = {m.title.lower() for m in bundle.catalogue.measures}
    assert not [q.text for q in questions if q.text.lower() in titles], "questions must not copy titles"


def test_unknown_key_in_faq_is_located(tmp_path: Path) -> None:
    bad = tmp_path / "faq.yaml"
    bad.write_text(
        "faq:\n"
        "  - id: a-question\n"
        "    question: Что это?\n"
        "    answer: Ответ.\n"
        "    measures: [fsi-start]\n"
        "    keyword: [опечатка]\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        load_faq(bad)
    text = str(caught.value)
    assert f"{bad}:6:5: unknown key 'keyword'" in text
    assert "did you mean 'keywords'?" in text


def test_faq_link_to_a_missing_measure_is_located(tmp_path: Path) -> None:
    bad = tmp_path / "faq.yaml"
    bad.write_text(
        "faq:\n"
        "  - id: a-question\n"
        "    question: Что это?\n"
        "    answer: Ответ.\n"
        "    measures: [fsi-start, no-such-measure]\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        load_faq(bad, measure_ids={"fsi-start"})
    assert f"{bad}:5:27: unknown measure 'no-such-measure'" in str(caught.value)


def test_duplicate_faq_id_is_located(tmp_path: Path) -> None:
    bad = tmp_path / "faq.yaml"
    entry = "  - id: same\n    question: В?\n    answer: О.\n    measures: []\n"
    bad.write_text("faq:\n" + entry + entry, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_faq(bad)
    assert "duplicate FAQ id 'same' (first at line 2)" in str(caught.value)


def test_unknown_key_in_synonyms_is_located(tmp_path: Path) -> None:
    bad = tmp_path / "synonyms.yaml"
    bad.write_text("synonyms:\n  - canonical: оборудование\n    variant: [станок]\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_synonyms(bad)
    text = str(caught.value)
    assert f"{bad}:3:5: unknown key 'variant'" in text
    assert f"{bad}:2:5: missing required key 'variants'" in text


def test_a_phrase_in_two_synonym_groups_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "synonyms.yaml"
    bad.write_text(
        "synonyms:\n"
        "  - canonical: оборудование\n"
        "    variants: [станок]\n"
        "  - canonical: техника\n"
        "    variants: [Станок]\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        load_synonyms(bad)
    assert "phrase 'Станок' is already in the group at line 2" in str(caught.value)


def test_unknown_top_level_key_is_located(tmp_path: Path) -> None:
    bad = tmp_path / "synonyms.yaml"
    bad.write_text("synonym:\n  - canonical: а\n    variants: [б]\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_synonyms(bad)
    assert f"{bad}:1:1: unknown top-level key 'synonym'" in str(caught.value)


def test_shipped_synonyms_load() -> None:
    groups = load_synonyms()
    assert len(groups) >= 40
    abbreviations = {v for g in groups for v in g.variants}
    for needed in ("фси", "фрп", "мик", "рэц", "оэз", "ниокр", "чпу", "ип", "ооо", "ипотека", "зарегались"):
        assert needed in abbreviations, needed
