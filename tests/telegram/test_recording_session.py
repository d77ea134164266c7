"""The recording Bot API session refuses what Telegram refuses and fails the way Telegram fails —
otherwise the bot-level tests that rely on it could not fail either."""

from __future__ import annotations

import pytest
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import CreateForumTopic, SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from tests.support.telegram import RecordingSession, TelegramWouldReject, make_bot


@pytest.fixture
def telegram() -> RecordingSession:
    return RecordingSession()


async def test_bad_html_long_text_and_oversized_callback_data_are_bugs(telegram: RecordingSession) -> None:
    bot = make_bot(telegram)
    with pytest.raises(TelegramWouldReject, match="unsupported start tag 'div'"):
        await bot.send_message(1, "<div>x</div>")
    with pytest.raises(TelegramWouldReject, match="too long"):
        await bot.send_message(1, "я" * 4097)
    await bot.send_message(1, "<b>" + "я" * 4096 + "</b>")  # tags do not count
    wide = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="y" * 65)]])
    with pytest.raises(TelegramWouldReject, match="BUTTON_DATA_INVALID"):
        await bot.send_message(1, "ok", reply_markup=wide)


async def test_edits_need_a_message_and_a_change(telegram: RecordingSession) -> None:
    bot = make_bot(telegram)
    with pytest.raises(TelegramWouldReject, match="not found"):
        await bot.edit_message_text("x", chat_id=1, message_id=5)
    sent = await bot.send_message(1, "first")
    with pytest.raises(TelegramBadRequest, match="not modified"):
        await bot.edit_message_text("first", chat_id=1, message_id=sent.message_id)
    await bot.edit_message_text("second", chat_id=1, message_id=sent.message_id)
    assert telegram.messages[(1, sent.message_id)].text == "second"
    assert telegram.touched == [(1, sent.message_id)] * 2
    assert len(telegram.sent(SendMessage)) == 1 and len(telegram.failures) == 1


async def test_faults_arrive_as_aiograms_exceptions(telegram: RecordingSession) -> None:
    bot = make_bot(telegram)
    telegram.fail(lambda m: isinstance(m, SendMessage), 429, "Too Many Requests: retry after 7", retry_after=7)
    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.send_message(1, "x")
    assert retry.value.retry_after == 7
    await bot.send_message(1, "x")  # the fault was for one call
    telegram.blocked_users.add(2)
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(2, "x")
    telegram.fail_next("sendMessage", TelegramServerError(SendMessage(chat_id=1, text="x"), "Bad Gateway"))
    with pytest.raises(TelegramServerError):
        await bot.send_message(1, "x")
    assert [status for _, status in telegram.failures] == [429, 403, 0]
    assert len(telegram.to_chat(1)) == 1


async def test_forum_topics_and_their_deletion(telegram: RecordingSession) -> None:
    bot = make_bot(telegram)
    topic = await bot.create_forum_topic(-100, "Заявка")
    await bot.send_message(-100, "в тему", message_thread_id=topic.message_thread_id)
    telegram.deleted_threads.add(topic.message_thread_id)
    with pytest.raises(TelegramBadRequest, match="thread not found"):
        await bot.send_message(-100, "в тему", message_thread_id=topic.message_thread_id)
    telegram.is_forum = False
    with pytest.raises(TelegramBadRequest, match="not a forum"):
        await bot(CreateForumTopic(chat_id=-100, name="x"))
