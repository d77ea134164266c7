"""Telegram without the network: one recording Bot API session and one chat client.

``RecordingSession`` is a real aiogram ``BaseSession``. Every request the bot makes is recorded
and answered with a fabricated result that goes through aiogram's own ``check_response``, so a
fault arrives as the exception Telegram's answer would raise (429 → ``TelegramRetryAfter``, 403 →
``TelegramForbiddenError``, 400 → ``TelegramBadRequest``). It checks what Telegram would check —
text length after entity parsing, well-formed HTML with supported tags, callback data of 1–64
bytes, edits of messages that exist and that change something — so a bot that Telegram would
reject fails here. It keeps the little state the handoff depends on: forum topics (deleted ones
answer "message thread not found"), users who blocked the bot, the bot's rights in the staff
group, the group's admins.

Faults: ``fail(match, status, description, retry_after, times)`` answers matching calls with an
HTTP error; ``fail_next(method_name, exception)`` raises that exception once for the next call of
that method (e.g. a network-level ``TelegramServerError``).

``ChatClient`` is one private chat fed through ``Dispatcher.feed_update``: ``send("/start")``,
``click("Да")``, ``send_photo()``; each returns the requests the bot made for that update.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.methods import (
    AnswerCallbackQuery,
    CopyMessage,
    CreateForumTopic,
    EditMessageReplyMarkup,
    EditMessageText,
    GetChat,
    GetChatMember,
    GetMe,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import CallbackQuery, Chat, InlineKeyboardMarkup, Message, PhotoSize, Update, User

BOT_ID = 42
BOT_USER_JSON: dict[str, Any] = {
    "id": BOT_ID, "is_bot": True, "first_name": "Навигатор", "username": "navigator_test_bot",
}
BOT_USER = User.model_validate(BOT_USER_JSON)
ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": False,
    "can_restrict_members": False,
    "can_promote_members": False,
    "can_change_info": False,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_send_welcome_messages": False,
    "can_post_messages": True,
    "can_pin_messages": True,
    "can_manage_topics": True,
}
ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "tg-spoiler", "blockquote", "span", "tg-emoji",
}
DATE = 1_800_000_000  # the date of every fabricated message


class TelegramWouldReject(AssertionError):
    """The request is one the real Bot API would refuse (400): a bug in the bot, not a fault."""


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


def _markup_json(markup: Any) -> dict[str, Any] | None:
    if isinstance(markup, InlineKeyboardMarkup):
        dumped: dict[str, Any] = markup.model_dump(mode="json", exclude_none=True)
        return dumped
    return None


@dataclass
class SentMessage:
    chat_id: int
    message_id: int
    text: str
    markup: InlineKeyboardMarkup | None


@dataclass
class Fault:
    """Fail matching calls ``times`` times with this HTTP code and description."""

    match: Callable[[TelegramMethod[Any]], bool]
    status: int
    description: str
    retry_after: int | None = None
    times: int = 1


@dataclass
class RecordingSession(BaseSession):
    """Records every Bot API call and answers like Telegram (see the module docstring).

    ``strict_edits``: an edit of a message this session never sent is rejected as Telegram
    would ("message to edit not found"). Tests that feed hand-made updates whose messages the
    session never saw (the handoff world) turn it off.
    """

    requests: list[TelegramMethod[Any]] = field(default_factory=list)
    failures: list[tuple[TelegramMethod[Any], int]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    raises: dict[str, list[BaseException]] = field(default_factory=dict)
    messages: dict[tuple[int, int], SentMessage] = field(default_factory=dict)
    touched: list[tuple[int, int]] = field(default_factory=list)  # messages in order of send/edit
    blocked_users: set[int] = field(default_factory=set)
    deleted_threads: set[int] = field(default_factory=set)
    is_forum: bool = True
    bot_status: str = "administrator"
    bot_rights: dict[str, bool] = field(default_factory=lambda: dict(ADMIN_RIGHTS))
    admins: set[int] = field(default_factory=set)
    strict_edits: bool = True

    def __post_init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(1000)
        self._threads = itertools.count(7000)

    # --- faults -------------------------------------------------------------------------

    def fail(self, match: Callable[[TelegramMethod[Any]], bool], status: int, description: str,
             retry_after: int | None = None, times: int = 1) -> None:
        self.faults.append(Fault(match, status, description, retry_after, times))

    def fail_next(self, method: str, error: BaseException) -> None:
        """Raise ``error`` on the next call of the Bot API method ``method`` (e.g. "sendMessage")."""
        self.raises.setdefault(method, []).append(error)

    def _fault(self, method: TelegramMethod[Any]) -> tuple[int, dict[str, Any]] | None:
        for fault in self.faults:
            if fault.times > 0 and fault.match(method):
                fault.times -= 1
                body: dict[str, Any] = {"ok": False, "error_code": fault.status, "description": fault.description}
                if fault.retry_after is not None:
                    body["parameters"] = {"retry_after": fault.retry_after}
                return fault.status, body
        chat_id = getattr(method, "chat_id", None)
        if isinstance(chat_id, int) and chat_id in self.blocked_users:
            return 403, _error(403, "Forbidden: bot was blocked by the user")
        thread = getattr(method, "message_thread_id", None)
        if thread is not None and thread in self.deleted_threads:
            return 400, _error(400, "Bad Request: message thread not found")
        if isinstance(method, CreateForumTopic) and not self.is_forum:
            return 400, _error(400, "Bad Request: the chat is not a forum")
        return None

    def _validate(self, method: TelegramMethod[Any]) -> tuple[int, dict[str, Any]] | None:
        """What Telegram refuses: a bug in the bot (raised) or an expected 400 (returned)."""
        if isinstance(method, SendMessage | EditMessageText):
            if not method.text.strip():
                raise TelegramWouldReject("message text is empty")
            if check_html(method.text) > 4096:
                raise TelegramWouldReject("message is too long")
        if isinstance(method, SendMessage | EditMessageText | EditMessageReplyMarkup | SendPhoto | SendDocument):
            check_markup(method.reply_markup)
        if isinstance(method, AnswerCallbackQuery) and method.text and len(method.text) > 200:
            raise TelegramWouldReject("callback answer text too long")
        if isinstance(method, EditMessageText | EditMessageReplyMarkup):
            key = (int(method.chat_id or 0), int(method.message_id or 0))
            old = self.messages.get(key)
            if old is None:
                if self.strict_edits:
                    raise TelegramWouldReject("message to edit not found")
                return None
            if isinstance(method, EditMessageText) and old.text == method.text and old.markup == method.reply_markup:
                return 400, _error(400, "Bad Request: message is not modified: specified new message content "
                                        "and reply markup are exactly the same")
        return None

    # --- answers ------------------------------------------------------------------------

    def _remember(self, chat_id: int, message_id: int, text: str, markup: Any, *, touch: bool) -> None:
        """Keep the message as the chat shows it; ``touch``: the user now looks at it."""
        inline = markup if isinstance(markup, InlineKeyboardMarkup) else None
        self.messages[(chat_id, message_id)] = SentMessage(chat_id, message_id, text, inline)
        if touch:
            self.touched.append((chat_id, message_id))

    def _message(self, method: Any, message_id: int | None = None) -> dict[str, Any]:
        chat_id = int(method.chat_id)
        message: dict[str, Any] = {
            "message_id": next(self._ids) if message_id is None else message_id,
            "date": DATE,
            "chat": {"id": chat_id, "type": "supergroup" if chat_id < 0 else "private"},
            "from": BOT_USER_JSON,
        }
        text = getattr(method, "text", None)
        if text is None:
            text = getattr(method, "caption", None)
            if text is not None:
                message["caption"] = text
        else:
            message["text"] = text
        markup = _markup_json(getattr(method, "reply_markup", None))
        if markup is not None:
            message["reply_markup"] = markup
        if getattr(method, "message_thread_id", None) is not None:
            message["message_thread_id"] = method.message_thread_id
            message["is_topic_message"] = True
        if isinstance(method, SendDocument):
            filename = getattr(method.document, "filename", None)
            message["document"] = {"file_id": "doc", "file_unique_id": "doc", "file_name": filename}
        if isinstance(method, SendPhoto):
            message["photo"] = [{"file_id": "photo", "file_unique_id": "photo", "width": 90, "height": 90}]
        return message

    def _result(self, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, SendMessage | SendPhoto | SendDocument):
            message = self._message(method)
            text = message.get("text") or message.get("caption") or ""
            self._remember(message["chat"]["id"], message["message_id"], text, method.reply_markup,
                           touch=isinstance(method, SendMessage))
            return message
        if isinstance(method, EditMessageText | EditMessageReplyMarkup):
            key = (int(method.chat_id or 0), int(method.message_id or 0))
            old = self.messages.get(key)
            text = method.text if isinstance(method, EditMessageText) else (old.text if old else "")
            if old is not None or isinstance(method, EditMessageText):
                self._remember(key[0], key[1], text, method.reply_markup, touch=isinstance(method, EditMessageText))
            message = self._message(method, message_id=key[1])
            message["chat"]["type"] = "private" if key[0] > 0 else "supergroup"
            if text:
                message["text"] = text
            return message
        if isinstance(method, CopyMessage):
            return {"message_id": next(self._ids)}
        if isinstance(method, CreateForumTopic):
            return {"message_thread_id": next(self._threads), "name": method.name, "icon_color": 7322096}
        if isinstance(method, GetMe):
            return BOT_USER_JSON
        if isinstance(method, GetChatMember):
            if method.user_id == BOT_ID:
                if self.bot_status == "administrator":
                    return {"status": "administrator", "user": BOT_USER_JSON, **self.bot_rights}
                return {"status": self.bot_status, "user": BOT_USER_JSON}
            user = {"id": method.user_id, "is_bot": False, "first_name": "Сотрудник"}
            if method.user_id in self.admins:
                return {"status": "administrator", "user": user, **ADMIN_RIGHTS}
            return {"status": "member", "user": user}
        if isinstance(method, GetChat):
            return {
                "id": method.chat_id,
                "type": "supergroup",
                "title": "ЦКР — консультации",
                "is_forum": self.is_forum,
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        return True  # answerCallbackQuery, setMyCommands, deleteWebhook, deleteMessage, …

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        self.requests.append(method)
        name = method.__api_method__
        if self.raises.get(name):
            self.failures.append((method, 0))
            raise self.raises[name].pop(0)
        answer = self._fault(method) or self._validate(method)
        if answer is not None:
            status, body = answer
            self.failures.append((method, status))
            self.check_response(bot, method, status, json.dumps(body))
            raise AssertionError("check_response did not raise")  # pragma: no cover
        response = self.check_response(bot, method, 200, json.dumps({"ok": True, "result": self._result(method)}))
        return response.result

    async def stream_content(self, url: str, headers: dict[str, Any] | None = None, timeout: int = 30,
                             chunk_size: int = 65536, raise_for_status: bool = True) -> AsyncGenerator[bytes, None]:
        raise NotImplementedError("RecordingSession does not download files")
        yield b""  # pragma: no cover

    async def close(self) -> None:
        return None

    # --- inspection ---------------------------------------------------------------------

    def sent(self, kind: type[TelegramMethod[Any]] | tuple[type[TelegramMethod[Any]], ...]) -> list[Any]:
        """Calls of this kind that Telegram accepted."""
        failed = {id(method) for method, _ in self.failures}
        return [m for m in self.requests if isinstance(m, kind) and id(m) not in failed]

    def to_chat(self, chat_id: int) -> list[Any]:
        """Accepted calls addressed to this chat."""
        failed = {id(method) for method, _ in self.failures}
        return [m for m in self.requests if getattr(m, "chat_id", None) == chat_id and id(m) not in failed]


def _error(status: int, description: str) -> dict[str, Any]:
    return {"ok": False, "error_code": status, "description": description}


def make_bot(session: RecordingSession) -> Bot:
    """A bot on this session with HTML parse mode (the bot's production default)."""
    from aiogram.client.default import DefaultBotProperties
    from aiogram.enums import ParseMode

    return Bot("42:TEST", session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


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
        if isinstance(r, SendMessage | EditMessageText | AnswerCallbackQuery) and r.text
    ]
