"""Which events and places a user sees, in which order."""

from __future__ import annotations

import datetime as dt

import pytest

from rules.events import Calendar, EventFilter, fit, fits_subscriber, upcoming
from rules.places import Directory, by_distance, filter_places, haversine_km
from tests.events.conftest import NOW


def ids(items: list) -> list[str]:  # type: ignore[type-arg]
    return [item.id for item in items]


def test_default_window_is_two_weeks_soonest_first_without_a_profile(calendar: Calendar) -> None:
    found = upcoming(calendar.events, NOW)
    # the far forum (20 Jan) and the cancelled conference are left out; the open webinar fits best;
    # the Troitsk seminar's date is only an example, so it comes after confirmed dates
    assert ids(found) == ["webinar-general", "conf-zelenograd", "other-cluster", "seminar-troitsk"]
    assert "forum-far" in ids(upcoming(calendar.events, NOW, wanted=EventFilter(days=60)))


def test_profile_ranks_own_cluster_first_then_open_events_then_others(calendar: Calendar) -> None:
    profile = {"cluster": "zelenograd", "sector": "electronics"}
    found = upcoming(calendar.events, NOW, profile)
    assert ids(found) == ["conf-zelenograd", "webinar-general", "other-cluster", "seminar-troitsk"]
    assert fit(calendar.by_id["conf-zelenograd"], profile) > fit(calendar.by_id["webinar-general"], profile)


def test_sector_alone_lifts_a_matching_event(calendar: Calendar) -> None:
    found = upcoming(calendar.events, NOW, {"sector": "photonics_lasers"})
    assert ids(found)[0] == "seminar-troitsk"


def test_started_events_drop_out(calendar: Calendar) -> None:
    during = NOW + dt.timedelta(days=3, hours=4)  # 30 Nov 16:00: the webinar (15:00–17:00) is on
    assert "webinar-general" in ids(upcoming(calendar.events, during))
    later = NOW + dt.timedelta(days=5, hours=2)  # 2 Dec 14:00: the webinar and the seminar are over
    assert ids(upcoming(calendar.events, later)) == ["conf-zelenograd", "other-cluster"]


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        (EventFilter(cluster="zelenograd"), ["conf-zelenograd"]),
        (EventFilter(format="online"), ["webinar-general", "seminar-troitsk"]),  # hybrid counts as online
        (EventFilter(format="offline"), ["conf-zelenograd", "other-cluster", "seminar-troitsk"]),
        (EventFilter(okrug="ЦАО"), ["conf-zelenograd"]),  # the online webinar has no okrug
        (EventFilter(okrug="ТиНАО"), ["seminar-troitsk"]),  # New Moscow = НАО + ТАО
        (EventFilter(kind="supplier_conference"), ["conf-zelenograd"]),  # not the cancelled one
        (EventFilter(cluster="food", okrug="ЦАО"), []),
    ],
)
def test_filters(calendar: Calendar, wanted: EventFilter, expected: list[str]) -> None:
    assert ids(upcoming(calendar.events, NOW, wanted=wanted)) == expected


def test_example_dates_rank_after_confirmed_ones_at_equal_fit(calendar: Calendar) -> None:
    # seminar-troitsk (example, 2 Dec) and conf-zelenograd (confirmed, 3 Dec) both fit nobody
    found = upcoming(calendar.events, NOW, {"cluster": "biotech"}, EventFilter(format="offline"))
    assert ids(found) == ["conf-zelenograd", "other-cluster", "seminar-troitsk"]


def test_subscriber_alerts_only_for_their_cluster_or_sector(calendar: Calendar) -> None:
    conf, general = calendar.by_id["conf-zelenograd"], calendar.by_id["webinar-general"]
    assert fits_subscriber(conf, {"cluster": "zelenograd"})
    assert fits_subscriber(conf, {"sector": "electronics"})
    assert not fits_subscriber(conf, {"cluster": "food", "sector": "food"})
    assert not fits_subscriber(general, {"cluster": "zelenograd"})  # open events are no alert


def test_place_filters(directory: Directory) -> None:
    assert ids(filter_places(directory.places, type="technopark")) == ["tp-one", "tp-three"]
    assert ids(filter_places(directory.places, okrug="ЗелАО")) == ["tp-three", "service-four"]
    assert ids(filter_places(directory.places, okrug="ТиНАО", type="ckp")) == ["ckp-two"]
    assert ids(filter_places(directory.places, cluster="zelenograd")) == ["tp-one", "tp-three"]
    assert ids(filter_places(directory.places, text="Микроэлектроника")) == ["tp-three"]
    assert ids(filter_places(directory.places, service="testing")) == ["ckp-two"]


def test_haversine_known_distance() -> None:
    # one degree of latitude is 111.2 km on the mean sphere
    assert haversine_km(55.0, 37.0, 56.0, 37.0) == pytest.approx(111.2, abs=0.1)
    assert haversine_km(55.75, 37.62, 55.75, 37.62) == 0


def test_distance_sort_skips_places_without_coordinates(directory: Directory) -> None:
    near_troitsk = by_distance(directory.places, 55.47, 37.31)
    assert [p.id for p, _ in near_troitsk] == ["ckp-two", "tp-one"]
    assert near_troitsk[0][1] < 2 < 30 < near_troitsk[1][1] < 40
