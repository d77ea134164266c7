"""The end-to-end fake Bot API, plus webhook methods and a slow Telegram for outbox bursts."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from tests.support.fake_bot_api import FakeBotApi


@dataclass
class ScaleFakeApi(FakeBotApi):
    slow_chats_from: int = 900_000  # sendMessage to these chats takes ``slow_seconds``
    slow_seconds: float = 0.15
    webhook: dict[str, Any] = field(default_factory=dict)

    async def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "setWebhook":
            self.webhook = dict(params)
            return True
        if method == "getWebhookInfo":
            return {"url": self.webhook.get("url", ""), "has_custom_certificate": False, "pending_update_count": 3}
        if method == "sendMessage" and int(params.get("chat_id", 0)) >= self.slow_chats_from:
            await asyncio.sleep(self.slow_seconds)
        return await super()._result(method, params)

    def sends_to(self, chat_id: int) -> int:
        return sum(1 for name, p in self.calls if name == "sendMessage" and int(p.get("chat_id", 0)) == chat_id)
