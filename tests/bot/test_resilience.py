"""The unexpected: a failing Bot API call, a flooding user, menu commands, the error handler."""

from __future__ import annotations

import logging

import pytest
from aiogram.exceptions import TelegramServerError
from aiogram.methods import SendMessage, SetMyCommands

from bot.telegram.dispatcher import build_dispatcher, set_menu_commands
from bot.telegram.middlewares.throttle import TokenBuckets
from tests.bot.conftest import BotWorld, settings_for_tests
from tests.bot.helpers import current_question, history_count, start_and_consent
from tests.support.telegram import ChatClient, texts_of


async def test_an_unexpected_error_gets_an_apology_and_logs_ids_not_text(
    world: BotWorld, client: ChatClient, caplog: pytest.LogCaptureFixture
) -> None:
    await start_and_consent(client)
    await client.click("Готово")
    await client.click("Компания")
    await client.click("Да")
    world.session.fail_next("sendMessage", TelegramServerError(SendMessage(chat_id=1, text="x"), "Bad Gateway"))
    with caplog.at_level(logging.ERROR, logger="bot.telegram.errors"):
        replies = await client.send("12 человек")
    assert any("что-то пошло не так" in t for t in texts_of(replies))
    record = next(r for r in caplog.records if r.name == "bot.telegram.errors")
    assert str(client.user.id) in record.getMessage() and "человек" not in record.getMessage()
    # the answer was committed before the send failed, so the user is not asked again
    assert await history_count(world) == 4
    await client.click("Пройти анкету заново")
    assert current_question(client) == "Что нужно бизнесу?"


async def test_a_flooding_user_is_throttled_without_starving_others(world: BotWorld) -> None:
    clock = [0.0]
    buckets = TokenBuckets(burst=3, rate=1.0, clock=lambda: clock[0])
    world.dp = build_dispatcher(world.domain, world.sessions, settings_for_tests(), throttle=buckets)
    flooder, calm = world.client(1), world.client(2)
    answered = [bool(texts_of(await flooder.send(f"спам {i}"))) for i in range(6)]
    assert answered == [True, True, True, False, False, False]
    assert texts_of(await calm.send("/help"))
    clock[0] += 2.0
    assert texts_of(await flooder.send("/help"))


async def test_menu_commands_are_set(world: BotWorld) -> None:
    await set_menu_commands(world.bot)
    (request,) = [r for r in world.session.requests if isinstance(r, SetMyCommands)]
    assert [c.command for c in request.commands] == ["start", "measures", "events", "places", "projects", "profile", "plan",
                                                    "consultant", "alerts", "help", "forget"]


async def test_two_users_do_not_see_each_other(world: BotWorld) -> None:
    alice, bob = world.client(11), world.client(12)
    await start_and_consent(alice)
    await alice.click("Готово")
    await start_and_consent(bob)
    assert current_question(bob) == "Что нужно бизнесу?"
    assert current_question(alice) == "Кто получает поддержку?"


__all__ = ["ChatClient"]
