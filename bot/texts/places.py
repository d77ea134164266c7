"""Russian words of /places: the directory's list, filters, the card, «рядом со мной»."""

from __future__ import annotations

from html import escape

from bot.texts.listing import link, verified_line
from rules.places import ACCESS, SERVICES, Place
from rules.profile import SECTORS

TYPE_BUTTONS = {
    "technopark": "Технопарки",
    "sez_site": "Технополис «Москва»",
    "ckp": "Центры коллективного пользования",
    "support_centre": "Центры поддержки",
    "service": "Сервисы города (свободные площади)",
}
SEND_LOCATION = "📍 Отправить геопозицию"
NO_DIRECTORY = "Справочник площадок пока не загружен. Загляните позже или спросите консультанта: /consultant"
PLACE_GONE = "Этой площадки больше нет в справочнике — откройте актуальный список: /places"
FREE_SPACE_HINT = ("Свободные площади меняются каждый день: актуальные — на i.moscow и в Инвестиционной "
                   "карте Москвы (раздел «Сервисы города»).")
LIST_TITLE = "<b>Площадки и инфраструктура</b>"
NOTHING_FOUND = "Ничего не нашлось. Уберите фильтр или посмотрите сервисы города."
NEARBY_BUTTON = "📍 Рядом со мной"
OKRUG_PROMPT = "Выберите округ:"
SECTOR_PROMPT = "Специализация площадки:"
ANY_SECTOR = "Любая отрасль"
OPEN_CATALOGUE_BUTTON = "Открыть каталог площадей"
SITE_BUTTON = "Сайт площадки"
BACK_TO_PLACES_BUTTON = "← К площадкам"
ALL_PLACES_BUTTON = "Все площадки"
NEAREST_TITLE = "<b>Ближайшие площадки</b>"
NEAREST_NOTE = "Расстояние по прямой; «≈» — координаты указывают район, а не здание."
NO_COORDINATES = "Ни у одной площадки пока нет координат — выберите округ в /places."
ASK_LOCATION = "Нажмите кнопку ниже — я отсортирую площадки по расстоянию. Геопозицию я не сохраняю."
COUNTING = "Спасибо, считаю расстояния."


def sector_filter(sector: str) -> str:
    return f"отрасль: {SECTORS[sector]}" if sector in SECTORS else ""


def sector_button(chosen: bool) -> str:
    return "Отрасль: выбрана" if chosen else "Отрасль: любая"


def place_line(number: int, place: Place, distance: float | None = None) -> str:
    where = place.okrug or "онлайн"
    tail = f"{place.type_label} · {where}"
    if distance is not None:
        km = f"{distance:.1f}".replace(".", ",")  # Russian decimal comma
        tail += f" · {'≈' if place.geo and place.geo.approximate else ''}{km} км"
    return f"{number}. <b>{escape(place.name)}</b>\n    {escape(tail)}"


def card_text(place: Place) -> str:
    lines = [f"<b>{escape(place.name)}</b>", escape(place.type_label[:1].upper() + place.type_label[1:]), "",
             escape(place.summary), ""]
    if place.address:
        district = f", район {place.district}" if place.district else ""
        okrug = f" ({place.okrug}{district})" if place.okrug else ""
        lines.append(f"Адрес: {escape(place.address + okrug)}")
    if place.specialisation:
        lines.append(f"Специализация: {escape(place.specialisation)}")
    lines.append("Услуги: " + escape(", ".join(SERVICES[s] for s in place.services)))
    if place.access:
        lines.append(f"Кому доступно: {escape(ACCESS[place.access])}")
    if place.conditions:
        lines.append(f"Условия: {escape(place.conditions)}")
    contact = [link(place.contact.site, "сайт")] if place.contact.site else []
    contact += [escape(v) for v in (place.contact.phone, place.contact.email) if v]
    if contact:
        lines.append("Контакты: " + ", ".join(contact))
    if place.booking_url:
        lines.append(f"Свободные площади и заявка: {link(place.booking_url, place.booking_url)}")
    if place.equipment_url:
        lines.append(f"Оборудование: {link(place.equipment_url, 'каталог')}")
    lines.append("")
    if not place.verified:
        lines.append(f"⚠️ Не всё подтверждено: {escape(place.provenance_note)}")
    lines.append(verified_line(place.source_url, "страница", f"{place.last_verified:%d.%m.%Y}"))
    return "\n".join(lines)
