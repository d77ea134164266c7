"""Start-up check of the staff group: is the bot there, an administrator, allowed to manage topics?

Reported plainly, in Russian, one line per missing thing, so whoever deploys knows what to
click. A group without topics is not an error: tickets then arrive as cards and consultants
answer by replying to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ChatMemberAdministrator, ChatMemberOwner

from bot.texts import staff_check as texts


@dataclass
class StaffCheck:
    ok: bool = True
    forum: bool = False
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


async def check_staff_chat(bot: Bot, chat_id: int | None) -> StaffCheck:
    result = StaffCheck()
    if chat_id is None:
        result.ok = False
        result.problems.append(texts.NO_STAFF_CHAT)
        return result
    try:
        chat = await bot.get_chat(chat_id)
    except TelegramAPIError as exc:
        result.ok = False
        result.problems.append(texts.unreachable(chat_id, exc.message))
        return result
    if chat.type != "supergroup":
        result.warnings.append(texts.not_supergroup(chat_id))
    result.forum = bool(chat.is_forum)
    if not result.forum:
        result.warnings.append(texts.NO_TOPICS)
    try:
        me = await bot.get_me()
        member = await bot.get_chat_member(chat_id, me.id)
    except TelegramAPIError as exc:
        result.ok = False
        result.problems.append(texts.rights_unknown(chat_id, exc.message))
        return result
    if isinstance(member, ChatMemberOwner):
        return result
    if not isinstance(member, ChatMemberAdministrator):
        result.ok = False
        result.problems.append(texts.NOT_ADMIN)
        return result
    if result.forum and not member.can_manage_topics:
        result.ok = False
        result.problems.append(texts.NO_MANAGE_TOPICS)
    return result
