"""What the bot says on its own initiative, as Bot API payloads: the Telegram side of the services' ports.

``bot.services.alerts`` (``AlertPayload``) and ``bot.services.event_watch`` (``EventMessages``)
decide who gets what and when, and persist it; the words come from ``bot.texts`` and the buttons
from here, so services never import the Telegram wing.
"""

from __future__ import annotations

from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.callbacks import AlertsCb, CardCb, EventCardCb
from bot.texts import alerts as alert_texts
from bot.texts import events as event_texts
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

    def reminder_text(self, event: Event, offset: str) -> str:
        return event_texts.reminder_text(event, offset)
