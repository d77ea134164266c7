"""Keyboards of the results screen, its groups, measure cards, «Мой план» and «Сравнить» (issue 17)."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton as Button
from aiogram.types import InlineKeyboardMarkup

from bot.services.plan import PlanView
from bot.telegram.callbacks import (
    PLAN_STATUS_CODES,
    AskCb,
    BackToListCb,
    CardCb,
    CompareCb,
    GroupCb,
    MenuCb,
    PlanAddCb,
    PlanCb,
    ResultsCb,
)
from bot.telegram.keyboard_layout import markup as _markup
from bot.telegram.keyboard_layout import pairs as _pairs
from bot.telegram.keyboards import opt_in_button
from bot.texts import bot as texts
from bot.texts import plan as plan_texts
from bot.texts import results as result_texts

CODE_OF_STATUS = {status: code for code, status in PLAN_STATUS_CODES.items()}




def _numbers(measure_ids: Sequence[str], first: int) -> list[Button]:
    return [Button(text=str(first + i), callback_data=CardCb(id=mid).pack()) for i, mid in enumerate(measure_ids)]


def results(top_ids: Sequence[str], groups: Sequence[tuple[str, str]], compare: bool) -> InlineKeyboardMarkup:
    """Numbers of «Под ваш запрос», a button per group with its count, «Не подходит», «Сравнить»."""
    group_buttons = [Button(text=label, callback_data=GroupCb(k=key).pack()) for key, label in groups]
    rows: list[list[Button]] = [_numbers(top_ids, 1), *_pairs(group_buttons, short=24)]
    if compare:
        rows.append([Button(text=result_texts.BUTTON_COMPARE, callback_data=CompareCb().pack())])
    rows.append([
        Button(text=texts.BUTTON_CHANGE_ANSWERS, callback_data=MenuCb(action="profile").pack()),
        Button(text=texts.BUTTON_ASK_CONSULTANT, callback_data=AskCb().pack()),
    ])
    rows.append([opt_in_button()])
    return _markup(rows)


def group(key: str, measure_ids: Sequence[str], first: int, page: int, pages: int) -> InlineKeyboardMarkup:
    nav: list[Button] = []
    if page > 0:
        nav.append(Button(text=texts.BUTTON_PREV, callback_data=GroupCb(k=key, p=page - 1).pack()))
    if page + 1 < pages:
        nav.append(Button(text=texts.BUTTON_NEXT, callback_data=GroupCb(k=key, p=page + 1).pack()))
    numbers = _numbers(measure_ids, first)
    return _markup([numbers[:8], numbers[8:], nav,
                    [Button(text=result_texts.BUTTON_BACK_TO_RESULTS, callback_data=ResultsCb(p=0).pack())]])


def card(measure_id: str, *, in_plan: bool | None, related: Sequence[tuple[str, str]],
         compare: bool) -> InlineKeyboardMarkup:
    """A measure card: «В план» (or «уже в плане»; none before consent), «Сравнить» for loans and
    leasing, the measures shown together with it, the consultant, back."""
    first: list[Button] = []
    if in_plan is not None:
        first.append(Button(text=plan_texts.BUTTON_IN_PLAN, callback_data=PlanCb(a="show").pack()) if in_plan
                     else Button(text=plan_texts.BUTTON_ADD, callback_data=PlanAddCb(id=measure_id).pack()))
    if compare:
        first.append(Button(text=result_texts.BUTTON_COMPARE_SHORT, callback_data=CompareCb().pack()))
    rows: list[list[Button]] = [first]
    rows += [[Button(text=label, callback_data=CardCb(id=mid).pack())] for mid, label in related]
    rows.append([Button(text=texts.BUTTON_ASK_CONSULTANT, callback_data=AskCb(id=measure_id).pack())])
    rows.append([Button(text=texts.BUTTON_BACK_TO_LIST, callback_data=BackToListCb().pack())])
    return _markup(rows)


def plan(views: Sequence[PlanView]) -> InlineKeyboardMarkup:
    """Per item: its card and «Убрать», then the four statuses (the current one marked) — one tap each."""
    rows: list[list[Button]] = []
    for number, view in enumerate(views, 1):
        remove = Button(text=plan_texts.BUTTON_REMOVE, callback_data=PlanCb(a="rm", i=view.item_id, f=view.fingerprint).pack())
        if view.measure is None:
            rows.append([Button(text=f"{number}. {_cut(view.title)}", callback_data=PlanCb(a="show").pack()), remove])
            continue
        rows.append([Button(text=f"{number}. {_cut(view.title)}", callback_data=CardCb(id=view.measure_id).pack()), remove])
        rows.append([
            Button(text=("• " if status == view.status else "") + label,
                   callback_data=PlanCb(a="s", i=view.item_id, s=CODE_OF_STATUS[status], f=view.fingerprint).pack())
            for status, label in plan_texts.STATUS_BUTTONS.items()
        ])
    return _markup(rows)


def added(measure_id: str) -> InlineKeyboardMarkup:
    return _markup([[Button(text=plan_texts.BUTTON_OPEN, callback_data=PlanCb(a="show").pack())]])


def reminder(measure_id: str) -> InlineKeyboardMarkup:
    return _markup([[Button(text=plan_texts.BUTTON_OPEN, callback_data=PlanCb(a="show").pack()),
                     Button(text=plan_texts.BUTTON_DETAILS, callback_data=CardCb(id=measure_id).pack())]])


def compare() -> InlineKeyboardMarkup:
    return _markup([[Button(text=result_texts.BUTTON_BACK_TO_RESULTS, callback_data=ResultsCb(p=0).pack())]])


def _cut(title: str, limit: int = 40) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"
