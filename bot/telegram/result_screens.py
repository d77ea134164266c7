"""Screens of issue 17: results («Под ваш запрос» + groups), a group, «Не подходит», the card with
«В план», «Мой план» and «Сравнить» — pure functions of domain objects, as (HTML, keyboard)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from bot.services.plan import PlanView
from bot.telegram import result_keyboards
from bot.telegram.screen import Screen
from bot.texts import compare as compare_texts
from bot.texts import plan as plan_texts
from bot.texts import results as texts
from bot.texts.cards import card_text
from rules.catalogue import Catalogue, Measure
from rules.eligibility import MeasureResult, explain, verdicts
from rules.presentation import COMPARE_LIMIT, Arrangement, comparable

GROUP_PAGE = 8  # entries per page of a group: the largest group of a typical profile fits in two
INELIGIBLE_PAGE = 16  # «Не подходит» lines are short (title + reason)


def results(arrangement: Arrangement, found: Sequence[MeasureResult], lead: str = "") -> Screen:
    top_ids = [entry.lead.measure.id for entry in arrangement.top]
    rows, _ = comparable(found)
    markup = result_keyboards.results(top_ids, texts.group_buttons(arrangement), compare=len(rows) >= 2)
    return Screen(texts.results_text(arrangement, html=True, lead=lead), markup)


def _page(total: int, page: int, size: int) -> tuple[int, int]:
    pages = max(1, math.ceil(total / size))
    return min(max(page, 0), pages - 1), pages


def group(catalogue: Catalogue, arrangement: Arrangement, key: str, page: int,
          profile: Mapping[str, Any]) -> Screen | None:
    """A page of one group, or of «Не подходит»; None if the group is not on this profile's screen."""
    if key == texts.INELIGIBLE:
        items = arrangement.ineligible
        if not items:
            return None
        page, pages = _page(len(items), page, INELIGIBLE_PAGE)
        start = page * INELIGIBLE_PAGE
        shown = items[start: start + INELIGIBLE_PAGE]
        lines = [(start + i + 1, r, explain(catalogue, r.measure.id, profile)) for i, r in enumerate(shown)]
        text = texts.ineligible_text(lines, len(items), html=True, page=page, pages=pages)
        return Screen(text, result_keyboards.group(key, [r.measure.id for r in shown], start + 1, page, pages))
    found = arrangement.group(key)
    if found is None:
        return None
    page, pages = _page(len(found.entries), page, GROUP_PAGE)
    start = page * GROUP_PAGE
    entries = found.entries[start: start + GROUP_PAGE]
    numbered = [(start + i + 1, entry) for i, entry in enumerate(entries)]
    text = texts.group_text(found, numbered, arrangement.needs, html=True, page=page, pages=pages)
    return Screen(text, result_keyboards.group(key, [e.lead.measure.id for e in entries], start + 1, page, pages))


def _compares(measure: Measure) -> bool:
    return measure.kind == "loan" or ("leasing" in measure.serves_needs and measure.kind in ("subsidy", "grant"))


def card(catalogue: Catalogue, measure_id: str, profile: Mapping[str, Any], in_plan: bool | None) -> Screen:
    """The measure card, what it cannot be combined with and its path, «В план» and «Сравнить»."""
    explanation = explain(catalogue, measure_id, profile)
    measure = explanation.result.measure
    text = card_text(explanation, html=True)
    related_ids = [*catalogue.steps(measure_id), *([measure.step_of] if measure.step_of else []),
                   *catalogue.alternatives(measure_id)]
    related: list[tuple[str, str]] = []
    if related_ids:
        verdict_of = verdicts(catalogue, profile)
        block = texts.relations_block(catalogue, measure, verdict_of if profile else {}, html=True)
        text = f"{text}\n\n{block}"
        for other in related_ids:
            title = catalogue.by_id[other].title
            related.append((other, "↔ " + (title if len(title) <= 45 else title[:44] + "…")))
    return Screen(text, result_keyboards.card(measure_id, in_plan=in_plan, related=related,
                                              compare=bool(profile) and _compares(measure)))


def plan(views: Sequence[PlanView], lead: str = "") -> Screen:
    return Screen(plan_texts.plan_text(views, lead=lead), result_keyboards.plan(views) if views else None)


def compare(found: Sequence[MeasureResult]) -> Screen:
    rows, guarantees = comparable(found)
    return Screen(compare_texts.compare_text(rows, guarantees, COMPARE_LIMIT), result_keyboards.compare())
