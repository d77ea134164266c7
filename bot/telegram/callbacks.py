"""Typed callback data: short ids only, always under Telegram's 64-byte limit.

Questionnaire buttons carry the questionnaire version (8 hex chars) and the node's index, so a
button from an older tree or an already answered question is recognised as stale. Card buttons
carry the measure id. Multi-select ticks travel in the button itself as a bit mask, so ticking
needs no database write and survives a restart.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class ConsentCb(CallbackData, prefix="c"):
    accept: bool
    payload: str = ""  # the deep-link payload, carried until consent (nothing stored before)


class PolicyCb(CallbackData, prefix="pp"):
    pass


class AnswerCb(CallbackData, prefix="qa"):
    v: str  # questionnaire version
    n: int  # node index
    o: int  # option index; for yes/no 1 = yes, 0 = no


class ToggleCb(CallbackData, prefix="qt"):
    v: str
    n: int
    m: int  # ticked options as a bit mask, before this tap
    o: int


class DoneCb(CallbackData, prefix="qd"):
    v: str
    n: int
    m: int


class SkipCb(CallbackData, prefix="qs"):
    v: str
    n: int


class BackCb(CallbackData, prefix="qb"):
    v: str
    n: int


class MenuCb(CallbackData, prefix="mn"):
    action: str  # results | profile | restart | catalogue | edit | reset | reset_yes | cancel


class ResultsCb(CallbackData, prefix="rs"):
    p: int  # page


class CardCb(CallbackData, prefix="m"):
    id: str  # measure id


class BackToListCb(CallbackData, prefix="bl"):
    pass


class AskCb(CallbackData, prefix="ask"):
    id: str = ""  # measure id, empty for a general question


class BrowseCb(CallbackData, prefix="br"):
    k: str = ""  # kind ("" = all)
    lv: str = ""  # level ("" = all)
    p: int = -1  # page; -1 = the filter screen


class EditCb(CallbackData, prefix="ed"):
    v: str
    n: int


class ForgetCb(CallbackData, prefix="fg"):
    confirm: bool


class InnCb(CallbackData, prefix="inn"):
    action: str  # skip | ok | fix | done (the ИНН pre-fill step, bot.telegram.routers.inn)
    m: int = 0  # values marked wrong, as a bit mask before this tap
    o: int = -1  # the value toggled by this tap

MAX_PAYLOAD = 40  # bytes of deep-link payload we keep (Telegram allows 64; the button needs room)


class PlacesCb(CallbackData, prefix="pl"):
    t: str = ""  # type
    o: int = -1  # index in OKRUG_CHOICES
    sc: str = ""  # sector (specialisation)
    p: int = 0
    s: str = "l"  # l = list, o = okrug picker, s = sector picker


class PlaceCardCb(CallbackData, prefix="plc"):
    id: str


class NearbyCb(CallbackData, prefix="pln"):
    pass


class EventsCb(CallbackData, prefix="ev"):
    c: str = ""  # cluster
    f: str = ""  # format: offline | online
    o: int = -1  # index in OKRUG_CHOICES
    k: str = ""  # "sc" = supplier conferences only
    d: int = 14  # window, days
    p: int = 0  # page
    s: str = "l"  # screen: l = list, o = okrug picker, c = cluster picker


class EventCardCb(CallbackData, prefix="evc"):
    id: str


class EventIcsCb(CallbackData, prefix="evi"):
    id: str


class EventRemindCb(CallbackData, prefix="evr"):
    id: str
    on: bool = True


class TicketCb(CallbackData, prefix="tk"):
    """A staff button on a ticket card: take, transfer, close, info (the status line)."""

    a: str
    t: int


class AskSendCb(CallbackData, prefix="as"):
    """Send the card's measure to a consultant without writing a question."""

    id: str = ""


class AskCancelCb(CallbackData, prefix="ax"):
    pass


class RateCb(CallbackData, prefix="rt"):
    t: int  # ticket
    s: int  # score 1..5


class AlertsCb(CallbackData, prefix="al"):
    on: bool
    t: bool = False  # pressed under results or the profile: answer with a toast, keep that screen


# --- projects and partner search (issue 16) ---------------------------------------------------


class ProjectsCb(CallbackData, prefix="pj"):
    """/projects menu: add | mine | find | text (free-text search) | cancel."""

    a: str


class ProjectFormCb(CallbackData, prefix="pjf"):
    """A button of the guided form: ``s`` the step, ``v`` the value (or done/skip/keep/submit)."""

    s: str
    v: str = ""


class MyProjectCb(CallbackData, prefix="pjm"):
    """The owner's project: open | edit | hide | show | archive | current."""

    id: int
    a: str = "open"


class PartnerCb(CallbackData, prefix="pjs"):
    """Partner browsing: filters as indexes into the vocabularies (-1 = any), page, screen."""

    c: int = -1  # cluster
    s: int = -1  # sector
    g: int = -1  # stage
    k: int = -1  # seeks
    o: int = -1  # offers
    p: int = 0
    v: str = "l"  # l = list; c/s/g/k/o = the picker of that filter


class PartnerCardCb(CallbackData, prefix="pjc"):
    id: int


class CooperateCb(CallbackData, prefix="pjo"):
    id: int  # project


class CooperationCb(CallbackData, prefix="pjr"):
    """A decision on a cooperation request: accept | contact | decline | block | mediate."""

    r: int
    a: str


class ModerationCb(CallbackData, prefix="pjd"):
    """A consultant's decision on one version of a project: publish | return | reject."""

    id: int
    v: int
    a: str


class CustomerRequestCb(CallbackData, prefix="crq"):
    """«Откликнуться» on a customer request (id from requests.yaml, its version)."""

    id: str
    v: str


# --- issue 17: results groups, «Мой план», «Сравнить» ------------------------------------


class GroupCb(CallbackData, prefix="rg"):
    """A «Ещё подходит вам» group (key from ``rules.presentation.GROUP_OF_KIND``) or «no» = не подходит."""

    k: str
    p: int = 0


PLAN_STATUS_CODES = {"c": "collecting", "a": "applied", "r": "received", "x": "rejected"}


class PlanCb(CallbackData, prefix="pn"):
    """«Мой план»: a = show | s (set status) | rm (remove); i = plan item id; s = status code
    (``PLAN_STATUS_CODES``); f = the measure's fingerprint when the button was drawn (a reload
    since then is explained, not ignored)."""

    a: str
    i: int = 0
    s: str = ""
    f: str = ""


class PlanAddCb(CallbackData, prefix="pa"):
    id: str  # measure id


class CompareCb(CallbackData, prefix="cmp"):
    pass
