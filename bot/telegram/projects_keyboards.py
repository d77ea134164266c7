"""Keyboards of the project registry and partner search (pure functions of domain values)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.callbacks import (
    CooperateCb,
    CooperationCb,
    CustomerRequestCb,
    ModerationCb,
    MyProjectCb,
    PartnerCardCb,
    PartnerCb,
    ProjectFormCb,
    ProjectsCb,
)
from bot.telegram.keyboard_layout import markup as _markup
from bot.texts import projects as texts
from rules.partner_requests import CustomerRequest
from rules.profile import CLUSTERS, SECTORS
from rules.projects import OFFERS, PROJECT_CLUSTERS, SEEKS, STAGES, ProjectCard

Button = InlineKeyboardButton
FILTERS: dict[str, tuple[str, Sequence[str]]] = {
    "c": ("cluster", PROJECT_CLUSTERS),
    "s": ("sector", tuple(SECTORS)),
    "g": ("stage", tuple(STAGES)),
    "k": ("seeks", tuple(SEEKS)),
    "o": ("offers", tuple(OFFERS)),
}
PAGE = 5



def menu() -> InlineKeyboardMarkup:
    return _markup([
        [Button(text=texts.BUTTON_ADD, callback_data=ProjectsCb(a="add").pack())],
        [Button(text=texts.BUTTON_MINE, callback_data=ProjectsCb(a="mine").pack())],
        [Button(text=texts.BUTTON_FIND, callback_data=PartnerCb().pack()),
         Button(text=texts.BUTTON_SEARCH_TEXT, callback_data=ProjectsCb(a="text").pack())],
    ])


def cancel_row(editing: bool = False, step: str = "") -> list[list[InlineKeyboardButton]]:
    rows = []
    if editing and step:
        rows.append([Button(text=texts.BUTTON_KEEP, callback_data=ProjectFormCb(s=step, v="=keep").pack())])
    rows.append([Button(text=texts.BUTTON_CANCEL, callback_data=ProjectFormCb(s="cancel").pack())])
    return rows


def choices(step: str, vocabulary: Mapping[str, str], values: Iterable[str], preset: str = "",
            editing: bool = False) -> InlineKeyboardMarkup:
    rows = [[Button(text=("• " if v == preset else "") + vocabulary[v][:60],
                    callback_data=ProjectFormCb(s=step, v=v).pack())] for v in values]
    return _markup(rows + cancel_row(editing, step))


def clusters(preset: str = "", editing: bool = False) -> InlineKeyboardMarkup:
    return choices("cluster", CLUSTERS, PROJECT_CLUSTERS, preset, editing)


def sectors(preset: str = "", editing: bool = False) -> InlineKeyboardMarkup:
    return choices("sector", SECTORS, SECTORS, preset, editing)


def stages(preset: str = "", editing: bool = False) -> InlineKeyboardMarkup:
    return choices("stage", STAGES, STAGES, preset, editing)


def multi(step: str, vocabulary: Mapping[str, str], ticked: Iterable[str], skippable: bool) -> InlineKeyboardMarkup:
    chosen = set(ticked)
    rows = [[Button(text=("✅ " if v in chosen else "▫️ ") + label, callback_data=ProjectFormCb(s=step, v=v).pack())]
            for v, label in vocabulary.items()]
    last = [Button(text=texts.BUTTON_DONE, callback_data=ProjectFormCb(s=step, v="=done").pack())]
    if skippable and not chosen:
        last = [Button(text=texts.BUTTON_SKIP, callback_data=ProjectFormCb(s=step, v="=done").pack())]
    return _markup([*rows, last, *cancel_row()])


def skip(step: str, editing: bool = False) -> InlineKeyboardMarkup:
    return _markup([[Button(text=texts.BUTTON_SKIP, callback_data=ProjectFormCb(s=step, v="=skip").pack())],
                    *cancel_row(editing, step)])


def confirm() -> InlineKeyboardMarkup:
    return _markup([[Button(text=texts.BUTTON_SUBMIT, callback_data=ProjectFormCb(s="submit").pack())],
                    *cancel_row()])


def mine(projects: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    rows = [[Button(text=label, callback_data=MyProjectCb(id=pid).pack())] for pid, label in projects]
    rows.append([Button(text=texts.BUTTON_ADD, callback_data=ProjectsCb(a="add").pack())])
    return _markup(rows)


def my_project(project_id: int, status: str, hidden: bool, reminded: bool) -> InlineKeyboardMarkup:
    rows = [[Button(text=texts.BUTTON_EDIT, callback_data=MyProjectCb(id=project_id, a="edit").pack())]]
    if status == "published":
        action, label = ("show", texts.BUTTON_SHOW) if hidden else ("hide", texts.BUTTON_HIDE)
        rows.append([Button(text=label, callback_data=MyProjectCb(id=project_id, a=action).pack())])
        if reminded:
            rows.append([Button(text=texts.BUTTON_CURRENT, callback_data=MyProjectCb(id=project_id, a="current").pack())])
    if status != "archived":
        rows.append([Button(text=texts.BUTTON_ARCHIVE, callback_data=MyProjectCb(id=project_id, a="archive").pack())])
    return _markup(rows)


def current(project_id: int) -> InlineKeyboardMarkup:
    return _markup([[Button(text=texts.BUTTON_CURRENT, callback_data=MyProjectCb(id=project_id, a="current").pack())],
                    [Button(text=texts.BUTTON_ARCHIVE, callback_data=MyProjectCb(id=project_id, a="archive").pack())]])


def browse(wanted: PartnerCb, cards: Sequence[ProjectCard]) -> InlineKeyboardMarkup:
    rows = []
    for key, (name, values) in FILTERS.items():
        index = getattr(wanted, key)
        value = values[index] if 0 <= index < len(values) else ""
        rows.append([Button(text=texts.filter_button(name, value), callback_data=wanted.model_copy(
            update={"v": key, "p": 0}).pack())])
    start = wanted.p * PAGE
    for card in cards[start:start + PAGE]:
        rows.append([Button(text=card.title[:60], callback_data=PartnerCardCb(id=card.id).pack())])
    nav = []
    if wanted.p > 0:
        nav.append(Button(text="←", callback_data=wanted.model_copy(update={"p": wanted.p - 1, "v": "l"}).pack()))
    if start + PAGE < len(cards):
        nav.append(Button(text="→", callback_data=wanted.model_copy(update={"p": wanted.p + 1, "v": "l"}).pack()))
    if nav:
        rows.append(nav)
    rows.append([Button(text=texts.BUTTON_RESET, callback_data=PartnerCb().pack())])
    return _markup(rows)


def picker(wanted: PartnerCb, key: str) -> InlineKeyboardMarkup:
    name, values = FILTERS[key]
    vocabulary = {"cluster": CLUSTERS, "sector": SECTORS, "stage": STAGES, "seeks": SEEKS, "offers": OFFERS}[name]
    rows = [[Button(text=texts.BUTTON_ANY, callback_data=wanted.model_copy(update={key: -1, "v": "l", "p": 0}).pack())]]
    rows += [[Button(text=vocabulary[value][:60], callback_data=wanted.model_copy(
        update={key: i, "v": "l", "p": 0}).pack())] for i, value in enumerate(values)]
    return _markup(rows)


def found(cards: Sequence[ProjectCard]) -> InlineKeyboardMarkup:
    return _markup([[Button(text=c.title[:60], callback_data=PartnerCardCb(id=c.id).pack())] for c in cards])


def partner_card(project_id: int) -> InlineKeyboardMarkup:
    return _markup([[Button(text=texts.BUTTON_COOPERATE, callback_data=CooperateCb(id=project_id).pack())],
                    [Button(text=texts.BUTTON_BACK, callback_data=PartnerCb().pack())]])


def offer(request_id: int) -> InlineKeyboardMarkup:
    return _markup([
        [Button(text=texts.BUTTON_ACCEPT, callback_data=CooperationCb(r=request_id, a="accept").pack()),
         Button(text=texts.BUTTON_ACCEPT_CONTACT, callback_data=CooperationCb(r=request_id, a="contact").pack())],
        [Button(text=texts.BUTTON_DECLINE, callback_data=CooperationCb(r=request_id, a="decline").pack()),
         Button(text=texts.BUTTON_BLOCK, callback_data=CooperationCb(r=request_id, a="block").pack())],
        [Button(text=texts.BUTTON_MEDIATE, callback_data=CooperationCb(r=request_id, a="mediate").pack())],
    ])


def sent(request_id: int) -> InlineKeyboardMarkup:
    return _markup([[Button(text=texts.BUTTON_MEDIATE, callback_data=CooperationCb(r=request_id, a="mediate").pack())]])


def moderation(project_id: int, version: int) -> InlineKeyboardMarkup:
    return _markup([
        [Button(text=texts.BUTTON_PUBLISH, callback_data=ModerationCb(id=project_id, v=version, a="publish").pack())],
        [Button(text=texts.BUTTON_RETURN, callback_data=ModerationCb(id=project_id, v=version, a="return").pack()),
         Button(text=texts.BUTTON_REJECT, callback_data=ModerationCb(id=project_id, v=version, a="reject").pack())],
    ])


def decided(label: str) -> InlineKeyboardMarkup:
    return _markup([[Button(text=label[:60], callback_data=ProjectsCb(a="noop").pack())]])


def respond(request: CustomerRequest) -> InlineKeyboardMarkup:
    return _markup([[Button(text=texts.BUTTON_RESPOND,
                            callback_data=CustomerRequestCb(id=request.id, v=request.version).pack())]])
