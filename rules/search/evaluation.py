"""Measuring the search on labelled questions (issue 6.6): top-1, top-3 and MRR, ours vs a baseline.

The questions file (``tests/data/questions.yaml``) was written before the search was tuned. A
fifth of it is marked ``holdout: true``; tuning looks only at the rest, so the held-out figures
say how the search does on questions nobody fitted it to. A question counts as answered at *k*
when any of its expected ids is among the first *k* hits.

The baseline is what one would write in five minutes: ``rapidfuzz.process.extract`` with
``WRatio`` over measure titles. It is computed in the same run, on the same questions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from rules.catalogue import Measure
from rules.schema import Bool, Key, ListOf, Record, Str
from rules.search.engine import search
from rules.search.index import SearchIndex
from rules.search.yaml_list import read_record_list

QUESTION = Record(
    {
        "text": Key(Str(), required=True, description="the question as a person would type it"),
        "expect": Key(ListOf(Str(), min_items=1, unique=True), required=True,
                      description="measure or FAQ ids; any of them in the top 3 is a hit"),
        "holdout": Key(Bool(), description="set aside: tuning never looks at it"),
    },
    name="question",
)
RANK_DEPTH = 10


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    expect: tuple[str, ...]
    holdout: bool = False


@dataclass(frozen=True, slots=True)
class Scores:
    count: int
    top1: float
    top3: float
    mrr: float


def load_questions(path: str | Path) -> tuple[Question, ...]:
    records, reader = read_record_list(path, "questions", QUESTION)
    reader.raise_if_errors()
    return tuple(Question(r["text"], tuple(r["expect"]), bool(r.get("holdout", False))) for r, _ in records)


def scores(rankings: Sequence[Sequence[str]], questions: Sequence[Question]) -> Scores:
    """Top-1, top-3 and mean reciprocal rank (within ``RANK_DEPTH``) of rankings against labels."""
    if not questions:
        return Scores(0, 0.0, 0.0, 0.0)
    top1 = top3 = reciprocal = 0.0
    for ranking, question in zip(rankings, questions, strict=True):
        wanted = set(question.expect)
        rank = next((i + 1 for i, hit in enumerate(ranking[:RANK_DEPTH]) if hit in wanted), None)
        if rank is not None:
            top1 += rank == 1
            top3 += rank <= 3
            reciprocal += 1.0 / rank
    n = len(questions)
    return Scores(n, top1 / n, top3 / n, reciprocal / n)


def ours(index: SearchIndex) -> Callable[[str], list[str]]:
    def rank(text: str) -> list[str]:
        return [hit.id for hit in search(index, text, limit=RANK_DEPTH).hits]

    return rank


def baseline(measures: Sequence[Measure]) -> Callable[[str], list[str]]:
    """Plain fuzzy matching of the query against measure titles."""
    titles = [m.title for m in measures]
    ids = [m.id for m in measures]

    def rank(text: str) -> list[str]:
        return [ids[i] for _, _, i in process.extract(text, titles, scorer=fuzz.WRatio, limit=RANK_DEPTH)]

    return rank


def evaluate(ranker: Callable[[str], list[str]], questions: Sequence[Question]) -> dict[str, Scores]:
    """Scores on the tuning part, the held-out part and the whole set."""
    rankings = [ranker(q.text) for q in questions]
    parts = {
        "tuning": [i for i, q in enumerate(questions) if not q.holdout],
        "holdout": [i for i, q in enumerate(questions) if q.holdout],
        "all": list(range(len(questions))),
    }
    return {
        name: scores([rankings[i] for i in idx], [questions[i] for i in idx]) for name, idx in parts.items()
    }
