"""Inline keyboards as pure functions of domain objects and plain values."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.callbacks import (
    AlertsCb,
    AnswerCb,
    AskCb,
    BackCb,
    BrowseCb,
    CardCb,
    ConsentCb,
    DoneCb,
    EditCb,
    ForgetCb,
    MenuCb,
    PolicyCb,
    ResultsCb,
    SkipCb,
    ToggleCb,
)
from bot.telegram.keyboard_layout import markup as _markup
from bot.telegram.keyboard_layout import pairs as _pairs
from bot.texts import alerts as alert_texts
from bot.texts import bot as texts
from rules.questionnaire import Node_

Button = InlineKeyboardButton




def consent(payload: str, policy_url: str | None) -> InlineKeyboardMarkup:
    policy = (
        Button(text=texts.BUTTON_POLICY, url=policy_url)
        if policy_url
        else Button(text=texts.BUTTON_POLICY, callback_data=PolicyCb().pack())
    )
    return _markup(
        [
            [
                Button(
                    text=texts.BUTTON_CONSENT_YES,
                    callback_data=ConsentCb(accept=True, payload=payload).pack(),
                )
            ],
            [policy],
            [Button(text=texts.BUTTON_CONSENT_NO, callback_data=ConsentCb(accept=False).pack())],
        ]
    )


def question(
    node: Node_, version: str, index: int, mask: int = 0, can_go_back: bool = True
) -> InlineKeyboardMarkup:
    """Options (or ticks for multi-select), then «Назад» and «Не знаю» on the last row."""
    rows: list[list[Button]] = []
    if node.kind == "choice":
        rows = _pairs(
            [
                Button(text=option.label, callback_data=AnswerCb(v=version, n=index, o=i).pack())
                for i, option in enumerate(node.options)
            ]
        )
    elif node.kind == "yesno":
        rows = [
            [
                Button(text=texts.BUTTON_YES, callback_data=AnswerCb(v=version, n=index, o=1).pack()),
                Button(text=texts.BUTTON_NO, callback_data=AnswerCb(v=version, n=index, o=0).pack()),
            ]
        ]
    elif node.kind == "multi":
        rows = _pairs(
            [
                Button(
                    text=(texts.TICK_ON if mask >> i & 1 else texts.TICK_OFF) + option.label,
                    callback_data=ToggleCb(v=version, n=index, m=mask, o=i).pack(),
                )
                for i, option in enumerate(node.options)
            ],
            short=20,
        )
        rows.append([Button(text=texts.BUTTON_DONE, callback_data=DoneCb(v=version, n=index, m=mask).pack())])
    last: list[Button] = []
    if can_go_back:
        last.append(Button(text=texts.BUTTON_BACK, callback_data=BackCb(v=version, n=index).pack()))
    if not node.required:
        last.append(Button(text=texts.BUTTON_DONT_KNOW, callback_data=SkipCb(v=version, n=index).pack()))
    rows.append(last)
    return _markup(rows)


def finished_menu() -> InlineKeyboardMarkup:
    return _markup(
        [
            [Button(text=texts.BUTTON_SHOW_RESULTS, callback_data=ResultsCb(p=0).pack())],
            [
                Button(text=texts.BUTTON_PROFILE, callback_data=MenuCb(action="profile").pack()),
                Button(text=texts.BUTTON_CATALOGUE, callback_data=BrowseCb().pack()),
            ],
        ]
    )


def browse_filters(kinds: Sequence[tuple[str, str, int]], level: str) -> InlineKeyboardMarkup:
    """Kinds with counts (kind, label, count), then a row of levels (the chosen one marked)."""
    kind_buttons = [
        Button(text=f"{label} ({count})", callback_data=BrowseCb(k=kind, lv=level, p=0).pack())
        for kind, label, count in kinds
    ]
    levels = [
        Button(
            text=("• " if value == level else "") + label,
            callback_data=BrowseCb(k="", lv=value, p=-1).pack(),
        )
        for value, label in texts.BROWSE_LEVELS.items()
    ]
    return _markup([*_pairs(kind_buttons, short=22), levels])


def browse_page(
    measure_ids: Sequence[str], first_number: int, kind: str, level: str, page: int, pages: int
) -> InlineKeyboardMarkup:
    numbers = [
        Button(text=str(first_number + i), callback_data=CardCb(id=measure_id).pack())
        for i, measure_id in enumerate(measure_ids)
    ]
    nav: list[Button] = []
    if page > 0:
        nav.append(
            Button(text=texts.BUTTON_PREV, callback_data=BrowseCb(k=kind, lv=level, p=page - 1).pack())
        )
    if page + 1 < pages:
        nav.append(
            Button(text=texts.BUTTON_NEXT, callback_data=BrowseCb(k=kind, lv=level, p=page + 1).pack())
        )
    return _markup(
        [numbers, nav, [Button(text=texts.BUTTON_BROWSE_FILTERS, callback_data=BrowseCb(lv=level).pack())]]
    )


def profile_menu(has_answers: bool) -> InlineKeyboardMarkup:
    rows = []
    if has_answers:
        rows.append([Button(text=texts.BUTTON_EDIT_ANSWER, callback_data=MenuCb(action="edit").pack())])
        rows.append([Button(text=texts.BUTTON_SHOW_RESULTS, callback_data=ResultsCb(p=0).pack())])
        rows.append([opt_in_button()])
    rows.append([Button(text=texts.BUTTON_RESET, callback_data=MenuCb(action="reset").pack())])
    return _markup(rows)


def edit_choices(items: Sequence[tuple[int, str]], version: str) -> InlineKeyboardMarkup:
    """One button per answered question: (node index, short label)."""
    return _markup(
        [[Button(text=label, callback_data=EditCb(v=version, n=index).pack())] for index, label in items]
        + [[Button(text=texts.BUTTON_CANCEL, callback_data=MenuCb(action="cancel").pack())]]
    )


def reset_confirm() -> InlineKeyboardMarkup:
    return _markup(
        [
            [
                Button(text=texts.BUTTON_RESET_YES, callback_data=MenuCb(action="reset_yes").pack()),
                Button(text=texts.BUTTON_CANCEL, callback_data=MenuCb(action="cancel").pack()),
            ]
        ]
    )


def forget_confirm() -> InlineKeyboardMarkup:
    return _markup(
        [
            [
                Button(text=texts.BUTTON_FORGET_YES, callback_data=ForgetCb(confirm=True).pack()),
                Button(text=texts.BUTTON_CANCEL, callback_data=ForgetCb(confirm=False).pack()),
            ]
        ]
    )


def ask_consultant() -> InlineKeyboardMarkup:
    return _markup([[Button(text=texts.BUTTON_ASK_CONSULTANT, callback_data=AskCb().pack())]])


def start_again() -> InlineKeyboardMarkup:
    return _markup([[Button(text=texts.BUTTON_RESTART, callback_data=MenuCb(action="restart").pack())]])


def opt_in_button() -> InlineKeyboardButton:
    """«Сообщать о новых мерах» under results and in /profile: one tap subscribes."""
    return InlineKeyboardButton(text=alert_texts.BUTTON_SUBSCRIBE, callback_data=AlertsCb(on=True, t=True).pack())


def subscription_button(subscribed: bool) -> InlineKeyboardButton:
    if subscribed:
        return InlineKeyboardButton(text=alert_texts.BUTTON_UNSUBSCRIBE_LONG, callback_data=AlertsCb(on=False).pack())
    return InlineKeyboardButton(text=alert_texts.BUTTON_SUBSCRIBE, callback_data=AlertsCb(on=True).pack())
