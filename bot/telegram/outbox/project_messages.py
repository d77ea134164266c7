"""What the project registry and customer requests say on the bot's own initiative, as Bot API
payloads: the Telegram side of ``ProjectMessages`` and ``RequestMessages``."""

from __future__ import annotations

from typing import Any

from aiogram.types import InlineKeyboardMarkup

from bot.telegram import projects_keyboards as keyboards
from bot.telegram.split import first_part
from bot.texts import projects as texts
from db.projects.models import CooperationRequest, Project
from db.projects.repository import card_of
from rules.partner_requests import CustomerRequest


def _message(chat_id: int | None, text: str, markup: InlineKeyboardMarkup | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"text": text, "parse_mode": "HTML", "disable_web_page_preview": True}
    if chat_id is not None:
        out["chat_id"] = chat_id
    if markup is not None:
        out["reply_markup"] = markup.model_dump(mode="json", exclude_none=True)
    return out


class TelegramProjectMessages:
    def topic_title(self) -> str:
        return texts.TOPIC_TITLE

    def moderation_card(self, project: Project, profile: dict[str, Any]) -> dict[str, Any]:
        text = texts.moderation_card(project.id, project.version, card_of(project), profile, project.version > 1)
        return _message(None, first_part(text), keyboards.moderation(project.id, project.version))

    def decided(self, project: Project, action: str, reason: str | None) -> dict[str, Any]:
        return _message(project.owner_id, texts.owner_decided(project.title, action, reason))

    def offer(self, request: CooperationRequest, project: Project, profile: dict[str, Any]) -> dict[str, Any]:
        return _message(project.owner_id, texts.offer_text(project.title, request.message or "", profile),
                        keyboards.offer(request.id))

    def declined(self, project: Project) -> dict[str, Any]:
        return _message(None, texts.declined(project.title))

    def contacts(self, project: Project, contact: str, to_owner: bool) -> dict[str, Any]:
        return _message(None, texts.contacts(project.title, contact, to_owner))

    def mediated(self, project: Project, ticket: int) -> dict[str, Any]:
        return _message(None, texts.mediated(project.title, ticket))

    def expiry_reminder(self, project: Project) -> dict[str, Any]:
        return _message(project.owner_id, texts.expiry_reminder(project.title, project.expires_at),
                        keyboards.current(project.id))

    def expired(self, project: Project) -> dict[str, Any]:
        return _message(project.owner_id, texts.expired(project.title))

    def mediation_question(self, project: Project, request: CooperationRequest) -> str:
        return texts.mediation_question(project.title, project.id, request.id, request.message)

    def request_alert(self, user_id: int, request: CustomerRequest) -> dict[str, Any]:
        return _message(user_id, texts.request_alert(request), keyboards.respond(request))
