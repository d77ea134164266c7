"""/start with an optional deep-link payload, consent (152-ФЗ), the policy text."""

from __future__ import annotations

import re
from pathlib import Path

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message

from bot import screens, texts
from bot.callbacks import MAX_PAYLOAD, ConsentCb, PolicyCb
from bot.config import Settings
from bot.domain import Domain
from bot.flow import consent_screen, current_screen
from bot.journey import Journey
from bot.replies import replace, send
from bot.screens import Screen
from db.unit_of_work import UnitOfWork

router = Router(name="start")
router.message.filter(F.chat.type == "private")

PRIVACY_FILE = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"


def clean_payload(raw: str | None) -> str:
    """Deep-link payloads are [A-Za-z0-9_-]; anything else typed after /start is dropped."""
    return re.sub(r"[^A-Za-z0-9_-]", "", raw or "")[:MAX_PAYLOAD]


@router.message(CommandStart())
async def start(
    message: Message, command: CommandObject, bot: Bot, uow: UnitOfWork, domain: Domain, settings: Settings
) -> None:
    journey = Journey(uow, domain, message.chat.id)
    if await journey.consented():
        screen = await current_screen(journey, domain, settings.privacy_policy_url, lead=texts.RESUME)
        await uow.commit()
        await send(bot, message.chat.id, screen)
        return
    await send(bot, message.chat.id, consent_screen(clean_payload(command.args), settings.privacy_policy_url))


@router.callback_query(ConsentCb.filter(F.accept))
async def accept(
    callback: CallbackQuery, callback_data: ConsentCb, bot: Bot, uow: UnitOfWork, domain: Domain
) -> None:
    journey = Journey(uow, domain, callback.from_user.id)
    progress = await journey.accept_consent(clean_payload(callback_data.payload))
    step = journey.step(progress)
    await uow.commit()
    if step.node is None:
        await replace(callback, bot, Screen(texts.MENU_DONE))
        return
    await replace(callback, bot, screens.question(domain, step))


@router.callback_query(ConsentCb.filter(~F.accept))
async def decline(callback: CallbackQuery, bot: Bot) -> None:
    await replace(callback, bot, Screen(texts.CONSENT_DECLINED))


def policy_text() -> str:
    try:
        return PRIVACY_FILE.read_text(encoding="utf-8")
    except OSError:
        return texts.POLICY_FALLBACK


@router.callback_query(PolicyCb.filter())
async def policy(callback: CallbackQuery, bot: Bot) -> None:
    from html import escape

    await send(bot, callback.from_user.id, Screen(escape(policy_text())))
