"""Staff-group commands are for consultants only, survive odd numbers and deleted topics.

Before: any member of the staff group could run /tickets, /ticket N, /outbox and /note and read
questions with ИНН and phone; ``/ticket 99…9`` raised OverflowError; a command in a deleted
topic raised «message thread not found»; /ticket's history was cut at 4000 characters.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.methods import SendMessage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.domain import Domain
from bot.telegram.outbox.clock import SimClock
from bot.texts import handoff as texts
from db.handoff.models import TicketMessage
from rules.data import Bundle
from tests.bot.telegram import check_html
from tests.handoff.recording import RecordingSession
from tests.handoff.world import CONSULTANTS, STAFF, STRANGER, World

QUESTION = "Грант? ИНН 7707083893, тел. +79991234567"


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession], telegram: RecordingSession, bot: Bot,
                clock: SimClock, bundle: Bundle) -> AsyncIterator[World]:
    world = World(sessions, telegram, bot, Domain(bundle), clock)
    await world.consenting_user()
    await world.feed(world.user_message("/consultant"))
    await world.feed(world.user_message(QUESTION))
    await world.deliver()
    yield world


def staff_texts(world: World, since: int = 0) -> list[str]:
    return [m.text for m in world.telegram.requests[since:] if isinstance(m, SendMessage) and m.chat_id == STAFF]


@pytest.mark.parametrize("command", ["/tickets", "/ticket 1", "/outbox", "/note посмотреть"])
async def test_a_group_member_who_is_not_a_consultant_is_refused(world: World, command: str) -> None:
    before = len(world.telegram.requests)
    await world.feed(world.staff_message(command, author=STRANGER, thread=1))
    said = staff_texts(world, before)
    assert said == [texts.COMMAND_ONLY_CONSULTANTS]
    assert not any("7707083893" in text for text in said)


async def test_a_consultant_still_gets_them(world: World) -> None:
    before = len(world.telegram.requests)
    await world.feed(world.staff_message("/ticket 1", author=CONSULTANTS[0]))
    assert "7707083893" in staff_texts(world, before)[0]


async def test_a_huge_ticket_number_is_no_ticket(world: World) -> None:
    before = len(world.telegram.requests)
    await world.feed(world.staff_message("/ticket " + "9" * 40, author=CONSULTANTS[0]))
    assert staff_texts(world, before) == [texts.TICKET_NUMBER_HINT]


async def test_a_command_in_a_deleted_topic_is_answered_in_the_general_thread(world: World) -> None:
    world.telegram.fail(lambda m: isinstance(m, SendMessage) and m.message_thread_id == 99, 400,
                        "Bad Request: message thread not found")
    before = len(world.telegram.requests)
    await world.feed(world.staff_message("/tickets", author=CONSULTANTS[0], thread=99))
    answered = [m for m in world.telegram.sent(SendMessage)[-1:] if m.chat_id == STAFF]
    assert answered and answered[0].message_thread_id is None and "№1" in answered[0].text
    assert len(world.telegram.requests) - before == 2


async def test_a_long_ticket_history_is_split_with_balanced_tags(world: World) -> None:
    async with world.sessions() as session:
        for i in range(80):
            session.add(TicketMessage(ticket_id=1, direction="in", source_chat_id=5, source_message_id=1000 + i,
                                      text=f"<b>жирный</b> {'слово ' * 20} {i}"))
        await session.commit()
    before = len(world.telegram.requests)
    await world.feed(world.staff_message("/ticket 1", author=CONSULTANTS[0]))
    parts = staff_texts(world, before)
    assert len(parts) >= 2
    for part in parts:
        assert check_html(part) <= 4096
