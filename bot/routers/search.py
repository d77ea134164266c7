"""Free text outside the questionnaire → the search, or a polite fallback until it exists.

``answer_free_text`` is the one place the search plugs in: it returns the reply screen and
whether the question was answered (for analytics), and must not raise on any input.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import Message

from bot import keyboards, texts
from bot.domain import Domain
from bot.journey import Journey
from bot.replies import send
from bot.screens import Screen
from db.unit_of_work import UnitOfWork

router = Router(name="search")
router.message.filter(F.chat.type == "private")


def answer_free_text(domain: Domain, text: str, profile: dict[str, object]) -> tuple[Screen, bool]:
    """The reply to a free-text question, and whether it was answered (vs. the fallback).

    TODO(search issue): call ``rules.search`` here (profile-aware; low confidence → close
    alternatives and a consultant button). Until then: the fallback.
    """
    return Screen(texts.FREE_TEXT_FALLBACK, keyboards.ask_consultant()), False


@router.message(F.text)
async def free_text(message: Message, bot: Bot, uow: UnitOfWork, domain: Domain) -> None:
    journey = Journey(uow, domain, message.chat.id)
    text = message.text or ""
    profile = (await journey.progress()).profile() if await journey.consented() else {}
    screen, answered = answer_free_text(domain, text, dict(profile))
    await journey.search_query(text, answered)
    await uow.commit()
    await send(bot, message.chat.id, screen)


@router.message()
async def anything_else(message: Message, bot: Bot) -> None:
    await send(bot, message.chat.id, Screen(texts.NON_TEXT))
