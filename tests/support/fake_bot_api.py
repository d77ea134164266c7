"""A small Bot-API-compatible HTTP server for end-to-end tests (``TELEGRAM_API_URL``).

Implements just what the bot uses: getMe, deleteWebhook, setMyCommands, getUpdates (long
polling with offsets), sendMessage, editMessageText, editMessageReplyMarkup,
answerCallbackQuery. Tests push updates and wait for the bot's calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT = {"id": 42, "is_bot": True, "first_name": "Навигатор", "username": "navigator_test_bot"}


@dataclass
class FakeBotApi:
    updates: list[dict[str, Any]] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    _new_update: asyncio.Event = field(default_factory=asyncio.Event)
    _new_call: asyncio.Event = field(default_factory=asyncio.Event)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(500))
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    runner: web.AppRunner | None = None
    port: int = 0

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    # --- what tests do -----------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self.updates.append({"update_id": update_id, **update})
        self._new_update.set()
        return update_id

    def push_text(self, user_id: int, text: str) -> int:
        return self.push(
            {
                "message": {
                    "message_id": next(self._ids),
                    "date": int(time.time()),
                    "text": text,
                    "chat": {"id": user_id, "type": "private"},
                    "from": {"id": user_id, "is_bot": False, "first_name": "Иван"},
                }
            }
        )

    def push_click(self, user_id: int, message: dict[str, Any], data: str) -> int:
        return self.push(
            {
                "callback_query": {
                    "id": str(next(self._ids)),
                    "chat_instance": "ci",
                    "data": data,
                    "message": message,
                    "from": {"id": user_id, "is_bot": False, "first_name": "Иван"},
                }
            }
        )

    async def wait_for(self, method: str, contains: str, timeout: float = 20.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for name, params in self.calls[seen:]:
                if name == method and contains in params.get("text", ""):
                    return params
            seen = len(self.calls)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {method} with {contains!r}; calls: {[c[0] for c in self.calls]}")
            self._new_call.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_call.wait(), remaining)

    async def wait_for_call_after(self, seen: int, timeout: float = 20.0) -> tuple[str, dict[str, Any]]:
        """The first call the bot makes after the first ``seen`` calls (``len(api.calls)`` taken earlier)."""
        deadline = time.monotonic() + timeout
        while len(self.calls) <= seen:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no call after the first {seen}; calls: {[c[0] for c in self.calls]}")
            self._new_call.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_call.wait(), remaining)
        return self.calls[seen]

    # --- the Bot API --------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        for key in ("reply_markup",):
            if key in params:
                params[key] = json.loads(params[key])
        result = await self._result(method, params)
        if method != "getUpdates":
            self.calls.append((method, params))
            self._new_call.set()
        return web.json_response({"ok": True, "result": result})

    async def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT
        if method in ("deleteWebhook", "setMyCommands", "answerCallbackQuery", "close", "logOut"):
            return True
        if method == "getUpdates":
            offset = int(params.get("offset", 0) or 0)
            timeout = float(params.get("timeout", 0) or 0)
            deadline = time.monotonic() + min(timeout, 2.0)
            while True:
                pending = [u for u in self.updates if u["update_id"] >= offset]
                if pending or time.monotonic() >= deadline:
                    return pending
                self._new_update.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._new_update.wait(), max(0.01, deadline - time.monotonic()))
        if method in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            message_id = int(params.get("message_id") or next(self._ids))
            message: dict[str, Any] = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": BOT,
                "text": params.get("text", "…"),
            }
            if "reply_markup" in params:
                message["reply_markup"] = params["reply_markup"]
            params["_message"] = message
            return message
        raise web.HTTPNotImplemented(text=f"fake Bot API does not implement {method}")


def button_data(params: dict[str, Any], label: str) -> str:
    for row in params["reply_markup"]["inline_keyboard"]:
        for button in row:
            if button["text"] == label:
                return str(button["callback_data"])
    raise AssertionError(f"no button {label!r}")
