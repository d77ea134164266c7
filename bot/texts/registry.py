"""Russian words of ``navigator registry``: the import's progress and report, a lookup's answer.

The SME category labels are the profile vocabulary's (``rules.profile.SME_CATEGORIES``), reached
through the registry's codes (``rules.prefill.SME_CATEGORY_CODES``), so they are defined once.
"""

from __future__ import annotations

from datetime import date

from rules.prefill import SME_CATEGORY_CODES
from rules.profile import SME_CATEGORIES

DATASET_LABELS = {
    "rsmp": "Единый реестр субъектов МСП",
    "revexp": "доходы и расходы организаций (revexp)",
    "sshr2019": "среднесписочная численность (sshr2019)",
}
SUBJECT_KINDS = {1: "юридическое лицо", 2: "ИП"}
OTHER_SUBJECT_KIND = "глава КФХ или иной вид (код 3)"
NO_CATEGORY = "не указана"
SOLE_PROPRIETOR_NAME = "ИП (ФИО в базе не храним)"
OLD_OKVED = " (устаревший ОКВЭД 2001 — уточните код)"
NOT_IN_MOSCOW = "  Адрес регистрации не в Москве — если вы на учёте в Москве, уточните это в боте."
NO_HEADCOUNT = "  Численность: в открытых данных нет"
FLAGS = {"is_new": "вновь созданная", "is_social": "социальное предприятие",
         "has_innovative_product": "производит инновационную продукцию"}
BAD_REGION = "Код региона — две цифры, например 77 для Москвы."
NOT_LOADED = "Реестр МСП ещё не загружен в эту базу. Загрузите выгрузку ФНС: navigator registry import data-….zip"
NOT_LOADED_SHORT = "Реестр МСП не загружен."
UNKNOWN_DATE = "неизвестно"


def format_date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else UNKNOWN_DATE


def sme_category(code: int | None) -> str:
    """The registry's 1/2/3 as the profile names it («малое предприятие»)."""
    name = SME_CATEGORY_CODES.get(code) if code is not None else None
    return SME_CATEGORIES[name] if name else NO_CATEGORY


def file_not_found(path: object) -> str:
    return f"Файл не найден: {path}"


def damaged_archive(name: str, reason: str) -> str:
    return (f"Файл {name} — не ZIP-архив ФНС или скачан не до конца ({reason}). "
            "Данные не изменены: скачайте выгрузку заново.")


def database_failed(error: str) -> str:
    return f"Не удалось подготовить базу данных: {error}"


def scope(region: str | None) -> str:
    return f"регион {region}" if region else "вся страна"


def loading(dataset: str, file_name: str, region: str | None) -> str:
    return f"Загружаю «{DATASET_LABELS[dataset]}» из {file_name} ({scope(region)})…"


def progress(bar: str, share: float, docs: str, rate: str, eta: str) -> str:
    return f"\r[{bar:<30}] {share * 100:5.1f} %  {docs} записей  {rate} зап/с  осталось {eta} "


def report_done(duration: str, rows: str, state_date: date | None) -> str:
    return (f"Готово за {duration}: в базе {rows} записей"
            + (f" по состоянию на {format_date(state_date)}." if state_date else "."))


def report_read(docs: str, rate: str, members: int, other_regions: str, malformed: str, duplicates: str) -> str:
    return (f"Прочитано {docs} записей ({rate} в секунду) из {members} файлов; "
            f"другие регионы: {other_regions}; с ошибками: {malformed}; повторы ИНН: {duplicates}.")


def members_failed(count: int) -> str:
    return f"Пропущено повреждённых файлов: {count}."


def unknown_versions(versions: list[str]) -> str:
    return ("Внимание: незнакомая версия формата " + ", ".join(versions)
            + " — проверьте выгрузку по XSD, которая лежит рядом с ней.")


def lookup_header(state_date: date | None) -> str:
    return f"По данным реестра МСП на {format_date(state_date)}:"


def inn_line(inn: str, ogrn: str | None, kind: str) -> str:
    return f"  ИНН {inn}" + (f", ОГРН {ogrn}" if ogrn else "") + f" — {kind}"


def category_line(code: int | None) -> str:
    return f"  Категория: {sme_category(code)}"


def okved_line(okved: str, outdated: bool) -> str:
    return f"  Основной ОКВЭД: {okved}{OLD_OKVED if outdated else ''}"


def region_line(region_code: str, locality: str) -> str:
    return f"  Регион: {region_code}" + (f" ({locality})" if locality else "")


def headcount_line(headcount: object, as_of: date | None) -> str:
    return f"  Численность: {headcount} чел." + (f" (за {as_of.year} г.)" if as_of else "")


def income_line(income: object, as_of: date | None) -> str:
    return f"  Доход: {income} млн ₽" + (f" (за {as_of.year} г.)" if as_of else "")


def flags_line(flags: list[str]) -> str:
    return "  Отметки реестра: " + ", ".join(flags)
