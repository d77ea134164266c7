"""/start with an optional deep-link payload, consent (152-ФЗ), the policy text."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message

from bot.config import Settings
from bot.services.domain import Domain
from bot.services.journey import Journey
from bot.telegram import screens
from bot.telegram.callbacks import MAX_PAYLOAD, ConsentCb, PolicyCb
from bot.telegram.flow import consent_screen, current_screen
from bot.telegram.replies import replace, send
from bot.telegram.screen import Screen
from bot.texts import bot as texts
from db.unit_of_work import UnitOfWork

PRIVACY_FILE = Path(__file__).resolve().parents[3] / "docs" / "privacy.md"


def clean_payload(raw: str | None) -> str:
    """Deep-link payloads are [A-Za-z0-9_-]; anything else typed after /start is dropped."""
    return re.sub(r"[^A-Za-z0-9_-]", "", raw or "")[:MAX_PAYLOAD]


async def start(
    message: Message, command: CommandObject, bot: Bot, uow: UnitOfWork, domain: Domain, settings: Settings
, journey: Journey) -> None:
    if await journey.consented():
        screen = await current_screen(journey, domain, settings.privacy_policy_url, lead=texts.RESUME)
        await uow.commit()
        await send(bot, message.chat.id, screen)
        return
    await send(bot, message.chat.id, consent_screen(clean_payload(command.args), settings.privacy_policy_url))


async def accept(
    callback: CallbackQuery, callback_data: ConsentCb, bot: Bot, uow: UnitOfWork, domain: Domain
, journey: Journey) -> None:
    progress = await journey.accept_consent(clean_payload(callback_data.payload))
    step = journey.step(progress)
    await uow.commit()
    if step.node is None:
        await replace(callback, bot, Screen(texts.MENU_DONE))
        return
    await replace(callback, bot, screens.question(domain, step))


async def decline(callback: CallbackQuery, bot: Bot) -> None:
    await replace(callback, bot, Screen(texts.CONSENT_DECLINED))


def policy_text() -> str:
    try:
        return PRIVACY_FILE.read_text(encoding="utf-8")
    except OSError:
        return texts.POLICY_FALLBACK


async def policy(callback: CallbackQuery, bot: Bot) -> None:
    await send(bot, callback.from_user.id, Screen(policy_html(policy_text())))


def policy_html(markdown: str) -> str:
    """The policy's light Markdown for Telegram: headings bold, list markers as bullets."""
    lines = []
    for line in markdown.splitlines():
        heading = re.match(r"^#+\s+(.*)$", line)
        if heading:
            lines.append(f"<b>{escape(heading.group(1))}</b>")
        elif line.startswith("- "):
            lines.append(f"• {escape(line[2:])}")
        else:
            lines.append(escape(line))
    return "\n".join(lines)


def make_router() -> Router:
    """A fresh router with this module's handlers (one per dispatcher)."""
    router = Router(name="start")
    router.message.filter(F.chat.type == "private")
    router.message.register(start, CommandStart())
    router.callback_query.register(accept, ConsentCb.filter(F.accept))
    router.callback_query.register(decline, ConsentCb.filter(~F.accept))
    router.callback_query.register(policy, PolicyCb.filter())
    return router
