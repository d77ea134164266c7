"""Russian words of the ИНН pre-fill (bot and console): the prompt, what the registry says, «не найден»."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.services.inn_prefill import Lookup
from rules.dadata_mapping import STATUS_LABELS
from rules.profile import SME_CATEGORIES

APPLICANT_LABELS = {"legal_entity": "компания", "sole_proprietor": "ИП"}
INN_PROMPT = (
    "<b>Знаете ИНН? Введите — заполним анкету сами.</b>\n"
    "Найдём категорию, ОКВЭД и регион в реестре МСП и зададим меньше вопросов. "
    "ИНН сохраним в вашем профиле; удалить его можно командой /forget."
)
SKIP_BUTTON = "Пропустить"
SKIP_WORDS = {"пропустить", "не знаю", "нет", "-", "skip"}  # typed instead of an ИНН
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


def _date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "неизвестно"


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def value_label(name: str, value: Any) -> str:
    if name == "sme_category":
        return SME_CATEGORIES.get(str(value), str(value))  # the profile vocabulary's labels
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


def labelled(items: list[tuple[str, Any, date | None]]) -> list[tuple[str, Any, str]]:
    """(field, value, label) for ``bot.services.inn_prefill.offered`` items; an older value says its date."""
    return [(name, value, value_label(name, value) + (f" (на {_date(when)})" if when else ""))
            for name, value, when in items]


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
    return not_found_text(lookup.inn, lookup.state_date, lookup.region)


def not_found_text(inn: str, state_date: date | None, region: str | None) -> str:
    """What "not in the registry" can mean, in plain words (research §4.5)."""
    where = (
        "в загруженном срезе реестра МСП (только Москва, регион 77)"
        if region == "77"
        else (f"в загруженном срезе реестра МСП (регион {region})" if region else "в реестре МСП")
    )
    return (
        f"ИНН {inn} не найден {where} на {_date(state_date)}. Это может значить, что:\n"
        "• компания или ИП зарегистрированы недавно — в реестр попадают с выгрузкой 10-го числа "
        "следующего месяца;\n"
        "• организация исключена из реестра: ликвидирована или при ежегодной проверке 10 июля "
        "превысила лимиты по численности, доходу или долям участия;\n"
        "• организация не относится к МСП (например, больше 25 % у государства);\n"
        + ("• организация зарегистрирована в другом регионе — в этом срезе её нет;\n" if region else "")
        + "Категорию можно определить по численности и доходу — бот спросит их."
    )
