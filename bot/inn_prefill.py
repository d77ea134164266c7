"""The ИНН pre-fill shared by the bot and ``navigator console``: look up, describe, choose fields.

Decisions:
- The local registry (db/registry) answers first; DaData, when configured, only fills what the
  registry lacks (``rules.dadata_mapping.merge``) and never delays the answer past its timeout.
- Only fields the user has not answered yet are offered, and ``company_name`` is not (no
  verdict needs it, and it is personal for an ИП).
- A value in ``to_confirm`` (a region other than Moscow) is not pre-filled: it is shown as a
  note and the questionnaire asks it, because region 77 is a default, not a verdict.
- Each offered value becomes one line the user can mark as wrong; wrong ones are asked normally.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.ext.asyncio import AsyncSession

from db.registry.lookup import lookup_inn
from db.registry.models import RegistryImport
from rules.dadata_mapping import STATUS_LABELS, merge, prefill_from_dadata
from rules.prefill import Prefill, prefill_from_registry

SME_LABELS = {"micro": "микропредприятие", "small": "малое предприятие", "medium": "среднее предприятие"}
APPLICANT_LABELS = {"legal_entity": "компания", "sole_proprietor": "ИП"}
OFFERED = (
    "sme_category",
    "okved_main",
    "registered_in_moscow",
    "headcount",
    "income_mln",
    "company_age_months",
)

INN_PROMPT = (
    "<b>Знаете ИНН? Введите — заполним анкету сами.</b>\n"
    "Найдём категорию, ОКВЭД и регион в реестре МСП и зададим меньше вопросов. "
    "ИНН сохраним в вашем профиле; удалить его можно командой /forget."
)
SKIP_BUTTON = "Пропустить"
CONFIRM_BUTTON = "Всё верно"
FIX_BUTTON = "Исправить"
FIX_DONE_BUTTON = "Готово"
FIX_PROMPT = "Отметьте, что неверно, и нажмите «Готово» — эти вопросы зададим сами."
CONFIRMED = "Спасибо, записали. Эти вопросы пропустим."
SKIPPED = "Хорошо, без ИНН."
USE_CONFIRM_BUTTONS = "Нажмите, пожалуйста, «Всё верно» или «Исправить»."
NOT_LOADED = (
    "Реестр МСП в этой установке ещё не загружен, поэтому заполнить анкету по ИНН не получится. "
    "Продолжим с вопросами."
)


class PartyFinder(Protocol):
    async def find_party(self, inn: str) -> dict[str, Any] | None: ...


@dataclass(frozen=True, slots=True)
class Lookup:
    """What is known about an ИНН: the merged pre-fill and whether the registry is loaded."""

    inn: str
    prefill: Prefill
    loaded: bool
    registry_found: bool
    state_date: date | None
    region: str | None


async def registry_loaded(session: AsyncSession) -> bool:
    """Whether a release of the SME registry is loaded; the ИНН step is offered only then.

    Without the registry nothing can be filled, so asking for the ИНН would only cost a step
    (DaData, when configured, completes the registry; it does not replace it). Runs in a
    savepoint so a missing table cannot undo the caller's transaction.
    """
    try:
        async with session.begin_nested():
            found = await session.scalar(
                select(RegistryImport.id).where(RegistryImport.dataset == "rsmp").limit(1)
            )
    except (OperationalError, ProgrammingError):
        return False
    return found is not None


async def find(session: AsyncSession, inn: str, dadata: PartyFinder | None, today: date) -> Lookup:
    """The registry's answer, completed from DaData when a client is given and answers in time."""
    entry = await lookup_inn(session, inn)
    registry = prefill_from_registry(entry)
    loaded = entry.registry_state_date is not None or entry.company is not None
    prefill = registry
    if dadata is not None:
        answer = await dadata.find_party(inn)
        if answer is not None:
            prefill = merge(registry, prefill_from_dadata(answer, today))
    return Lookup(inn, prefill, loaded, entry.company is not None, entry.registry_state_date, entry.registry_region)


def _date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "неизвестно"


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def value_label(name: str, value: Any) -> str:
    if name == "sme_category":
        return SME_LABELS.get(str(value), str(value))
    if name == "okved_main":
        return f"ОКВЭД {value}"
    if name == "registered_in_moscow":
        return "Москва" if value else "не Москва"
    if name == "headcount":
        return f"численность {value} чел."
    if name == "income_mln":
        return f"доход {_number(float(value))} млн ₽"
    if name == "company_age_months":
        years, months = divmod(int(value), 12)
        return f"возраст {years} г. {months} мес." if years else f"возраст {months} мес."
    return f"{name}: {value}"


def offered(prefill: Prefill, answers: Mapping[str, Any]) -> list[tuple[str, Any, str]]:
    """(field, value, label) of what to show and pre-fill, in a fixed order."""
    out: list[tuple[str, Any, str]] = []
    for name in OFFERED:
        if name not in prefill.values or name in prefill.to_confirm or answers.get(name) is not None:
            continue
        value = prefill.values[name]
        label = value_label(name, value)
        when = prefill.as_of.get(name)
        if when is not None and when != prefill.state_date:
            label += f" (на {_date(when)})"
        out.append((name, value, label))
    return out


def summary(
    lookup: Lookup, items: list[tuple[str, Any, str]], answers: Mapping[str, Any] | None = None
) -> str:
    """«По данным реестра МСП на 10.09.2026: малое предприятие, ОКВЭД 26.51, Москва.» plus notes.

    When the registry's kind of applicant differs from the user's answer, that is said, not
    changed: the user may have entered another ИНН by mistake, or knows better.
    """
    prefill = lookup.prefill
    labels = ", ".join(label for _, _, label in items)
    if lookup.registry_found:
        head = f"По данным реестра МСП на {_date(lookup.state_date)}: {labels}."
    else:
        head = f"По открытым данным (DaData) на {_date(prefill.state_date)}: {labels}."
    notes: list[str] = []
    theirs, ours = prefill.values.get("applicant_type"), (answers or {}).get("applicant_type")
    if theirs and ours and theirs != ours and ours in APPLICANT_LABELS:
        notes.append(
            f"По реестру это {APPLICANT_LABELS.get(theirs, theirs)}, а вы выбрали "
            f"«{APPLICANT_LABELS[ours]}». Проверьте ИНН; если он верный, поправьте ответ в /profile."
        )
    if "registered_in_moscow" in prefill.to_confirm:
        region = prefill.facts.get("region_code")
        where = f"в регионе {region}" if region else "не в Москве"
        notes.append(
            f"Адрес регистрации {where}. Если компания стоит на учёте в Москве (например, через "
            "филиал), это важно — спросим отдельно."
        )
    if "okved_outdated" in prefill.facts:
        notes.append(f"ОКВЭД {prefill.facts['okved_outdated']} — старого классификатора, спросим текущий код.")
    status = prefill.facts.get("status")
    if isinstance(status, str) and status != "ACTIVE":
        notes.append(f"Статус: {STATUS_LABELS.get(status, status)}.")
    return "\n".join([head, *notes])


def not_found(lookup: Lookup) -> str:
    """What "not in the registry" can mean — nothing is assumed from it."""
    if not lookup.loaded:
        return NOT_LOADED
    from bot.commands.registry import not_found_text

    return not_found_text(lookup.inn, lookup.state_date, lookup.region)


def chosen_values(lookup_values: Mapping[str, Any], wrong: set[str]) -> dict[str, Any]:
    """The values to pre-fill: all offered except those marked wrong."""
    return {name: value for name, value in lookup_values.items() if name not in wrong}
