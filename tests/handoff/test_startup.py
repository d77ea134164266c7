"""The start-up check of the staff group says plainly what is missing, and picks topics or replies."""

from __future__ import annotations

from aiogram import Bot
from aiogram.methods import SendMessage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.handoff import Handoff
from bot.telegram.handoff.presenter import TelegramHandoffPresenter
from bot.telegram.handoff.runtime import apply_check
from bot.telegram.handoff.startup import check_staff_chat
from bot.telegram.outbox.pacer import Pacer
from bot.telegram.outbox.worker import OutboxWorker
from tests.handoff.world import STAFF
from tests.support.clock import SimClock
from tests.support.telegram import RecordingSession


async def test_a_forum_group_with_full_rights_passes(bot: Bot) -> None:
    check = await check_staff_chat(bot, STAFF)
    assert check.ok and check.forum and check.problems == [] and check.warnings == []


async def test_missing_topic_rights_are_named(bot: Bot, telegram: RecordingSession) -> None:
    telegram.bot_rights["can_manage_topics"] = False
    check = await check_staff_chat(bot, STAFF)
    assert not check.ok
    assert check.problems == [
        "У бота нет права «Управление темами» (can_manage_topics): без него он не создаст тему для заявки. "
        "Включите его в настройках администратора бота."
    ]


async def test_a_bot_that_is_not_an_administrator_is_told_so(bot: Bot, telegram: RecordingSession) -> None:
    telegram.bot_status = "member"
    check = await check_staff_chat(bot, STAFF)
    assert not check.ok and "не администратор" in check.problems[0]


async def test_a_group_without_topics_falls_back_to_cards(bot: Bot, telegram: RecordingSession) -> None:
    telegram.is_forum = False
    check = await check_staff_chat(bot, STAFF)
    assert check.ok and not check.forum and "не включены темы" in check.warnings[0]


async def test_an_unreachable_group_or_no_setting(bot: Bot, telegram: RecordingSession) -> None:
    telegram.fail(lambda m: True, 400, "Bad Request: chat not found")
    check = await check_staff_chat(bot, STAFF)
    assert not check.ok and "chat not found" in check.problems[0]
    assert "STAFF_CHAT_ID не задан" in (await check_staff_chat(bot, None)).problems[0]


async def test_problems_reach_the_admins_and_topics_are_not_attempted(
    bot: Bot, telegram: RecordingSession, sessions: async_sessionmaker[AsyncSession], clock: SimClock
) -> None:
    telegram.bot_rights["can_manage_topics"] = False
    handoff = Handoff(staff_chat_id=STAFF, presenter=TelegramHandoffPresenter())
    check = await apply_check(bot, handoff, sessions, frozenset({9001}))
    assert check is not None and not check.ok and handoff.forum is False
    await apply_check(bot, handoff, sessions, frozenset({9001}))  # a second start the same day: told once
    worker = OutboxWorker(bot=bot, sessions=sessions, pacer=Pacer(clock=clock.monotonic), now=clock.now)
    await worker.run_once()
    [told] = [m for m in telegram.to_chat(9001) if isinstance(m, SendMessage)]
    assert "Управление темами" in told.text
