"""The weighted inverted index over measures and FAQ, built once per catalogue load.

Scoring is BM25F: a term's frequency is summed over a document's fields with field weights
(a word in the title says more than a word in the summary), normalised by field length,
saturated (the tenth mention adds little) and multiplied by the term's rarity (idf). The
per-posting contribution is computed at build time, so a query is a few dictionary walks.

A document's score is divided by what a perfect document would score for the same query, so
scores are comparable between queries (0‥1) and the confidence threshold means the same thing
for a two-word query and a ten-word one. Query words the index has never seen — after
morphology, typo correction and synonyms — count against the score: a question about visas
should not look like a confident answer about grants.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import add, truediv

from rapidfuzz import fuzz, process

from rules.catalogue import KINDS, LEVELS, Measure
from rules.search.faq import FaqEntry
from rules.search.morphology import Morphology, terms
from rules.search.normalise import STOP_LEMMAS, tokens
from rules.search.synonyms import CONCEPT_PREFIX, SynonymGroup, SynonymTable

# Field weights, decided by the labelled evaluation (tuning part only).
MEASURE_FIELDS: dict[str, float] = {
    "title": 3.0,
    "keywords": 2.0,
    "synonyms": 2.0,
    "summary": 1.0,
    "operator": 0.7,
    "kind": 0.7,
    "level": 0.5,
}
FAQ_FIELDS: dict[str, float] = {"question": 3.0, "keywords": 2.0, "answer": 0.8}
FIELD_B = 0.5  # length normalisation strength inside a field (0 = none, 1 = full)
K1 = 1.2  # term-frequency saturation
LEVEL_WORDS = {"federal": "федеральная россия", "moscow": "московская москва город"}
CONCEPT_WEIGHT = 1.0  # a synonym concept counts as one query word
TYPO_MIN_LENGTH = 4  # shorter words are too ambiguous to correct
TYPO_CUTOFF = 80.0  # rapidfuzz ratio (0‥100) a correction must reach
UNKNOWN_WORD_IDF_SHARE = 0.8  # how much an unexplained query word weighs, as a share of max idf
PRUNE_SLACK = 1e-9  # relative margin on the max-score bounds, so float summation order never prunes a tie
SMALL_POSTINGS = 512  # fewer postings than this in all query terms together: scoring them all is quicker


@dataclass(frozen=True, slots=True)
class Document:
    """One searchable thing: a measure or an FAQ entry."""

    id: str
    kind: str  # "measure" | "faq"
    title: str


@dataclass(frozen=True, slots=True)
class QueryTerm:
    term: str
    weight: float
    source: str  # "word" | "typo" | "concept" | "unknown"


@dataclass
class SearchIndex:
    """Everything a query needs, immutable after ``build_index``."""

    documents: tuple[Document, ...]
    morphology: Morphology
    synonyms: SynonymTable
    postings: dict[str, tuple[tuple[int, float], ...]]
    idf: dict[str, float]
    max_idf: float
    _by_length: dict[int, list[str]] = field(default_factory=dict)
    _known: frozenset[str] = frozenset()
    _lookup: dict[str, dict[int, float]] = field(default_factory=dict)  # term → {doc: contribution}, lazily
    _upper: dict[str, float] = field(default_factory=dict)  # term → its largest contribution, lazily

    @property
    def vocabulary_size(self) -> int:
        return len(self.postings)

    def correct(self, term: str) -> tuple[str, float] | None:
        """The closest known term for an unknown word, with its similarity (0‥1), or None."""
        length = len(term)
        if length < TYPO_MIN_LENGTH or not term.isalpha():
            return None
        candidates: list[str] = []
        for size in range(length - 2, length + 3):
            candidates.extend(self._by_length.get(size, ()))
        if not candidates:
            return None
        cutoff = 75.0 if length == TYPO_MIN_LENGTH else TYPO_CUTOFF
        best = process.extractOne(term, candidates, scorer=fuzz.ratio, score_cutoff=cutoff)
        if best is None:
            return None
        return str(best[0]), float(best[1]) / 100.0

    def analyse(self, query: str) -> list[QueryTerm]:
        """Query text → weighted terms: morphology, typo correction, synonym concepts."""
        surface = tokens(query)
        sequence = [self.morphology.term(t) for t in surface]
        weights: list[float] = [1.0] * len(sequence)
        unknown: list[bool] = [False] * len(sequence)
        for position, term in enumerate(sequence):
            if term in self._known or term in STOP_LEMMAS or term.isdigit():
                continue
            fixed = None if self.morphology.known(surface[position]) else self.correct(term)
            if fixed is None:
                unknown[position] = True
                continue
            sequence[position], similarity = fixed
            weights[position] = similarity * similarity
        out: dict[str, QueryTerm] = {}
        for concept in self.synonyms.concepts(sequence):
            out[concept] = QueryTerm(concept, CONCEPT_WEIGHT, "concept")
        covered = self.synonyms.covered(sequence)
        for position, term in enumerate(sequence):
            if term in STOP_LEMMAS:
                continue
            if unknown[position]:
                if position in covered:
                    continue  # explained by a synonym concept
                kind = "unknown"
            else:
                kind = "word" if weights[position] == 1.0 else "typo"
            previous = out.get(term)
            if previous is None or previous.weight < weights[position]:
                out[term] = QueryTerm(term, weights[position], kind)
        return list(out.values())

    def score(self, query_terms: Sequence[QueryTerm]) -> list[tuple[int, float]]:
        """(document index, normalised score) for every document sharing a term with the query."""
        accumulator: dict[int, float] = {}
        ideal = 0.0
        for qt in query_terms:
            plist = self.postings.get(qt.term)
            if plist is None:
                if qt.source == "unknown":
                    ideal += qt.weight * self.max_idf * UNKNOWN_WORD_IDF_SHARE
                continue
            ideal += qt.weight * self.idf[qt.term]
            weight = qt.weight
            for doc, contribution in plist:
                accumulator[doc] = accumulator.get(doc, 0.0) + weight * contribution
        if ideal <= 0.0:
            return []
        return [(doc, value / ideal) for doc, value in accumulator.items()]

    def top(self, query_terms: Sequence[QueryTerm], k: int) -> list[tuple[int, float]]:
        """The ``k`` best of ``score`` — same documents, same scores, same order (score, then lower
        index first) — without scoring every document that shares a word with the query.

        Max-score pruning (term-at-a-time): terms are taken from the one that can add most to a
        document to the one that can add least. Once the terms still to come could not lift a
        document they have not met above the k-th best score so far, only the documents already
        met are followed, and only those that can still reach the k-th best. So a word nearly
        every document has (a project's «партнёр», «производство» from the labels) no longer
        makes every document a candidate; its low idf keeps it from lifting one above the rest.
        The survivors are summed again in query order, so scores equal ``score``'s to the bit.
        Per-document work runs in ``map``/``zip``/``compress`` rather than a Python loop.
        """
        if k <= 0:
            return []
        if sum(len(self.postings.get(qt.term, ())) for qt in query_terms) < SMALL_POSTINGS:
            return heapq.nlargest(k, self.score(query_terms), key=lambda pair: (pair[1], -pair[0]))
        ideal = 0.0
        present: list[tuple[float, dict[int, float]]] = []  # (weight, postings) in query order
        active: list[tuple[float, float, dict[int, float]]] = []  # (upper bound, weight, postings)
        for qt in query_terms:
            if qt.term not in self.postings:
                if qt.source == "unknown":
                    ideal += qt.weight * self.max_idf * UNKNOWN_WORD_IDF_SHARE
                continue
            ideal += qt.weight * self.idf[qt.term]
            contributions = self.lookup(qt.term)
            present.append((qt.weight, contributions))
            active.append((qt.weight * self._upper_bound(qt.term), qt.weight, contributions))
        if ideal <= 0.0 or not active:
            return []
        active.sort(key=lambda a: -a[0])
        rest = [0.0] * (len(active) + 1)  # rest[i]: the most terms i.. can add to any document
        for i in range(len(active) - 1, -1, -1):
            rest[i] = rest[i + 1] + active[i][0]
        accumulator: dict[int, float] = {}
        theta = 0.0
        position = 0
        while position < len(active):
            if len(accumulator) >= k:
                theta = heapq.nlargest(k, accumulator.values())[-1] * (1.0 - PRUNE_SLACK)
                if rest[position] < theta:
                    break
            _, weight, contributions = active[position]
            keys = contributions.keys()
            accumulator.update(zip(keys, map(add, map(accumulator.get, keys, repeat(0.0)),
                                              map(weight.__mul__, contributions.values())), strict=True))
            position += 1
        docs = list(accumulator)
        values = list(accumulator.values())
        while position < len(active):  # the rest only adds to documents already met that can still make it
            keep = list(map((theta - rest[position]).__le__, values))
            docs = list(compress(docs, keep))
            values = list(compress(values, keep))
            _, weight, contributions = active[position]
            values = list(map(add, values, map(weight.__mul__, map(contributions.get, docs, repeat(0.0)))))
            if len(values) >= k:
                theta = max(theta, heapq.nlargest(k, values)[-1] * (1.0 - PRUNE_SLACK))
            position += 1
        if len(values) > k:  # every term is in ``values`` now: cut at the k-th best, ties kept
            theta = max(theta, heapq.nlargest(k, values)[-1] * (1.0 - PRUNE_SLACK))
            keep = list(map(theta.__le__, values))
            docs = list(compress(docs, keep))
        exact = [0.0] * len(docs)
        for weight, contributions in present:  # query order, as ``score`` sums
            exact = list(map(add, exact, map(weight.__mul__, map(contributions.get, docs, repeat(0.0)))))
        scores = list(map(truediv, exact, repeat(ideal)))
        if len(scores) <= k:
            return sorted(zip(docs, scores, strict=True), key=lambda pair: (-pair[1], pair[0]))
        cut = heapq.nlargest(k, scores)[-1]  # generated and templated texts tie a lot: ties by index
        above = sorted(compress(zip(docs, scores, strict=True), map(cut.__lt__, scores)),
                       key=lambda pair: (-pair[1], pair[0]))
        tied = sorted(compress(docs, map(cut.__eq__, scores)))[:k - len(above)]
        return above + [(doc, cut) for doc in tied]

    def lookup(self, term: str) -> dict[int, float]:
        """A term's postings as a dictionary (document → contribution), built on first use."""
        found = self._lookup.get(term)
        if found is None:
            found = self._lookup[term] = dict(self.postings.get(term, ()))
        return found

    def _upper_bound(self, term: str) -> float:
        found = self._upper.get(term)
        if found is None:
            found = self._upper[term] = max((c for _, c in self.postings.get(term, ())), default=0.0)
        return found


def _measure_fields(measure: Measure) -> dict[str, str]:
    return {
        "title": measure.title,
        "keywords": " ; ".join(measure.keywords),
        "synonyms": " ; ".join(measure.synonyms),
        "summary": measure.summary,
        "operator": measure.operator,
        "kind": KINDS.get(measure.kind, measure.kind),
        "level": LEVEL_WORDS.get(measure.level, LEVELS.get(measure.level, "")),
    }


def _faq_fields(entry: FaqEntry) -> dict[str, str]:
    return {"question": entry.question, "keywords": " ; ".join(entry.keywords), "answer": entry.answer}


def build_index(
    measures: Iterable[Measure],
    faq: Iterable[FaqEntry],
    synonyms: Sequence[SynonymGroup],
    morphology: Morphology,
) -> SearchIndex:
    """Analyse every field of every document once and lay out the postings."""
    table = SynonymTable.compile(synonyms, morphology)
    documents: list[Document] = []
    field_terms: list[list[tuple[str, Counter[str], int]]] = []  # per doc: (field, term counts, length)
    for measure in measures:
        documents.append(Document(measure.id, "measure", measure.title))
        field_terms.append(_analyse_fields(_measure_fields(measure), table, morphology))
    for entry in faq:
        documents.append(Document(entry.id, "faq", entry.question))
        field_terms.append(_analyse_fields(_faq_fields(entry), table, morphology))

    weights = {**MEASURE_FIELDS, **FAQ_FIELDS}
    lengths: dict[str, list[int]] = {}
    for fields in field_terms:
        for name, _, length in fields:
            lengths.setdefault(name, []).append(length)
    average = {name: max(1.0, sum(v) / len(v)) for name, v in lengths.items()}

    weighted: dict[str, list[tuple[int, float]]] = {}
    for doc, fields in enumerate(field_terms):
        per_term: dict[str, float] = {}
        for name, counts, length in fields:
            norm = 1.0 - FIELD_B + FIELD_B * length / average[name]
            w = weights[name] / norm
            for term, count in counts.items():
                per_term[term] = per_term.get(term, 0.0) + w * count
        for term, wtf in per_term.items():
            weighted.setdefault(term, []).append((doc, wtf))

    n = len(documents)
    idf = {term: math.log(1.0 + (n - len(plist) + 0.5) / (len(plist) + 0.5)) for term, plist in weighted.items()}
    postings = {
        term: tuple((doc, idf[term] * wtf / (K1 + wtf)) for doc, wtf in plist)
        for term, plist in weighted.items()
    }
    known = set(postings) | set(table.phrase_terms())
    by_length: dict[int, list[str]] = {}
    for term in sorted(known):
        if not term.startswith(CONCEPT_PREFIX) and term.isalpha() and term not in STOP_LEMMAS:
            by_length.setdefault(len(term), []).append(term)
    return SearchIndex(
        documents=tuple(documents),
        morphology=morphology,
        synonyms=table,
        postings=postings,
        idf=idf,
        max_idf=math.log(1.0 + (n + 0.5) / 0.5),
        _by_length=by_length,
        _known=frozenset(known),
    )


def _analyse_fields(fields: dict[str, str], table: SynonymTable, morphology: Morphology) -> list[tuple[str, Counter[str], int]]:
    out = []
    for name, text in fields.items():
        if not text:
            continue
        sequence = terms(text, morphology)
        counts: Counter[str] = Counter(t for t in sequence if t not in STOP_LEMMAS)
        counts.update(table.concepts(sequence))
        out.append((name, counts, max(1, sum(counts.values()))))
    return out
