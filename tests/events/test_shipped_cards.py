"""Every shipped event and place renders as a card Telegram would accept (HTML, length, buttons)."""

from __future__ import annotations

import datetime as dt

from bot.telegram import event_screens, place_screens
from bot.telegram.callbacks import EventsCb, PlacesCb
from bot.texts import events as event_texts
from bot.texts import places as place_texts
from rules.events import MOSCOW, load_events
from rules.places import load_places
from tests.events.test_loading import ROOT
from tests.support.telegram import check_html, check_markup

NOW = dt.datetime(2026, 11, 27, 12, tzinfo=MOSCOW)


def test_every_shipped_card_is_valid_telegram_html() -> None:
    directory = load_places(ROOT / "places.yaml")
    calendar = load_events(ROOT / "events.yaml", NOW.date(), directory.by_id)
    for event in calendar.events:
        text = event_texts.card_text(event)
        assert check_html(text) < 4096, event.id
        check_markup(event_screens.card_markup(event))
        assert "пример, дата не подтверждена" in text.lower()  # every shipped date is an example
        assert check_html(event_texts.reminder_text(event, "1d")) < 4096
    for place in directory.places:
        assert check_html(place_texts.card_text(place)) < 4096, place.id
        check_markup(place_screens.card_markup(place))
    everything = event_screens.list_screen(calendar.events, EventsCb(d=60), {}, NOW)
    assert check_html(everything.text) < 4096
    check_markup(everything.markup)
    listing = place_screens.list_screen(directory, PlacesCb())
    assert check_html(listing.text) < 4096
    check_markup(listing.markup)
    nearest = place_screens.nearest_screen(directory.places, 55.75, 37.62)
    assert "ЦКП МГТУ им. Н. Э. Баумана" in nearest.text.split("\n")[3]  # the nearest to the centre
