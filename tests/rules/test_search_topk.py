"""Max-score top-k (``SearchIndex.top``): it must return exactly what scoring every candidate and
taking the k best returns — same documents, same scores, same tie order — on the measures'
index and on a project registry where label words («партнёр», «производство») are in nearly
every project."""

from __future__ import annotations

import heapq
import random

import pytest

from rules.data import Bundle
from rules.projects import OFFERS, SEEKS, ProjectCard, build_project_index
from rules.search import SearchIndex, index_catalogue, load_synonyms, search
from rules.search.catalogue_index import DEFAULT_MORPHOLOGY
from rules.search.morphology import shared

WORDS = ["композитные", "лопасти", "датчики", "мембраны", "лазерные", "фильтры", "для", "метро", "клиник",
         "беспилотников", "сплав", "имплант", "упаковка", "пищевых", "производств", "станок", "высокоточный"]
QUERIES = ["композитные лопасти для беспилотников", "ищем партнёра по производству", "партнёр",
           "лазерные фильтры для метро", "высокоточный станок", "инвестор", "упаковка", "имплант из сплава",
           "производственный партнёр или поставщик", "датчики мембраны фильтры сплав станок", "лопасти"]


def brute(index: SearchIndex, query: str, k: int) -> list[tuple[int, float]]:
    return heapq.nlargest(k, index.score(index.analyse(query)), key=lambda pair: (pair[1], -pair[0]))


@pytest.fixture(scope="module")
def projects() -> SearchIndex:
    rng = random.Random(7)
    cards = [ProjectCard(i, " ".join(rng.sample(WORDS, 3)), " ".join(rng.sample(WORDS, 6)), "none", "", "idea",
                         tuple(rng.sample(list(SEEKS), 2)), tuple(rng.sample(list(OFFERS), 1)))
             for i in range(1, 801)]
    cards += [ProjectCard(900 + i, "лопасти", "лопасти", "none", "", "idea") for i in range(40)]  # exact ties
    return build_project_index(cards, load_synonyms(), shared(DEFAULT_MORPHOLOGY))


@pytest.mark.parametrize("k", [1, 5, 30, 2000])
def test_top_equals_scoring_everything_on_projects(projects: SearchIndex, k: int,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rules.search.index.SMALL_POSTINGS", 0)
    for query in QUERIES:
        assert projects.top(projects.analyse(query), k) == brute(projects, query, k), query


@pytest.mark.parametrize("small", [0, 512])
def test_top_equals_scoring_everything_on_measures(bundle: Bundle, small: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rules.search.index.SMALL_POSTINGS", small)  # 0: the max-score path on a small index
    index = index_catalogue(bundle.catalogue)
    for query in [*QUERIES, "льготный кредит на оборудование", "грант для стартапа", "экспорт", "лизинг станков"]:
        for k in (1, 5, 30):
            assert index.top(index.analyse(query), k) == brute(index, query, k), query


def test_a_label_word_alone_does_not_outrank_the_subject(projects: SearchIndex) -> None:
    """«партнёр» is in nearly every project: its low idf keeps it from deciding the ranking."""
    hits = search(projects, "ищем партнёра: лопасти", limit=5).hits
    assert hits and all("лопаст" in h.title for h in hits)
