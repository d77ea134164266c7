"""What a consultant sees: the topic title and the ticket card, so the user repeats nothing.

The card is one message (it carries the buttons and, in a group without topics, is what
consultants reply to): the question, the measure asked about with its full condition trace,
the best other verdicts with the conditions that decided them, and the profile. Verdict words
and traces come from ``bot.texts.cards`` — the same sentences the user saw.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from bot.services.plan import PlanView
from bot.texts import plan as plan_texts
from bot.texts.cards import VERDICT_ICONS, trace_line, verdict_sentence
from rules.catalogue import Catalogue
from rules.eligibility import Verdict, explain, match
from rules.profile import FIELDS

CARD_LIMIT = 4000  # under Telegram's 4096, leaving room for the status line
TITLE_LIMIT = 128  # forum topic name
TOP_MEASURES = 3
TRACE_LINES = 8


def topic_title(number: int, company: str | None, subject: str) -> str:
    """«№N · company · subject», cut to Telegram's 128 characters."""
    title = f"№{number} · {company or 'без названия'} · {subject}"
    return title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1] + "…"


def profile_summary(answers: Mapping[str, Any]) -> list[str]:
    lines = []
    for name, value in answers.items():
        spec = FIELDS.get(name)
        if value is None or spec is None:
            continue
        lines.append(f"• {escape(spec.label)}: {escape(spec.value_label(value))}")
    return lines or ["• анкета не заполнена"]


def _for_staff(line: str) -> str:
    """The user's wording («у вас: …») turned to the consultant («у клиента: …»)."""
    return line.replace("(у вас: ", "(у клиента: ").replace("вам сейчас", "клиенту сейчас")


def _measure_block(catalogue: Catalogue, measure_id: str, profile: Mapping[str, Any], today: dt.date,
                   lines_limit: int) -> list[str]:
    explanation = explain(catalogue, measure_id, profile, today)
    measure = explanation.result.measure
    out = [f"{VERDICT_ICONS[explanation.result.verdict]} <b>{escape(measure.title)}</b>",
           _for_staff(escape(verdict_sentence(explanation)))]
    trace = [_for_staff(trace_line(line, html=True)) for line in explanation.lines]
    out.extend(trace[:lines_limit])
    if len(trace) > lines_limit:
        out.append(f"… ещё условий: {len(trace) - lines_limit}")
    if not measure.verified:
        out.append("⚠️ данные меры подтверждены не полностью")
    return out


def ticket_card(
    number: int,
    catalogue: Catalogue,
    profile: Mapping[str, Any],
    *,
    company: str | None,
    measure_id: str | None,
    question: str | None,
    today: dt.date | None = None,
    plan: Sequence[PlanView] = (),
) -> str:
    today = today or dt.date.today()
    out = [f"<b>Заявка №{number}</b> · {escape(company or 'компания не указана')}", ""]
    out.append("<b>Вопрос</b>")
    out.append(escape(question) if question else "<i>без текста — пользователь спрашивает о мере ниже</i>")
    measure = catalogue.by_id.get(measure_id) if measure_id else None
    if measure is not None:
        out += ["", "<b>Мера, о которой спрашивают</b>"]
        out += _measure_block(catalogue, measure.id, profile, today, TRACE_LINES * 2)
    if profile:
        results = [r for r in match(catalogue, profile, today)
                   if r.verdict is not Verdict.INELIGIBLE and r.measure.id != measure_id][:TOP_MEASURES]
        if results:
            out += ["", "<b>Лучшие варианты по анкете</b>"]
            for result in results:
                out += _measure_block(catalogue, result.measure.id, profile, today, TRACE_LINES)
    if plan:
        out += ["", *plan_texts.ticket_block(plan)]
    out += ["", "<b>Профиль</b>"]
    out += profile_summary(profile)
    text = "\n".join(out)
    if len(text) > CARD_LIMIT:
        cut = text[:CARD_LIMIT]
        cut = cut[: cut.rfind("\n")]
        text = cut + "\n…(сокращено — /ticket " + str(number) + ")"
    return text
