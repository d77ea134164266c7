"""Russian text of the results screen (issue 17): «Под ваш запрос», «Ещё подходит вам», «Не подходит».

Pure functions of ``rules.presentation.Arrangement`` — HTML for Telegram, plain text for the
console, the same words in both. A measure line is «N. ✅ title», then one line with why it
fits and the amount; measures shown with it (alternatives, a path) follow, indented.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from bot.texts.cards import VERDICT_ICONS, Fmt, verdict_sentence
from rules.catalogue import WINDOW_STATUSES, Catalogue, Measure
from rules.eligibility import Explanation, MeasureResult, Verdict
from rules.presentation import Arrangement, Entry, Group
from rules.profile import NEEDS

GROUP_LABELS = {
    "money": "Гранты и субсидии",
    "credit": "Займы и поручительства",
    "status": "Статусы и налоговые льготы",
    "export": "Экспорт",
    "market": "Площадки и закупки",
    "advice": "Консультации и обучение",
}
INELIGIBLE = "no"  # the «Не подходит» list travels as a group key
INELIGIBLE_LABEL = "Не подходит"
AMOUNT_LIMIT = 110  # characters of the amount on a list line; the card has all of it

HEADER = "Меры по вашим ответам"
TOP_TITLE = "Под ваш запрос"
TOP_NONE = "Под выбранные нужды подходящих мер не нашлось — посмотрите группы ниже."
TOP_BEST = "Лучшее по вашим ответам"
MORE_TITLE = "Ещё подходит вам"
MORE_HINT = "Откройте группу кнопкой ниже."
NOTHING_FITS = "По вашим ответам подходящих мер пока нет. Измените ответы в /profile или спросите консультанта — /consultant."
FOOTER = "Нажмите на номер, чтобы открыть меру. В карточке — «В план»; ваш план — /plan."
INELIGIBLE_FOOTER = "Нажмите на номер — в карточке все условия и что можно изменить."
BUTTON_BACK_TO_RESULTS = "← К результатам"
BUTTON_COMPARE = "⚖️ Сравнить займы и лизинг"
BUTTON_COMPARE_SHORT = "⚖️ Сравнить"


def counts_line(arrangement: Arrangement) -> str:
    c = arrangement.counts
    return (f"✅ Подходит: {c.get('eligible', 0)} · 🟡 Возможно: {c.get('possible', 0)} · "
            f"✖️ Не подходит: {c.get('ineligible', 0)}")


def needs_label(needs: frozenset[str]) -> str:
    return ", ".join(NEEDS[n] for n in sorted(needs, key=list(NEEDS).index) if n in NEEDS)


def _short(text: str) -> str:
    if len(text) <= AMOUNT_LIMIT:
        return text
    cut = text[: AMOUNT_LIMIT - 1]
    return cut[: cut.rfind(" ")].rstrip(" ,;—") + "…" if " " in cut else cut + "…"


def why_line(result: MeasureResult, needs: frozenset[str], today: dt.date) -> str:
    """Why it is on the list, then the amount: «оборудование, экспорт · условия выполнены · до 300 млн ₽»."""
    parts = []
    served = needs_label(result.measure.serves_needs & needs)
    if served:
        parts.append(served)
    if result.already_used:
        parts.append("уже получали")
    elif result.verdict is Verdict.ELIGIBLE:
        parts.append("условия выполнены")
    elif result.path:
        parts.append(f"сначала — {result.path[0].measure.title}")
    else:
        parts.append("уточните условия в карточке")
    if not result.window_open:
        parts.append(WINDOW_STATUSES[result.measure.window.effective_status(today)])
    if result.measure.amount:
        parts.append(_short(result.measure.amount.display))
    return " · ".join(parts)


def _title_line(result: MeasureResult, number: int | None, f: Fmt) -> str:
    prefix = f"{number}. " if number is not None else ""
    return f"{prefix}{VERDICT_ICONS[result.verdict]} {f.text(result.measure.title)}"


def _companion_lines(entry: Entry, f: Fmt) -> list[str]:
    out = []
    for step in entry.before:
        out.append(f"   ↳ {f.text(f'обычно сначала — {step.measure.title}')} {VERDICT_ICONS[step.verdict]}")
    for step in entry.after:
        out.append(f"   ↳ {f.text(f'затем — {step.measure.title}')} {VERDICT_ICONS[step.verdict]}")
    if entry.alternatives:
        names = "; ".join(f"{r.measure.title} {VERDICT_ICONS[r.verdict]}" for r in entry.alternatives)
        out.append(f"   ↳ {f.text(f'или вместо неё: {names} — вместе их не дают, выберите одно')}")
    return out


def entry_lines(entry: Entry, number: int | None, needs: frozenset[str], today: dt.date, html: bool) -> list[str]:
    f = Fmt(html)
    lines = [_title_line(entry.lead, number, f), f"   {f.text(why_line(entry.lead, needs, today))}"]
    return lines + _companion_lines(entry, f)


def group_label(key: str) -> str:
    return INELIGIBLE_LABEL if key == INELIGIBLE else GROUP_LABELS.get(key, key)


def group_buttons(arrangement: Arrangement) -> list[tuple[str, str]]:
    """(group key, «Label · count») for «Ещё подходит вам», then «Не подходит»."""
    out = [(g.key, f"{group_label(g.key)} · {g.count}") for g in arrangement.groups]
    if arrangement.ineligible:
        out.append((INELIGIBLE, f"✖️ {INELIGIBLE_LABEL} · {len(arrangement.ineligible)}"))
    return out


def results_text(arrangement: Arrangement, html: bool = True, today: dt.date | None = None,
                 lead: str = "") -> str:
    """The first results screen: counts, «Под ваш запрос» (numbered), «Ещё подходит вам» (groups)."""
    today = today or dt.date.today()
    f = Fmt(html)
    out = [f.bold(HEADER) if html else HEADER.upper(), f.text(counts_line(arrangement))]
    if lead:
        out = [f.text(lead), "", *out]
    if not arrangement.offered:
        return "\n".join([*out, "", f.text(NOTHING_FITS)])
    out.append("")
    title = f"{TOP_TITLE}: {needs_label(arrangement.needs)}" if arrangement.needs else TOP_BEST
    out.append(f.bold(title) if html else title.upper())
    if arrangement.top:
        for number, entry in enumerate(arrangement.top, 1):
            out.extend(entry_lines(entry, number, arrangement.needs, today, html))
    else:
        out.append(f.text(TOP_NONE))
    if arrangement.groups:
        out += ["", f.bold(MORE_TITLE) if html else MORE_TITLE.upper()]
        if html:
            out.append(f.text(MORE_HINT))
    if html:
        out += ["", f.text(FOOTER)]
    return "\n".join(out)


def group_text(group: Group, shown: Sequence[tuple[int, Entry]], needs: frozenset[str], html: bool = True,
               today: dt.date | None = None, page: int = 0, pages: int = 1) -> str:
    """One «Ещё подходит вам» group (a page of it): numbered entries, best first."""
    today = today or dt.date.today()
    f = Fmt(html)
    title = f"{group_label(group.key)} · {group.count}"
    out = [f.bold(title) if html else title.upper()]
    for number, entry in shown:
        out.extend(entry_lines(entry, number, needs, today, html))
    if html:
        out += ["", f.text(_pages(page, pages) + "Нажмите на номер, чтобы открыть меру.")]
    return "\n".join(out)


def _pages(page: int, pages: int) -> str:
    return f"Страница {page + 1} из {pages}. " if pages > 1 else ""


def reason(explanation: Explanation) -> str:
    """The deciding condition, as the card words it, without the verdict word."""
    sentence = verdict_sentence(explanation)
    return sentence.split(": ", 1)[1] if ": " in sentence else sentence


def ineligible_text(items: Sequence[tuple[int, MeasureResult, Explanation]], total: int, html: bool = True,
                    page: int = 0, pages: int = 1) -> str:
    f = Fmt(html)
    title = f"{INELIGIBLE_LABEL} · {total}"
    out = [f.bold(title) if html else title.upper()]
    for number, result, explanation in items:
        out.append(f"{number}. {VERDICT_ICONS[result.verdict]} {f.text(result.measure.title)}")
        out.append(f"   {f.text(reason(explanation))}")
    if html:
        out += ["", f.text(_pages(page, pages) + INELIGIBLE_FOOTER)]
    return "\n".join(out)


def relations_block(catalogue: Catalogue, measure: Measure, verdict_of: Mapping[str, Verdict], html: bool = True) -> str:
    """Under a card: what this measure cannot be combined with, and the path it belongs to."""
    f = Fmt(html)
    out: list[str] = []
    alternatives = [catalogue.by_id[i] for i in catalogue.alternatives(measure.id)]
    before = [catalogue.by_id[i] for i in catalogue.steps(measure.id)]
    after = [catalogue.by_id[measure.step_of]] if measure.step_of else []

    def mark(m: Measure) -> str:
        verdict = verdict_of.get(m.id)
        return f" {VERDICT_ICONS[verdict]}" if verdict else ""

    if before or after:
        out.append(f.text("Путь:"))
        chain = [*before, measure, *after]
        out.append(f.text(" → ".join(m.title for m in chain)))
    if alternatives:
        out.append(f.text("Вместе с этой мерой не дают — выберите одно:"))
        out.extend(f"• {f.text(m.title)}{mark(m)}" for m in alternatives)
    return "\n".join(out)
