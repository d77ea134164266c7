"""Who is a consultant: listed in CONSULTANT_IDS, or an administrator of the staff group.

Asking Telegram is the adapter's business (``getChatMember``), so this lives in the Telegram
wing; the answer is cached for five minutes per user so a busy topic costs no extra calls.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

ADMIN_CACHE_SECONDS = 300.0


@dataclass
class ConsultantCheck:
    staff_chat_id: int | None
    consultant_ids: frozenset[int] = frozenset()
    clock: Callable[[], float] = time.monotonic
    _admins: dict[int, tuple[bool, float]] = field(default_factory=dict, init=False, repr=False)

    async def is_consultant(self, bot: Bot, user_id: int) -> bool:
        if user_id in self.consultant_ids:
            return True
        if self.staff_chat_id is None:
            return False
        cached = self._admins.get(user_id)
        now = self.clock()
        if cached is not None and now - cached[1] < ADMIN_CACHE_SECONDS:
            return cached[0]
        try:
            member = await bot.get_chat_member(self.staff_chat_id, user_id)
            admin = member.status in ("creator", "administrator")
        except TelegramAPIError:
            admin = False
        self._admins[user_id] = (admin, now)
        return admin
