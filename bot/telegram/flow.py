"""«Where are we now?» — one answer used by /start, stale buttons, errors and re-asks."""

from __future__ import annotations

from html import escape

from bot.services.domain import Domain
from bot.services.journey import Journey
from bot.telegram import keyboards, screens
from bot.telegram.screen import Screen
from bot.texts import bot as texts


def consent_screen(payload: str, policy_url: str | None, lead: str = texts.WELCOME) -> Screen:
    text = f"{lead}\n\n{texts.CONSENT}" if lead else texts.CONSENT
    return Screen(text, keyboards.consent(payload, policy_url))


async def current_screen(journey: Journey, domain: Domain, policy_url: str | None, lead: str = "") -> Screen:
    """The consent prompt, the current question, or the menu after the questionnaire."""
    if not await journey.consented():
        return consent_screen("", policy_url, lead=escape(lead) if lead else texts.WELCOME)
    step = await journey.current_step()
    if step.node is not None:
        return screens.question(domain, step, lead=escape(lead) if lead else "")
    text = f"{escape(lead)}\n\n{texts.MENU_DONE}" if lead else texts.MENU_DONE
    return Screen(text, keyboards.finished_menu())
