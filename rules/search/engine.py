"""One query → ranked hits: relevance, then the profile, then an honest confidence flag.

Profile-aware ranking (issue 6.3): among the hits that are about the query (within
``RELEVANT_SHARE`` of the best score), measures the company is eligible for come first, then
possible ones, then ineligible ones — each ineligible hit carries a one-line reason. Hits that are
only loosely related keep their relevance order below that band; the profile never lifts an
unrelated measure above a related one.

Confidence (issue 6.4): when the best normalised score is under ``CONFIDENCE_THRESHOLD`` the
result says it is not sure and offers the closest measures; the bot adds a consultant button.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rules.search.index import SearchIndex

CONFIDENCE_THRESHOLD = 0.33
RELEVANT_SHARE = 0.5
CANDIDATES = 30
ALTERNATIVES = 3
VERDICT_TIER = {"eligible": 0, "possible": 1, "ineligible": 2}


@dataclass(frozen=True, slots=True)
class Fit:
    """How a measure fits the user's profile, as the eligibility engine decided."""

    verdict: str  # eligible | possible | ineligible
    reason: str = ""  # one line, Russian; shown for ineligible hits


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    kind: str  # "measure" | "faq"
    score: float
    title: str
    verdict: str | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    hits: tuple[Hit, ...]
    confident: bool
    alternatives: tuple[Hit, ...] = ()  # closest measures, offered when not confident

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None


def search(
    index: SearchIndex,
    query: str,
    fits: Mapping[str, Fit] | None = None,
    limit: int = 5,
    threshold: float = CONFIDENCE_THRESHOLD,
) -> SearchResult:
    """Rank measures and FAQ entries for ``query``; ``fits`` (measure id → Fit) makes it profile-aware."""
    top = index.top(index.analyse(query), max(CANDIDATES, limit))
    hits = [_hit(index, doc, score, fits) for doc, score in top]
    if fits and hits:
        band = hits[0].score * RELEVANT_SHARE
        relevant = [h for h in hits if h.score >= band]
        rest = hits[len(relevant):]
        relevant.sort(key=lambda h: (VERDICT_TIER.get(h.verdict or "", 0), -h.score))
        hits = relevant + rest
    best = max((h.score for h in hits), default=0.0)
    confident = best >= threshold
    alternatives: tuple[Hit, ...] = ()
    if not confident:
        alternatives = tuple([h for h in hits if h.kind == "measure"][:ALTERNATIVES])
    return SearchResult(query, tuple(hits[:limit]), confident, alternatives)


def _hit(index: SearchIndex, doc: int, score: float, fits: Mapping[str, Fit] | None) -> Hit:
    document = index.documents[doc]
    fit = fits.get(document.id) if fits and document.kind == "measure" else None
    return Hit(
        id=document.id,
        kind=document.kind,
        score=round(score, 4),
        title=document.title,
        verdict=fit.verdict if fit else None,
        reason=fit.reason if fit and fit.verdict == "ineligible" else "",
    )
