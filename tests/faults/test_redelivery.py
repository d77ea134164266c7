"""Redelivery: kill -9 between saving an answer and sending the reply; claims kept 24 h.

Before: after a restart the redelivered update was a no-op, so the user never saw the next
question. A planted cut of the claim retention from 24 h to 1 minute passed every test.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import TelegramMethod
from sqlalchemy import update

from db.models import ProcessedUpdate, utcnow
from db.repositories import UpdateClaimRepository
from tests.bot.conftest import BotWorld
from tests.bot.helpers import current_question, history_count, progress_of, start_and_consent
from tests.bot.telegram import RecordingSession


class Killed(BaseException):
    """The process died (kill -9): nothing after this point runs."""


class DiesOnNextSend(RecordingSession):
    armed = False

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        if self.armed and method.__api_method__ in ("sendMessage", "editMessageText"):
            self.armed = False
            raise Killed
        return await super().make_request(bot, method, timeout)


async def test_kill_after_the_answer_is_saved_shows_the_next_question_after_restart(fault_world: BotWorld) -> None:
    dying = DiesOnNextSend()
    dying.messages = fault_world.session.messages
    fault_world.bot.session = dying
    from bot.telegram import direct_replies

    direct_replies.install(fault_world.bot, fault_world.sessions)
    fault_world.session = dying
    client = fault_world.client()
    await start_and_consent(client)
    await client.click("Готово")
    await client.click("Компания")
    assert current_question(client) == "Бизнес зарегистрирован в Москве?"
    update_ = client.callback_update(client.latest_with_keyboard().markup.inline_keyboard[0][0].callback_data)  # type: ignore[union-attr]
    dying.armed = True
    with pytest.raises(Killed):
        await client.feed(update_)  # the answer «Да» is committed, the next question never went out
    answers = await history_count(fault_world)
    assert current_question(client) == "Бизнес зарегистрирован в Москве?"

    fault_world.restart()  # a new process on the same database; Telegram redelivers
    client = fault_world.client()
    await client.feed(update_)
    assert current_question(client) == "Сколько сотрудников?"  # the next question, at last
    assert await history_count(fault_world) == answers  # applied once
    await client.send("12")  # the typed answer lands in the question the user sees
    assert current_question(client) == "Доход за прошлый год, млн ₽?"


async def test_claims_are_kept_for_telegrams_whole_redelivery_window(fault_world: BotWorld) -> None:
    client = fault_world.client()
    await start_and_consent(client)
    await client.click("Готово")
    pressed = client.last_update
    assert pressed is not None
    answers = await history_count(fault_world)
    async with fault_world.sessions() as session:
        await session.execute(update(ProcessedUpdate).values(processed_at=utcnow() - timedelta(hours=23, minutes=50)))
        purged = await UpdateClaimRepository(session).purge()
        await session.commit()
    assert purged == 0  # Telegram may redeliver for 24 hours
    await client.feed(pressed)
    assert await history_count(fault_world) == answers  # still a duplicate: nothing applied twice
    async with fault_world.sessions() as session:
        await session.execute(update(ProcessedUpdate).values(processed_at=utcnow() - timedelta(hours=24, minutes=10)))
        assert await UpdateClaimRepository(session).purge() > 0
        await session.commit()


async def test_a_typed_answer_is_not_applied_to_a_question_the_user_never_saw(fault_world: BotWorld) -> None:
    """The answer is committed, the next question never goes out and Telegram does not resend
    (the update was acknowledged): the user, still looking at the old question, types again.
    Before: that text became the answer to the next question, unseen («15» as the income)."""
    dying = DiesOnNextSend()
    dying.messages = fault_world.session.messages
    fault_world.bot.session = dying
    from bot.telegram import direct_replies

    direct_replies.install(fault_world.bot, fault_world.sessions)
    fault_world.session = dying
    client = fault_world.client()
    await start_and_consent(client)
    await client.click("Готово")
    await client.click("Компания")
    await client.click("Да")
    assert current_question(client) == "Сколько сотрудников?"
    dying.armed = True
    with pytest.raises(Killed):
        await client.send("12")  # saved; «Доход за прошлый год» is never sent
    answers = await history_count(fault_world)

    fault_world.restart()  # a new process; no redelivery
    client = fault_world.client()
    await client.send("15")  # meant for «Сколько сотрудников?», the only question the user saw
    assert await history_count(fault_world) == answers  # not applied to the income
    assert current_question(client) == "Доход за прошлый год, млн ₽?"
    assert "тот ответ уже сохранён" in client.screen()
    progress = await progress_of(fault_world)
    assert progress is not None and progress["answers"].get("headcount") == 12 and "income_mln" not in progress["answers"]
    await client.send("85,5")  # now the user has seen the question: the answer is applied
    assert current_question(client) == "Сколько месяцев компании?"


class Boom(Exception):
    pass


async def test_a_failed_button_update_is_not_acknowledged_and_its_half_effects_are_not_kept(
        fault_world: BotWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    """aiogram answers a callback query in a ``finally``; that answer used to commit the failed
    update's claim with its uncommitted answer, so the update was 'done' and never retried."""
    from bot.services.journey import Journey
    from bot.telegram.scale.dedupe import Delivery
    from db.models import ProcessedUpdate as Claim

    client = fault_world.client()
    await start_and_consent(client)
    await client.click("Готово")
    assert current_question(client) == "Кто получает поддержку?"
    answers = await history_count(fault_world)
    commit = Journey.commit

    async def failing_commit(self: Journey) -> None:
        raise Boom

    monkeypatch.setattr(Journey, "commit", failing_commit)
    update_ = client.callback_update(client.latest_with_keyboard().markup.inline_keyboard[0][0].callback_data)  # type: ignore[union-attr]
    delivery = Delivery()
    await fault_world.dp.feed_update(fault_world.bot, update_, delivery=delivery)
    assert delivery.failed  # the webhook answers 5xx: Telegram redelivers
    async with fault_world.sessions() as session:
        assert await session.get(Claim, update_.update_id) is None
    assert await history_count(fault_world) == answers  # the uncommitted answer is gone

    monkeypatch.setattr(Journey, "commit", commit)
    await client.feed(update_)  # the redelivery runs the update for real
    assert current_question(client) == "Бизнес зарегистрирован в Москве?"
    assert await history_count(fault_world) == answers + 1
