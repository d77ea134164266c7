"""Free-text questions: the search index for the live catalogue, profile-aware answers.

The index is built once per catalogue version (a reload builds a new one on first use, the old
one is dropped), so a query costs only the search itself. The reply lists up to five hits as
buttons to cards, answers FAQ questions inline, and — when the search is not sure — says so,
offers the closest measures and a consultant (DESIGN 4.2).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rules.catalogue import Catalogue
from rules.errors import DataError
from rules.search import SearchResult, search
from rules.search.catalogue_index import DEFAULT_MORPHOLOGY, index_catalogue
from rules.search.faq import load_faq
from rules.search.fits import profile_fits, with_reasons
from rules.search.index import SearchIndex, build_index
from rules.search.morphology import shared
from rules.search.synonyms import load_synonyms

log = logging.getLogger(__name__)


@dataclass
class _Built:
    version: str
    index: SearchIndex
    answers: Mapping[str, str]


class SearchService:
    """Owns the index for the catalogue currently live; safe to call from any handler.

    One instance per process, made by the composition root and injected as ``search``; it is
    warmed (``index_for``) when a catalogue is loaded — at start-up and in the reload's worker
    thread — so no user waits for the index to be built.
    """

    def __init__(self) -> None:
        self._built: _Built | None = None

    def index_for(self, catalogue: Catalogue) -> _Built:
        built = self._built
        if built is None or built.version != catalogue.version:
            try:
                entries = load_faq(measure_ids=catalogue.by_id.keys())
                index = index_catalogue(catalogue)
            except DataError as exc:
                # The FAQ links to measures this catalogue lacks: serve measures alone rather
                # than no answers at all; `navigator check` reports the FAQ problem to staff.
                log.warning("search without FAQ: %d problem(s), first: %s", len(exc.problems), exc.problems[0])
                entries = ()
                index = build_index(catalogue.measures, entries, load_synonyms(), shared(DEFAULT_MORPHOLOGY))
            built = _Built(catalogue.version, index, {e.id: e.answer for e in entries})
            self._built = built
        return built

    def ask(self, catalogue: Catalogue, text: str, profile: Mapping[str, Any]) -> tuple[SearchResult, Mapping[str, str]]:
        built = self.index_for(catalogue)
        fits = profile_fits(catalogue, profile) if profile else None
        result = search(built.index, text[:500], fits=fits)
        if profile:
            result = with_reasons(result, catalogue, profile)
        return result, built.answers


