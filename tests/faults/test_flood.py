"""Flood control (429) never loses a direct reply, and no transaction is open while Telegram is called.

Before: 50 × 429 on sendMessage during a 20-user /start burst left 0 of 20 users with a reply;
429s on editMessageText / answerCallbackQuery left users without their next question; a
handler called Telegram with its SQLite write transaction open.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage, TelegramMethod
from sqlalchemy import select

from bot.telegram import direct_replies
from bot.telegram.outbox.worker import OutboxWorker
from db.models import OutboxMessage
from tests.bot.conftest import BotWorld
from tests.bot.helpers import answer_current, current_question, finish_questionnaire, start_and_consent
from tests.bot.telegram import RecordingSession


def flood(method: TelegramMethod[Any], retry_after: int = 1) -> TelegramRetryAfter:
    return TelegramRetryAfter(method, f"Too Many Requests: retry after {retry_after}", retry_after)


async def test_a_start_burst_under_429_storm_answers_everyone(fault_world: BotWorld) -> None:
    for _ in range(50):
        fault_world.session.fail_next("sendMessage", flood(SendMessage(chat_id=0, text="x")))
    clients = [fault_world.client(5000 + i) for i in range(20)]
    await asyncio.gather(*(c.send("/start") for c in clients))
    assert all("152-ФЗ" in c.screen() for c in clients)  # 20 of 20 got the consent screen


async def test_429_on_edits_and_callback_answers_never_hide_the_next_question(fault_world: BotWorld) -> None:
    clients = [fault_world.client(6000 + i) for i in range(20)]
    await asyncio.gather(*(c.send("/start") for c in clients))
    for _ in range(30):
        fault_world.session.fail_next("editMessageText", flood(EditMessageText(text="x")))
        fault_world.session.fail_next("answerCallbackQuery", flood(AnswerCallbackQuery(callback_query_id="1")))
    await asyncio.gather(*(c.click("Согласен, начнём") for c in clients))
    assert all(current_question(c) == "Что нужно бизнесу?" for c in clients)


async def test_an_answer_to_a_callback_that_fails_does_not_turn_the_screen_into_an_error(
    fault_world: BotWorld,
) -> None:
    client = fault_world.client()
    await client.send("/start")
    fault_world.session.fail_next(
        "answerCallbackQuery", TelegramBadRequest(AnswerCallbackQuery(callback_query_id="1"), "query is too old")
    )
    await client.click("Согласен, начнём")
    assert current_question(client) == "Что нужно бизнесу?"
    assert "что-то пошло не так" not in client.screen()


async def test_a_reply_that_flood_control_outlasts_goes_to_the_outbox_and_is_delivered(fault_world: BotWorld) -> None:
    client = fault_world.client()
    fault_world.session.fail_next("sendMessage", flood(SendMessage(chat_id=0, text="x"), retry_after=60))
    await client.send("/start")
    assert client.screen() == ""  # nothing went out yet …
    async with fault_world.sessions() as session:
        rows = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == client.user.id)))
    assert [(r.kind, r.method, r.status) for r in rows] == [(direct_replies.KIND_DIRECT, "sendMessage", "pending")]
    assert "152-ФЗ" in rows[0].payload["text"] and rows[0].payload["reply_markup"]["inline_keyboard"]

    late = rows[0].next_attempt_at
    worker = OutboxWorker(bot=fault_world.bot, sessions=fault_world.sessions, now=lambda: late)
    await worker.run_once()
    assert "152-ФЗ" in client.screen()  # … but it is not lost: the worker sends it when allowed
    await client.click("Согласен, начнём")
    assert current_question(client) == "Что нужно бизнесу?"


class NoOpenTransaction(RecordingSession):
    """Fails the test if the update's database transaction is open while Telegram is called."""

    calls_checked = 0

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        uow = direct_replies.current_uow.get()
        if uow is not None:
            assert not uow.session.in_transaction(), f"{method.__api_method__} called inside a transaction"
            self.calls_checked += 1
        return await super().make_request(bot, method, timeout)


async def test_no_bot_api_call_is_made_inside_an_open_transaction(fault_world: BotWorld) -> None:
    checking = NoOpenTransaction()
    fault_world.bot.session = checking
    direct_replies.install(fault_world.bot, fault_world.sessions)
    fault_world.session = checking
    client = fault_world.client()
    await start_and_consent(client)
    await finish_questionnaire(client)
    await client.click("1")
    await client.send("/profile")
    await client.send("/forget")
    await client.click("Да, удалить всё")
    assert checking.calls_checked >= 10


async def test_fifty_concurrent_users_lose_no_update_to_lock_contention(fault_world: BotWorld) -> None:
    clients = [fault_world.client(7000 + i) for i in range(50)]
    await asyncio.gather(*(start_and_consent(c) for c in clients))

    async def journey(client: Any) -> None:
        for _ in range(3):
            await answer_current(client)

    alone = fault_world.client(6999)  # the same steps without company
    await start_and_consent(alone)
    await journey(alone)
    expected = current_question(alone)
    await asyncio.gather(*(journey(c) for c in clients))
    assert expected is not None
    assert [c.user.id for c in clients if current_question(c) != expected] == []
