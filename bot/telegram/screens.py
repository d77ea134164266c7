"""What the user sees at each step, as (HTML text, keyboard) — pure functions of domain objects.

Measure lines and cards come from ``bot.texts.cards`` (shared with the console and consultants);
this module adds paging, the questionnaire and the menus.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from html import escape
from typing import Any

from bot.services.domain import Domain
from bot.services.journey import Step
from bot.telegram import inn_screens, keyboards
from bot.telegram.screen import Screen
from bot.texts import bot as texts
from rules.catalogue import KINDS, Catalogue, Measure
from rules.profile import FIELDS
from rules.questionnaire import Node_

PAGE_SIZE = 5


def question(domain: Domain, step: Step, mask: int = 0, lead: str = "") -> Screen:
    node = step.node
    assert node is not None
    if step.inn is not None:  # «Знаете ИНН?» or «что нашли» comes before the next question
        pending = inn_screens.pending(step.inn, lead)
        if pending is not None:
            return pending
    typed = {"number": texts.TYPE_NUMBER}.get(
        node.kind, texts.TYPE_TEXT if node.kind in ("text", "okved", "inn") else ""
    )
    body = texts.question(texts.progress_line(step.asked, step.total), node.text, node.hint, typed)
    if lead:
        body = f"{lead}\n\n{body}"
    markup = keyboards.question(
        node, domain.version, domain.node_index(node), mask, can_go_back=step.asked > 1
    )
    return Screen(body, markup, question=node.id)


def _filtered(catalogue: Catalogue, kind: str, level: str) -> list[Measure]:
    return [m for m in catalogue.measures if (not kind or m.kind == kind) and (not level or m.level == level)]


def browse_filters(catalogue: Catalogue, level: str) -> Screen:
    measures = _filtered(catalogue, "", level)
    counts = Counter(m.kind for m in measures)
    kinds = [(kind, label.capitalize(), counts[kind]) for kind, label in KINDS.items() if counts[kind]]
    kinds.append(("", texts.BROWSE_ALL_KINDS, len(measures)))
    return Screen(texts.BROWSE_INTRO, keyboards.browse_filters(kinds, level))


def browse_page(catalogue: Catalogue, kind: str, level: str, page: int) -> Screen:
    measures = sorted(_filtered(catalogue, kind, level), key=lambda m: m.title)
    if not measures:
        return Screen(texts.BROWSE_EMPTY, keyboards.browse_filters([], level))
    pages = max(1, math.ceil(len(measures) / PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    start = page * PAGE_SIZE
    shown = measures[start : start + PAGE_SIZE]
    kind_label = KINDS[kind].capitalize() if kind else texts.BROWSE_ALL_KINDS
    lines = [texts.browse_header(kind_label, texts.BROWSE_LEVELS.get(level, ""), len(measures)), ""]
    for number, measure in enumerate(shown, start + 1):
        amount = f" — {measure.amount.display}" if measure.amount else ""
        lines.append(f"{number}. {escape(measure.title + amount)}")
    lines += ["", texts.page_footer(page, pages)]
    return Screen(
        "\n".join(lines), keyboards.browse_page([m.id for m in shown], start + 1, kind, level, page, pages)
    )


def _answer_label(domain: Domain, field: str, value: Any) -> str:
    if value is None:
        return texts.PROFILE_UNKNOWN
    if field == "used_measures":
        titles = [domain.catalogue.by_id[v].title if v in domain.catalogue.by_id else str(v) for v in value]
        return ", ".join(titles) or texts.PROFILE_NONE
    node = next((n for n in domain.questionnaire.nodes.values() if n.field == field), None)
    if node is not None and node.options and isinstance(value, str):
        return node.option_label(value)
    if node is not None and node.options and isinstance(value, (list, set, frozenset, tuple)):
        return ", ".join(node.option_label(v) for v in sorted(value)) or texts.PROFILE_NONE
    spec = FIELDS.get(field)
    return spec.value_label(value) if spec else str(value)


def answered_nodes(domain: Domain, answers: Mapping[str, Any]) -> list[Node_]:
    return [node for node in domain.questionnaire.nodes.values() if node.field in answers]


def profile(domain: Domain, answers: Mapping[str, Any]) -> Screen:
    nodes = answered_nodes(domain, answers)
    if not nodes:
        return Screen(texts.PROFILE_EMPTY, keyboards.profile_menu(False))
    lines = [texts.PROFILE_TITLE]
    for node in nodes:
        spec = FIELDS.get(node.field)
        label = spec.label if spec else node.field
        lines.append(texts.profile_line(label, _answer_label(domain, node.field, answers[node.field])))
    return Screen("\n".join(lines), keyboards.profile_menu(True))


def edit_choices(domain: Domain, answers: Mapping[str, Any]) -> Screen:
    items = []
    for node in answered_nodes(domain, answers):
        spec = FIELDS.get(node.field)
        label = spec.label if spec else node.text
        items.append((domain.node_index(node), label[:60]))
    return Screen(texts.CHOOSE_ANSWER_TO_EDIT, keyboards.edit_choices(items, domain.version))


def answer_label(domain: Domain, node: Node_, value: Any) -> str:
    return _answer_label(domain, node.field, value)
