"""Free-text questions in the bot: the search index for the live catalogue and the reply screen.

The index is built once per catalogue version (a reload builds a new one on first use, the old
one is dropped), so a query costs only the search itself. The reply lists up to five hits as
buttons to cards, answers FAQ questions inline, and — when the search is not sure — says so,
offers the closest measures and a consultant (DESIGN 4.2).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

from aiogram.types import InlineKeyboardButton as Button
from aiogram.types import InlineKeyboardMarkup

from bot import texts
from bot.callbacks import AskCb, CardCb
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
VERDICT_MARKS = {"eligible": "✅", "possible": "🟡", "ineligible": "⛔"}


@dataclass
class _Built:
    version: str
    index: SearchIndex
    answers: Mapping[str, str]


class SearchService:
    """Owns the index for the catalogue currently live; safe to call from any handler."""

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


SEARCH = SearchService()
"""The one search service of the process: warmed at start-up and on every accepted reload."""


def warm(catalogue: Catalogue) -> None:
    """Build the index for a freshly loaded catalogue now, not on the first user's question."""
    SEARCH.index_for(catalogue)


def reply(result: SearchResult, answers: Mapping[str, str]) -> tuple[str, InlineKeyboardMarkup, bool]:
    """(HTML text, keyboard, answered?) for a search result."""
    blocks: list[str] = []
    rows: list[list[Button]] = []
    best = result.best
    answered = result.confident and best is not None
    if answered and best is not None and best.kind == "faq":
        blocks.append(f"<b>{escape(best.title)}</b>\n{escape(answers.get(best.id, ''))}")
    shown = [h for h in result.hits if h.kind == "measure"][:5] if answered else list(result.alternatives)
    if shown:
        lines = [texts.SEARCH_FOUND if answered else texts.SEARCH_NOT_SURE]
        for number, hit in enumerate(shown, 1):
            mark = VERDICT_MARKS.get(hit.verdict or "", "•")
            reason = f" — {escape(hit.reason)}" if hit.verdict == "ineligible" and hit.reason else ""
            lines.append(f"{number}. {mark} {escape(hit.title)}{reason}")
            rows.append([Button(text=f"{number}. {hit.title}"[:60], callback_data=CardCb(id=hit.id).pack())])
        blocks.append("\n".join(lines))
    elif not answered:
        blocks.append(texts.SEARCH_NOTHING)
    rows.append([Button(text=texts.BUTTON_ASK_CONSULTANT, callback_data=AskCb().pack())])
    return "\n\n".join(blocks), InlineKeyboardMarkup(inline_keyboard=rows), answered
