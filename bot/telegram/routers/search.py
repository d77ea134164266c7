"""Free text outside the questionnaire → the profile-aware search over measures and the FAQ.

``answer_free_text`` is the one place the search plugs in: it returns the reply screen and
whether the question was answered (for analytics), and must not raise on any input.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import Message

from bot.config import Settings
from bot.services.calendar import Clock
from bot.services.domain import Domain
from bot.services.journey import Journey
from bot.services.search import SearchService
from bot.telegram.calendar_search import with_directory_hits
from bot.telegram.replies import send
from bot.telegram.screen import Screen
from bot.telegram.search_reply import reply
from bot.texts import bot as texts
from db.unit_of_work import UnitOfWork


def answer_free_text(search: SearchService, domain: Domain, text: str,
                     profile: dict[str, object]) -> tuple[Screen, bool]:
    """The reply to a free-text question, and whether it was answered (vs. «не уверен»).

    Profile-aware: with a saved profile, fitting measures rank first and an ineligible hit says
    why in one line. Low confidence → the closest measures and a consultant button.
    """
    result, answers = search.ask(domain.catalogue, text, profile)
    body, markup, answered = reply(result, answers)
    return Screen(body, markup), answered


async def free_text(
    message: Message, bot: Bot, uow: UnitOfWork, domain: Domain, settings: Settings, search: SearchService,
    journey: Journey, events_clock: Clock | None = None,
) -> None:
    text = message.text or ""
    profile = await journey.saved_profile()
    screen, answered = answer_free_text(search, domain, text, dict(profile))
    screen = with_directory_hits(screen, text, settings, events_clock)  # events and places, if asked for
    await journey.search_query(text, answered)
    await uow.commit()
    await send(bot, message.chat.id, screen)


async def anything_else(message: Message, bot: Bot) -> None:
    await send(bot, message.chat.id, Screen(texts.NON_TEXT))


def make_router() -> Router:
    """A fresh router with this module's handlers (one per dispatcher)."""
    router = Router(name="search")
    router.message.filter(F.chat.type == "private")
    router.message.register(free_text, F.text)
    router.message.register(anything_else)
    return router
