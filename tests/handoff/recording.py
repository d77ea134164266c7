"""A Bot API session that records every call and answers like Telegram, with fault injection.

Responses go through aiogram's real ``check_response``, so an injected 429 arrives as a real
``TelegramRetryAfter``, a 403 as ``TelegramForbiddenError``, a 400 as ``TelegramBadRequest``.
It also keeps the little state the handoff depends on: forum topics (and deleted ones, which
answer "message thread not found"), users who blocked the bot, the bot's rights in the staff
group.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import (
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

BOT_ID = 42
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Навигатор", "username": "navigator_test_bot"}
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
    requests: list[TelegramMethod[Any]] = field(default_factory=list)
    failures: list[tuple[TelegramMethod[Any], int]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    blocked_users: set[int] = field(default_factory=set)
    deleted_threads: set[int] = field(default_factory=set)
    is_forum: bool = True
    bot_status: str = "administrator"
    bot_rights: dict[str, bool] = field(default_factory=lambda: dict(ADMIN_RIGHTS))
    admins: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(1000)
        self._threads = itertools.count(7000)

    # --- faults -------------------------------------------------------------------------

    def fail(self, match: Callable[[TelegramMethod[Any]], bool], status: int, description: str,
             retry_after: int | None = None, times: int = 1) -> None:
        self.faults.append(Fault(match, status, description, retry_after, times))

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
            return 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
        thread = getattr(method, "message_thread_id", None)
        if thread is not None and thread in self.deleted_threads:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message thread not found"}
        return None

    # --- answers ------------------------------------------------------------------------

    def _message(self, method: Any) -> dict[str, Any]:
        chat_id = method.chat_id
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": 1_800_000_000,
            "chat": {"id": chat_id, "type": "supergroup" if chat_id < 0 else "private"},
            "from": BOT_USER,
        }
        if getattr(method, "text", None) is not None:
            message["text"] = method.text
        if getattr(method, "message_thread_id", None) is not None:
            message["message_thread_id"] = method.message_thread_id
            message["is_topic_message"] = True
        return message

    def _result(self, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, (SendMessage, SendPhoto, SendDocument)):
            return self._message(method)
        if isinstance(method, EditMessageText | EditMessageReplyMarkup):
            message = {
                "message_id": method.message_id,
                "date": 1_800_000_000,
                "chat": {"id": method.chat_id, "type": "supergroup"},
            }
            if isinstance(method, EditMessageText):
                message["text"] = method.text
            return message
        if isinstance(method, CopyMessage):
            return {"message_id": next(self._ids)}
        if isinstance(method, CreateForumTopic):
            if not self.is_forum:
                return None
            return {"message_thread_id": next(self._threads), "name": method.name, "icon_color": 7322096}
        if isinstance(method, GetMe):
            return BOT_USER
        if isinstance(method, GetChatMember):
            if method.user_id == BOT_ID:
                if self.bot_status == "administrator":
                    return {"status": "administrator", "user": BOT_USER, **self.bot_rights}
                return {"status": self.bot_status, "user": BOT_USER}
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
        return True

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        self.requests.append(method)
        fault = self._fault(method)
        if fault is not None:
            status, body = fault
            self.failures.append((method, status))
            self.check_response(bot, method, status, json.dumps(body))
            raise AssertionError("check_response did not raise")  # pragma: no cover
        if isinstance(method, CreateForumTopic) and not self.is_forum:
            body = {"ok": False, "error_code": 400, "description": "Bad Request: the chat is not a forum"}
            self.failures.append((method, 400))
            self.check_response(bot, method, 400, json.dumps(body))
        response = self.check_response(bot, method, 200, json.dumps({"ok": True, "result": self._result(method)}))
        return response.result

    async def stream_content(self, url: str, headers: dict[str, Any] | None = None, timeout: int = 30,
                             chunk_size: int = 65536, raise_for_status: bool = True) -> AsyncGenerator[bytes, None]:
        yield b""  # pragma: no cover

    async def close(self) -> None:
        pass

    # --- inspection ---------------------------------------------------------------------

    def sent(self, kind: type[TelegramMethod[Any]] | tuple[type[TelegramMethod[Any]], ...]) -> list[Any]:
        """Calls of this kind that Telegram accepted."""
        failed = {id(method) for method, _ in self.failures}
        return [m for m in self.requests if isinstance(m, kind) and id(m) not in failed]

    def to_chat(self, chat_id: int) -> list[Any]:
        failed = {id(method) for method, _ in self.failures}
        return [m for m in self.requests if getattr(m, "chat_id", None) == chat_id and id(m) not in failed]


def make_bot(session: RecordingSession) -> Bot:
    from aiogram.client.default import DefaultBotProperties
    from aiogram.enums import ParseMode

    return Bot("42:TEST", session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
