"""Search behaviour on the shipped catalogue: normalisation, inflection, typos, abbreviations,
confidence and profile-aware ordering (issue 6)."""

from __future__ import annotations

import pytest

from rules.data import Bundle
from rules.search import SearchIndex, index_catalogue, search
from rules.search.engine import RELEVANT_SHARE, VERDICT_TIER
from rules.search.fits import profile_fits, with_reasons
from rules.search.morphology import shared
from rules.search.normalise import tokens


@pytest.fixture(scope="module")
def index(bundle: Bundle) -> SearchIndex:
    return index_catalogue(bundle.catalogue)


def top_ids(index: SearchIndex, text: str, k: int = 3) -> list[str]:
    return [hit.id for hit in search(index, text, limit=k).hits]


def test_normalisation_folds_case_yo_punctuation_and_glued_numbers() -> None:
    assert tokens("Льготный КРЕДИТ, ещё 44-ФЗ; мсп.рф 1млн 7,6%") == [
        "льготный", "кредит", "еще", "44", "фз", "мсп", "рф", "1", "млн", "7", "6",
    ]


def test_inflected_forms_share_one_term() -> None:
    lemmas = shared("lemmas")
    assert {lemmas.term(w) for w in ("станок", "станки", "станков", "станками")} == {"станок"}
    assert lemmas.term("лизингу") == lemmas.term("лизинг")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("лизингу станков", "mfppp-leasing-subsidy"),
        ("промышленной ипотекой", "industrial-mortgage"),
        ("патентованием изобретений за рубежом", "mik-patent-abroad-grant"),
    ],
)
def test_inflected_queries_find_the_measure(index: SearchIndex, query: str, expected: str) -> None:
    assert expected in top_ids(index, query)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("промышленая ипотека", "industrial-mortgage"),
        ("субсидя на лизинг", "mfppp-leasing-subsidy"),
        ("акредитация айти", "it-accreditation"),
        ("поручительсво по кридиту", "msp-corp-guarantee"),
    ],
)
def test_typos_are_tolerated(index: SearchIndex, query: str, expected: str) -> None:
    assert expected in top_ids(index, query)


def test_a_typo_is_corrected_to_a_catalogue_word(index: SearchIndex) -> None:
    analysed = {qt.term: qt.source for qt in index.analyse("оборудвание")}
    assert analysed.get("оборудование") == "typo"


def test_real_words_are_not_corrected_into_catalogue_words(index: SearchIndex) -> None:
    # «погода» is one letter away from «полгода»; a real word must stay itself.
    analysed = {qt.term: qt.source for qt in index.analyse("погода завтра")}
    assert analysed.get("погода") == "unknown"
    assert "полгода" not in analysed


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("фси", {"fsi-start", "fsi-umnik", "fsi-development", "fsi-commercialization", "fsi-student-startup",
                 "fsi-business-start", "fsi-internationalization", "fsi-cooperation"}),
        ("оэз льготы", {"technopolis-moscow-sez-resident", "technopolis-benefits"}),
        ("вступить в мик", {"mik-participation", "mik-how-to-join"}),
        ("займ фрп", {"frp-development-projects", "frp-components", "frp-leasing-projects", "frp-loan-terms",
                      "frp-digitalization", "frp-labor-productivity"}),
        ("ниокр деньги", {"fsi-start", "fsi-development", "rd-funding", "fsi-cooperation"}),
        ("станок с чпу", {"mik-equipment-grant", "equipment-funding-options", "mfppp-leasing-subsidy",
                          "frp-leasing-projects"}),
    ],
)
def test_abbreviations_and_colloquial_words(index: SearchIndex, query: str, expected: set[str]) -> None:
    assert expected & set(top_ids(index, query)), top_ids(index, query)


def test_abbreviation_matches_a_text_that_spells_it_out(index: SearchIndex) -> None:
    # «ФСИ» and «Фонд содействия инновациям» meet in one concept term.
    concept_terms = [qt.term for qt in index.analyse("фси") if qt.source == "concept"]
    assert concept_terms
    assert concept_terms[0] in index.postings


def test_confident_answer_for_a_clear_question(index: SearchIndex) -> None:
    result = search(index, "промышленная ипотека на цех")
    assert result.confident
    assert result.hits[0].id in {"industrial-mortgage", "industrial-mortgage-terms"}
    assert result.alternatives == ()


@pytest.mark.parametrize("query", ["рецепт борща", "как оформить визу в италию", "погода завтра"])
def test_unrelated_questions_are_not_confident(index: SearchIndex, query: str) -> None:
    result = search(index, query)
    assert not result.confident
    assert len(result.alternatives) <= 3
    assert all(hit.kind == "measure" for hit in result.alternatives)


def test_unsure_result_offers_the_closest_measures(index: SearchIndex) -> None:
    result = search(index, "как оформить визу в италию для кредита")
    assert not result.confident
    assert 1 <= len(result.alternatives) <= 3


IT_STARTUP = {
    "applicant_type": "legal_entity",
    "registered_in_moscow": True,
    "headcount": 8,
    "income_mln": 30,
    "company_age_months": 10,
    "okved_main": "62.01",
    "mik_member": False,
    "tax_debt": False,
}


def test_profile_puts_eligible_measures_above_ineligible_ones(bundle: Bundle, index: SearchIndex) -> None:
    catalogue = bundle.catalogue
    fits = profile_fits(catalogue, IT_STARTUP)
    plain = search(index, "льготный кредит на оборудование", limit=10)
    ranked = with_reasons(search(index, "льготный кредит на оборудование", fits=fits, limit=10), catalogue,
                          IT_STARTUP)
    measures = [h for h in ranked.hits if h.kind == "measure"]
    verdicts = [h.verdict for h in measures]
    assert {"eligible", "possible"} & set(verdicts) and "ineligible" in verdicts
    # Within the relevant band the tiers never go back up: eligible, possible, ineligible.
    best = max(h.score for h in ranked.hits)
    band = [h for h in ranked.hits if h.score >= best * RELEVANT_SHARE and h.kind == "measure"]
    tiers = [VERDICT_TIER[h.verdict or ""] for h in band]
    assert tiers == sorted(tiers)
    assert min(tiers) < 2 and 2 in tiers
    # The profile changed the order for at least one pair of measures.
    assert [h.id for h in plain.hits if h.kind == "measure"] != [h.id for h in measures]


def test_an_ineligible_hit_says_why_in_one_line(bundle: Bundle, index: SearchIndex) -> None:
    catalogue = bundle.catalogue
    fits = profile_fits(catalogue, IT_STARTUP)
    result = with_reasons(search(index, "компенсация процентов по инвестиционному кредиту", fits=fits, limit=10),
                          catalogue, IT_STARTUP)
    ineligible = [h for h in result.hits if h.verdict == "ineligible"]
    assert ineligible
    for hit in ineligible:
        assert hit.reason and "\n" not in hit.reason
    assert all(not h.reason for h in result.hits if h.verdict != "ineligible")


def test_same_query_without_profile_has_no_verdicts(index: SearchIndex) -> None:
    assert all(h.verdict is None for h in search(index, "кредит").hits)
