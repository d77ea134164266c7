"""``navigator run`` / ``python -m bot``: the Telegram bot (long polling, or a webhook if WEBHOOK_URL is set).

Order matters: settings → token check → migrations (their own event loop, before ours) →
data files (the process exits with the ``navigator check`` messages if they are invalid) →
the bot's event loop.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from typing import Any

from bot.config import Settings
from bot.texts.operations import NO_SECRET, NO_TOKEN


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("run", help="запустить Telegram-бота (нужен BOT_TOKEN)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    return main()


def main() -> int:
    from bot.telegram.observability.logging_json import configure

    settings = Settings()
    configure(settings.log_format)
    if not settings.token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    if settings.webhook_url and not settings.webhook_secret:
        print(NO_SECRET, file=sys.stderr)
        return 2

    from bot.cli.data_files import load_or_report
    from bot.services.migrations import upgrade_serialised

    upgrade_serialised(settings.database_url)  # several instances may start at once
    bundle = load_or_report(settings.measures_path, settings.questionnaire_path)
    if bundle is None:
        return 1
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(settings, bundle))
    return 0


async def _serve(settings: Settings, bundle: Any) -> None:
    from bot.services.domain import Domain
    from bot.telegram.dispatcher import build_bot, build_dispatcher, run_polling
    from bot.telegram.observability.metrics import instrument_bot
    from bot.telegram.webhook import serve_ops, serve_webhook
    from db.engine import create_engine, create_sessionmaker

    engine = create_engine(settings.database_url)
    sessions = create_sessionmaker(engine)
    assert settings.token
    bot = instrument_bot(build_bot(settings.token, settings.telegram_api_url))
    dp = build_dispatcher(Domain(bundle), sessions, settings)
    try:
        if settings.webhook_url:
            await serve_webhook(bot, dp, sessions, settings)
            return
        ops = await serve_ops(settings, sessions, dp)
        try:
            await run_polling(bot, dp, sessions)
        finally:
            if ops is not None:
                await ops.cleanup()
            await dp["backends"].close()
    finally:
        await engine.dispose()
