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


def test_past_shipped_events_drop_out_of_the_list_day_by_day() -> None:
    """No ``events.yaml`` edit is needed when an event is over: from the moment it ends it is
    neither in ``upcoming`` nor on the /events screen, and after the last one the list is empty."""
    from html import escape

    from rules.events import EventFilter, upcoming

    directory = load_places(ROOT / "places.yaml")
    calendar = load_events(ROOT / "events.yaml", NOW.date(), directory.by_id)
    last_end = max(e.ends_at for e in calendar.events)
    moment = NOW
    while moment <= last_end + dt.timedelta(days=1):
        listed = upcoming(calendar.events, moment, wanted=EventFilter(days=400))
        assert all(e.ends_at > moment for e in listed), moment
        over = [e for e in calendar.events if e.ends_at <= moment]
        screen = event_screens.list_screen(calendar.events, EventsCb(d=400), {}, moment).text
        assert not [e.id for e in over if escape(e.title) in screen], moment
        moment += dt.timedelta(hours=12)
    assert upcoming(calendar.events, moment, wanted=EventFilter(days=400)) == []
