"""The reply screen to a free-text question: up to five hits as buttons, FAQ answers inline, and —
when the search is not sure — the closest measures and a consultant (DESIGN 4.2)."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from aiogram.types import InlineKeyboardButton as Button
from aiogram.types import InlineKeyboardMarkup

from bot.telegram.callbacks import AskCb, CardCb
from bot.texts import bot as texts
from rules.search import SearchResult

VERDICT_MARKS = {"eligible": "✅", "possible": "🟡", "ineligible": "⛔"}


def reply(result: SearchResult, answers: Mapping[str, str]) -> tuple[str, InlineKeyboardMarkup, bool]:
    """(HTML text, keyboard, answered?) for a search result."""
    blocks: list[str] = []
    rows: list[list[Button]] = []
    best = result.best
    answered = result.confident and best is not None
    if answered and best is not None and best.kind == "faq":
        blocks.append(f"<b>{escape(best.title)}</b>\n{escape(answers.get(best.id, ''))}")
    shown = [h for h in result.hits if h.kind == "measure"][:5] if answered else list(result.alternatives)
    if shown:
        lines = [texts.SEARCH_FOUND if answered else texts.SEARCH_NOT_SURE]
        for number, hit in enumerate(shown, 1):
            mark = VERDICT_MARKS.get(hit.verdict or "", "•")
            reason = f" — {escape(hit.reason)}" if hit.verdict == "ineligible" and hit.reason else ""
            lines.append(f"{number}. {mark} {escape(hit.title)}{reason}")
            rows.append([Button(text=f"{number}. {hit.title}"[:60], callback_data=CardCb(id=hit.id).pack())])
        blocks.append("\n".join(lines))
    elif not answered:
        blocks.append(texts.SEARCH_NOTHING)
    rows.append([Button(text=texts.BUTTON_ASK_CONSULTANT, callback_data=AskCb().pack())])
    return "\n\n".join(blocks), InlineKeyboardMarkup(inline_keyboard=rows), answered
