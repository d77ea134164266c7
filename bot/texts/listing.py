"""Russian words shared by the paged lists of /events and /places: page navigation, the okrug
filter and HTML links."""

from __future__ import annotations

from html import escape

PREVIOUS_PAGE = "← Назад"
NEXT_PAGE = "Дальше →"
ANY_OKRUG = "Любой округ"
# A filter value, not only a label: ``rules.places.okrug_matches`` reads it as НАО and ТАО together.
NEW_MOSCOW = "ТиНАО"
CHOSEN_MARK = "• "  # before a toggled filter button
FILTERS_NONE_EVENTS = "Фильтры: все мероприятия"
FILTERS_NONE_PLACES = "Фильтры: все площадки"


def page_line(page: int, pages: int) -> str:
    """``page`` counts from 0."""
    return f"Страница {page + 1} из {pages}"


def okrug_button(okrug: str) -> str:
    return f"Округ: {okrug}" if okrug else "Округ: любой"


def okrug_filter(okrug: str) -> str:
    return f"округ: {okrug}" if okrug else ""


def filters_line(chosen: list[str], none: str) -> str:
    """«Фильтры: …» of the chosen (non-empty) filters, or ``none`` when nothing is chosen."""
    filters = ", ".join(c for c in chosen if c)
    return f"Фильтры: {escape(filters)}" if filters else none


def link(url: str, label: str) -> str:
    return f'<a href="{escape(url, quote=True)}">{escape(label)}</a>'


def verified_line(url: str, label: str, verified: str) -> str:
    """«Источник: <a>label</a>, проверено DD.MM.YYYY»."""
    return f"Источник: {link(url, label)}, проверено {verified}"
