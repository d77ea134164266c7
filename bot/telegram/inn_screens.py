"""Screens of the ИНН step: the prompt, «что нашли» with confirm/correct, per-value correction.

The step's state is ``bot.services.profile_state.InnStep`` (see bot.telegram.routers.inn); these functions only
render it, so /start, a stale button or a restart show the same screen again.
"""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.services.profile_state import InnStep
from bot.telegram.callbacks import InnCb
from bot.telegram.screen import Screen
from bot.texts import inn as t


def _button(text: str, data: InnCb) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def prompt(lead: str = "") -> Screen:
    text = f"{lead}\n\n{t.INN_PROMPT}" if lead else t.INN_PROMPT
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=[[_button(t.SKIP_BUTTON, InnCb(action="skip"))]]))


def confirm(state: InnStep, lead: str = "") -> Screen:
    body = escape(state.text)
    text = f"{lead}\n\n{body}" if lead else body
    rows = [[_button(t.CONFIRM_BUTTON, InnCb(action="ok")), _button(t.FIX_BUTTON, InnCb(action="fix"))]]
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=rows))


def fix(state: InnStep, mask: int) -> Screen:
    """One toggle per value: ✅ kept, ❌ marked wrong; «Готово» pre-fills the kept ones."""
    items = state.items
    rows = [
        [
            _button(
                f"{'❌' if mask >> i & 1 else '✅'} {label}",
                InnCb(action="fix", m=mask, o=i),
            )
        ]
        for i, (_name, _value, label) in enumerate(items)
    ]
    rows.append([_button(t.FIX_DONE_BUTTON, InnCb(action="done", m=mask))])
    text = f"{escape(state.text)}\n\n{t.FIX_PROMPT}"
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=rows))


def pending(state: InnStep | None, lead: str = "") -> Screen | None:
    """The screen of an unfinished ИНН step, or None when there is none."""
    if not state:
        return None
    stage = state.stage
    if stage == "ask":
        return prompt(lead)
    if stage == "confirm":
        return confirm(state, lead)
    return None
