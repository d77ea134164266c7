"""«Сравнить» (issue 17): fitting loans and leasing side by side in one message.

Every value comes from a structured field of the catalogue (``amount.rate_pct``, ``term_months``,
``min_rub``/``max_rub``, ``collateral``, ``apply_via``); a value the catalogue does not hold is
«нет данных» — never guessed from a display string.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from bot.texts.cards import VERDICT_ICONS, Fmt
from rules.catalogue import Measure
from rules.eligibility import MeasureResult

NO_DATA = "нет данных"
TITLE = "Сравнение займов и лизинга"
NOTHING = "Подходящих займов и программ лизинга по вашим ответам нет — спросите консультанта."
NOTE = "Значения — из каталога; «нет данных» — уточните у оператора или консультанта."
COLUMNS = ("ставка", "срок", "сумма", "обеспечение")


def money(rub: float) -> str:
    for size, unit in ((1e9, "млрд"), (1e6, "млн"), (1e3, "тыс.")):
        if rub >= size:
            return f"{rub / size:g}".replace(".", ",") + f" {unit} ₽"
    return f"{rub:g} ₽"


def term(months: int) -> str:
    if months % 12:
        return f"до {months} мес."
    years = months // 12
    return f"до {years} {'года' if years % 10 == 1 and years % 100 != 11 else 'лет'}"


def values(measure: Measure) -> dict[str, str]:
    amount = measure.amount
    rate = f"{amount.rate_pct:g} % годовых".replace(".", ",") if amount and amount.rate_pct is not None else NO_DATA
    length = term(amount.term_months) if amount and amount.term_months else NO_DATA
    if amount and (amount.min_rub or amount.max_rub):
        low = f"от {money(amount.min_rub)}" if amount.min_rub else ""
        high = f"до {money(amount.max_rub)}" if amount.max_rub else ""
        total = " ".join(p for p in (low, high) if p)
    else:
        total = NO_DATA
    collateral = amount.collateral if amount and amount.collateral else NO_DATA
    return {"ставка": rate, "срок": length, "сумма": total, "обеспечение": collateral}


def where(measure: Measure) -> str:
    return urlsplit(measure.apply_via).netloc or measure.apply_via


def compare_text(rows: Sequence[MeasureResult], guarantees: Sequence[MeasureResult], limit: int = 8) -> str:
    f = Fmt(True)
    if not rows:
        return f"<b>{TITLE}</b>\n{f.text(NOTHING)}"
    out = [f"<b>{TITLE}</b> · {len(rows)}"]
    for number, result in enumerate(rows[:limit], 1):
        m = result.measure
        cells = values(m)
        out.append("")
        out.append(f"{number}. {VERDICT_ICONS[result.verdict]} <b>{f.text(m.title)}</b>")
        out.append("   " + f.text(" · ".join(f"{name}: {cells[name]}" for name in COLUMNS)))
        out.append(f"   куда: {f.text(m.operator)} — {f.link(m.apply_via, where(m))}")
    if len(rows) > limit:
        out += ["", f.text(f"… и ещё {len(rows) - limit}: они в списках на экране результатов.")]
    if guarantees:
        names = "; ".join(f"{g.measure.title} {VERDICT_ICONS[g.verdict]}" for g in guarantees)
        out += ["", f.text(f"Не хватает залога — поручительство: {names}.")]
    out += ["", f.text(NOTE)]
    return "\n".join(out)
