"""A recording Bot API session and a small chat client — Telegram without the network.

``RecordingSession`` is a real ``BaseSession``: every request the bot makes is recorded and
answered with a valid, fabricated result. It checks what Telegram would check — text length
after entity parsing, well-formed HTML with supported tags, callback data of 1–64 bytes — so
a bot that would be rejected by Telegram fails here. Faults can be queued per method.

``ChatClient`` is one private chat: ``send("/start")``, ``click("Да")``, ``send_photo()``;
each returns the requests the bot made for that update, fed through ``Dispatcher.feed_update``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteWebhook,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    SendMessage,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.types import (
    CallbackQuery,
    Chat,
    InlineKeyboardMarkup,
    Message,
    PhotoSize,
    Update,
    User,
)

BOT_USER = User(id=42, is_bot=True, first_name="Навигатор", username="navigator_test_bot")
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "tg-spoiler",
    "blockquote",
    "span",
    "tg-emoji",
}


class TelegramWouldReject(AssertionError):
    """The request is one the real Bot API would refuse (400)."""


class _HtmlChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.visible = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise TelegramWouldReject(f"can't parse entities: unsupported start tag {tag!r}")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise TelegramWouldReject(f"can't parse entities: unexpected end tag {tag!r}")
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.visible += len(data)


def check_html(text: str) -> int:
    """Validate Telegram-HTML; return the visible length."""
    checker = _HtmlChecker()
    checker.feed(text)
    checker.close()
    if checker.stack:
        raise TelegramWouldReject(f"can't parse entities: unclosed {checker.stack}")
    return checker.visible


def check_markup(markup: Any) -> None:
    if isinstance(markup, InlineKeyboardMarkup):
        for row in markup.inline_keyboard:
            for button in row:
                if button.callback_data is not None:
                    size = len(button.callback_data.encode())
                    if not 1 <= size <= 64:
                        raise TelegramWouldReject(f"BUTTON_DATA_INVALID: {size} bytes")


@dataclass
class SentMessage:
    chat_id: int
    message_id: int
    text: str
    markup: InlineKeyboardMarkup | None


@dataclass
class RecordingSession(BaseSession):
    requests: list[TelegramMethod[Any]] = field(default_factory=list)
    messages: dict[tuple[int, int], SentMessage] = field(default_factory=dict)
    faults: dict[str, list[TelegramAPIError]] = field(default_factory=dict)
    touched: list[tuple[int, int]] = field(default_factory=list)  # messages in order of send/edit

    def __post_init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(1000)

    def fail_next(self, method: str, error: TelegramAPIError) -> None:
        self.faults.setdefault(method, []).append(error)

    async def close(self) -> None:
        return None

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        raise NotImplementedError
        yield b""  # pragma: no cover

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        self.requests.append(method)
        name = method.__api_method__
        if self.faults.get(name):
            raise self.faults[name].pop(0)
        if isinstance(method, (SendMessage, EditMessageText)):
            if check_html(method.text) > 4096:
                raise TelegramWouldReject("message is too long")
            if not method.text.strip():
                raise TelegramWouldReject("message text is empty")
            check_markup(method.reply_markup)
        if isinstance(method, SendMessage):
            chat_id = int(method.chat_id)
            message_id = next(self._ids)
            markup = method.reply_markup if isinstance(method.reply_markup, InlineKeyboardMarkup) else None
            self.messages[(chat_id, message_id)] = SentMessage(chat_id, message_id, method.text, markup)
            self.touched.append((chat_id, message_id))
            return _message(chat_id, message_id, method.text, markup)
        if isinstance(method, EditMessageText):
            key = (int(method.chat_id or 0), int(method.message_id or 0))
            old = self.messages.get(key)
            if old is None:
                raise TelegramWouldReject("message to edit not found")
            if old.text == method.text and old.markup == method.reply_markup:
                from aiogram.exceptions import TelegramBadRequest

                raise TelegramBadRequest(method, "Bad Request: message is not modified")
            self.messages[key] = SentMessage(key[0], key[1], method.text, method.reply_markup)
            self.touched.append(key)
            return _message(key[0], key[1], method.text, method.reply_markup)
        if isinstance(method, EditMessageReplyMarkup):
            check_markup(method.reply_markup)
            key = (int(method.chat_id or 0), int(method.message_id or 0))
            old = self.messages.get(key)
            if old is None:
                raise TelegramWouldReject("message to edit not found")
            self.messages[key] = SentMessage(key[0], key[1], old.text, method.reply_markup)
            return _message(key[0], key[1], old.text, method.reply_markup)
        if isinstance(method, AnswerCallbackQuery):
            if method.text and len(method.text) > 200:
                raise TelegramWouldReject("callback answer text too long")
            return True
        if isinstance(method, (SetMyCommands, DeleteWebhook)):
            return True
        if isinstance(method, GetMe):
            return BOT_USER
        raise NotImplementedError(f"RecordingSession does not fabricate {name}")


def _message(chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None) -> Message:
    return Message(
        message_id=message_id,
        date=dt.datetime.now(dt.UTC),
        chat=Chat(id=chat_id, type="private"),
        from_user=BOT_USER,
        text=text,
        reply_markup=markup,
    )


_update_ids = itertools.count(1)


def next_update_id() -> int:
    return next(_update_ids)


class ChatClient:
    """One user in a private chat with the bot."""

    def __init__(self, dp: Dispatcher, bot: Bot, session: RecordingSession, user_id: int = 1001) -> None:
        self.dp = dp
        self.bot = bot
        self.session = session
        self.user = User(id=user_id, is_bot=False, first_name="Иван", language_code="ru")
        self.chat = Chat(id=user_id, type="private", first_name="Иван")
        self._message_ids = itertools.count(1)
        self.last_update: Update | None = None

    async def feed(self, update: Update) -> list[TelegramMethod[Any]]:
        before = len(self.session.requests)
        self.last_update = update
        await self.dp.feed_update(self.bot, update)
        return self.session.requests[before:]

    def message_update(self, text: str | None = None, **extra: Any) -> Update:
        message = Message(
            message_id=next(self._message_ids),
            date=dt.datetime.now(dt.UTC),
            chat=self.chat,
            from_user=self.user,
            text=text,
            **extra,
        )
        return Update(update_id=next_update_id(), message=message)

    async def send(self, text: str) -> list[TelegramMethod[Any]]:
        return await self.feed(self.message_update(text))

    async def send_photo(self) -> list[TelegramMethod[Any]]:
        photo = [PhotoSize(file_id="AgAD", file_unique_id="u1", width=90, height=90)]
        return await self.feed(self.message_update(None, photo=photo))

    def callback_update(self, data: str, message: SentMessage | None = None) -> Update:
        carrier = message or self.latest_with_keyboard()
        query = CallbackQuery(
            id=str(next_update_id()),
            from_user=self.user,
            chat_instance="ci",
            data=data,
            message=_message(self.chat.id, carrier.message_id, carrier.text, carrier.markup)
            if carrier
            else None,
        )
        return Update(update_id=next_update_id(), callback_query=query)

    async def click(self, label: str) -> list[TelegramMethod[Any]]:
        """Press the button with this text (exact, or the only one that contains it) on the
        newest message that has it."""
        for message in reversed(list(self.my_messages())):
            if message.markup is None:
                continue
            buttons = [b for row in message.markup.inline_keyboard for b in row]
            exact = [b for b in buttons if b.text == label]
            found = exact or [b for b in buttons if label in b.text]
            if len(found) == 1 and found[0].callback_data:
                return await self.feed(self.callback_update(found[0].callback_data, message))
            if len(found) > 1:
                raise AssertionError(f"several buttons match {label!r}: {[b.text for b in found]}")
        raise AssertionError(f"no button {label!r}; keyboards: {self.keyboards()}")

    async def press_data(self, data: str) -> list[TelegramMethod[Any]]:
        return await self.feed(self.callback_update(data))

    def my_messages(self) -> list[SentMessage]:
        return [m for (chat, _), m in sorted(self.session.messages.items()) if chat == self.chat.id]

    def latest_with_keyboard(self) -> SentMessage | None:
        return next((m for m in reversed(self.my_messages()) if m.markup is not None), None)

    def last_text(self) -> str:
        messages = self.my_messages()
        return messages[-1].text if messages else ""

    def screen(self) -> str:
        """The text of the message sent or edited last — what the user is looking at."""
        mine = [key for key in self.session.touched if key[0] == self.chat.id]
        return self.session.messages[mine[-1]].text if mine else ""

    def keyboards(self) -> list[list[str]]:
        message = self.latest_with_keyboard()
        if message is None or message.markup is None:
            return []
        return [[b.text for b in row] for row in message.markup.inline_keyboard]

    def buttons(self) -> list[str]:
        return [text for row in self.keyboards() for text in row]


def texts_of(requests: list[TelegramMethod[Any]]) -> list[str]:
    return [
        r.text
        for r in requests
        if isinstance(r, (SendMessage, EditMessageText, AnswerCallbackQuery)) and r.text
    ]
