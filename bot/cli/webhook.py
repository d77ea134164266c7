"""``navigator webhook set|info``: point Telegram at the instances, once per deploy.

``set`` registers WEBHOOK_URL with WEBHOOK_SECRET as ``secret_token``, the update types the
dispatcher actually handles, and ``drop_pending_updates=False`` (updates queued during the
deploy are delivered, not lost). Instances never delete the webhook on shutdown: during a
rolling deploy the others keep receiving.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from bot.config import Settings
from bot.texts import operations as texts


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("webhook", help="вебхук Telegram: установить (set) или показать (info)")
    actions = parser.add_subparsers(dest="webhook_action", required=True)
    actions.add_parser("set", help="установить WEBHOOK_URL с секретом WEBHOOK_SECRET")
    actions.add_parser("info", help="что Telegram знает о вебхуке: адрес, очередь, последняя ошибка")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    settings = Settings()
    if not settings.token:
        print(texts.NO_TOKEN_SHORT, file=sys.stderr)
        return 2
    if args.webhook_action == "set":
        if not settings.webhook_url or not settings.webhook_secret:
            print(texts.NO_WEBHOOK_SETTINGS, file=sys.stderr)
            return 2
        return asyncio.run(_set(settings))
    return asyncio.run(_info(settings))


def allowed_updates() -> list[str]:
    """The update types the dispatcher has handlers for (aiogram computes them from the routers)."""
    from aiogram import Dispatcher

    from bot.telegram.routers import get_routers

    dp = Dispatcher()
    dp.include_routers(*get_routers())
    return dp.resolve_used_update_types()


async def _set(settings: Settings) -> int:
    from bot.telegram.dispatcher import build_bot

    assert settings.token and settings.webhook_url and settings.webhook_secret
    bot = build_bot(settings.token, settings.telegram_api_url)
    try:
        types = allowed_updates()
        await bot.set_webhook(
            settings.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=types,
            drop_pending_updates=False,
        )
        print(texts.webhook_set(str(settings.webhook_url), types))
    finally:
        await bot.session.close()
    return 0


async def _info(settings: Settings) -> int:
    from bot.telegram.dispatcher import build_bot

    assert settings.token
    bot = build_bot(settings.token, settings.telegram_api_url)
    try:
        info = await bot.get_webhook_info()
    finally:
        await bot.session.close()
    error = texts.last_error(f"{info.last_error_date:%Y-%m-%d %H:%M}", info.last_error_message) \
        if info.last_error_date else None
    print(texts.webhook_info(info.url, info.pending_update_count, info.max_connections, info.allowed_updates, error))
    return 0
