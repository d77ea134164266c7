"""The handoff's words and buttons as Bot API payloads: the Telegram side of ``HandoffPresenter``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from bot.services.hours import Availability
from bot.services.plan import PlanView
from bot.telegram.handoff.keyboards import rating_keyboard, staff_keyboard
from bot.texts import handoff as texts
from bot.texts import hours, ticket_card
from rules.catalogue import Catalogue


class TelegramHandoffPresenter:
    def topic_title(self, number: int, company: str | None, subject: str) -> str:
        return ticket_card.topic_title(number, company, subject)

    def card(self, number: int, catalogue: Catalogue, profile: dict[str, Any], *, company: str | None,
             measure_id: str | None, question: str | None, today: dt.date,
             plan: Sequence[PlanView] = ()) -> dict[str, Any]:
        text = ticket_card.ticket_card(number, catalogue, profile, company=company, measure_id=measure_id,
                                       question=question, today=today, plan=plan)
        return {"text": text, "parse_mode": "HTML", "link_preview_options": {"is_disabled": True},
                "reply_markup": staff_keyboard(number, "new", None).model_dump(exclude_none=True)}

    def claimed(self, number: int, name: str) -> dict[str, Any]:
        return {"text": texts.claimed(number, name), "parse_mode": "HTML"}

    def closed(self, number: int) -> dict[str, Any]:
        return {"text": texts.closed(number), "parse_mode": "HTML",
                "reply_markup": rating_keyboard(number).model_dump(exclude_none=True)}

    def transferred_notice(self, number: int, by: str) -> str:
        return texts.transferred_notice(number, by)

    def reopened_notice(self, number: int) -> str:
        return texts.reopened_notice(number)

    def unclaimed_ping(self, number: int, minutes: int) -> str:
        return texts.unclaimed_ping(number, minutes)

    def expectation(self, availability: Availability) -> str:
        return hours.expectation(availability)

    def untitled_subject(self) -> str:
        return texts.UNTITLED_SUBJECT
