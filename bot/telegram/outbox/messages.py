"""What the bot says on its own initiative, as Bot API payloads: the Telegram side of the services' ports.

``bot.services.alerts`` (``AlertPayload``) and ``bot.services.event_watch`` (``EventMessages``)
decide who gets what and when, and persist it; the words come from ``bot.texts`` and the buttons
from here, so services never import the Telegram wing.
"""

from __future__ import annotations

from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.services.plan import PlanReminder
from bot.telegram import result_keyboards
from bot.telegram.callbacks import AlertsCb, CardCb, EventCardCb
from bot.texts import alerts as alert_texts
from bot.texts import events as event_texts
from bot.texts import plan as plan_texts
from rules.events import Event
from rules.rematch import AlertCandidate


class TelegramOutboxMessages:
    def measure_alert(self, candidate: AlertCandidate) -> dict[str, Any]:
        markup = InlineKeyboardMarkup(inline_keyboard=[
            [InlineKeyboardButton(text=alert_texts.BUTTON_DETAILS, callback_data=CardCb(id=candidate.measure.id).pack())],
            [InlineKeyboardButton(text=alert_texts.BUTTON_UNSUBSCRIBE, callback_data=AlertsCb(on=False).pack())],
        ])
        return {
            "chat_id": candidate.user_id,
            "text": alert_texts.alert_text(candidate),
            "parse_mode": "HTML",
            "disable_web_page_preview": True,
            "reply_markup": markup.model_dump(mode="json", exclude_none=True),
        }

    def event_alert(self, user_id: int, event: Event) -> dict[str, Any]:
        markup = InlineKeyboardMarkup(inline_keyboard=[
            [InlineKeyboardButton(text=alert_texts.BUTTON_DETAILS, callback_data=EventCardCb(id=event.id).pack())]])
        return {
            "chat_id": user_id,
            "text": event_texts.event_alert(event),
            "parse_mode": "HTML",
            "reply_markup": markup.model_dump(mode="json", exclude_none=True),
            "_event_id": event.id,
        }

    def plan_reminder(self, reminder: PlanReminder) -> dict[str, Any]:
        """«Мой план»: the deadline of a measure the user is still collecting documents for."""
        return {
            "chat_id": reminder.user_id,
            "text": plan_texts.reminder_text(reminder),
            "parse_mode": "HTML",
            "disable_web_page_preview": True,
            "reply_markup": result_keyboards.reminder(reminder.measure.id).model_dump(mode="json", exclude_none=True),
        }

    def reminder_text(self, event: Event, offset: str) -> str:
        return event_texts.reminder_text(event, offset)
