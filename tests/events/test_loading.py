"""events.yaml / places.yaml: broken files give located errors; the shipped files load clean."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from rules.errors import DataError
from rules.events import MOSCOW, Calendar, check_files, load_events
from rules.places import OKRUGS, load_places
from tests.events.conftest import BROKEN, FIXTURES, TODAY

ROOT = Path(__file__).resolve().parents[2]

# file → (line, dotted path, message fragment)
EXPECTED = {
    "unknown_key.events.yaml": (10, "events[0].speaker", "unknown key 'speaker' in event"),
    "bad_datetime.events.yaml": (7, "events[0].starts_at", "is not a valid date and time"),
    "no_time.events.yaml": (7, "events[0].starts_at", "has no time of day"),
    "unknown_cluster.events.yaml": (10, "events[0].clusters[1]", "unknown value 'robotics'"),
    "unknown_sector.events.yaml": (10, "events[0].sectors[0]", "unknown value 'electronic'"),
    "bad_okrug.events.yaml": (12, "events[0].venue.okrug", "unknown value 'ЮЗО'"),
    "unknown_place.events.yaml": (13, "events[0].venue.place", "unknown place 'tp-nowhere'"),
    "ends_before_start.events.yaml": (8, "events[0].ends_at", "ends before it starts"),
    "example_without_note.events.yaml": (10, "events[0].provenance_note", "needs provenance_note"),
    "duplicate_id.events.yaml": (13, "events[1].id", "duplicate event id 'one' (first at line 2)"),
    "offline_without_venue.events.yaml": (2, "events[0].venue", "needs a venue"),
    "bad_okrug.places.yaml": (7, "places[0].okrug", "unknown value 'Зеленоград'"),
    "missing_address.places.yaml": (2, "places[0].address", "a technopark needs 'address'"),
    "swapped_geo.places.yaml": (9, "places[0].geo", "is not in Moscow"),
    "unknown_service.places.yaml": (8, "places[0].services[1]", "unknown value 'parking'"),
    "bad_date.places.yaml": (10, "places[0].last_verified", "'2026-02-30' is not a valid date"),
    "unknown_cluster.places.yaml": (8, "places[0].clusters[0]", "unknown value 'it_cluster'"),
}


def _problems(path: Path) -> list[str]:
    try:
        if ".events" in path.name:
            load_events(path, TODAY, {"tp-one"})
        else:
            load_places(path)
    except DataError as exc:
        return [str(p) for p in exc.problems]
    pytest.fail(f"{path.name} loaded without errors")


def test_every_broken_fixture_has_an_expectation() -> None:
    assert sorted(p.name for p in BROKEN.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_is_located(name: str) -> None:
    line, path, message = EXPECTED[name]
    problems = _problems(BROKEN / name)
    prefix = f"{BROKEN / name}:{line}:"
    assert any(p.startswith(prefix) and f"path: {path}" in p and message in p for p in problems), problems


def test_unknown_okrug_lists_the_twelve_okrugs() -> None:
    (problem,) = _problems(BROKEN / "bad_okrug.places.yaml")
    assert f"allowed: {', '.join(OKRUGS)}" in problem
    assert len(OKRUGS) == 12


def test_past_event_is_a_warning_not_an_error() -> None:
    calendar = load_events(FIXTURES / "events.yaml", dt.date(2026, 12, 4))
    assert len(calendar.events) == 6
    warned = sorted(w.path for w in calendar.warnings)
    # the webinar (30 Nov), the Troitsk seminar (2 Dec) and the conference (3 Dec) are over
    assert warned == ["events[0].starts_at", "events[1].starts_at", "events[2].starts_at"]
    assert all(w.severity == "warning" and "is over" in str(w) for w in calendar.warnings)
    assert load_events(FIXTURES / "events.yaml", TODAY).warnings == ()


def test_times_are_moscow_time_whatever_the_notation(calendar: Calendar) -> None:
    naive = calendar.by_id["conf-zelenograd"]  # 2026-12-03T11:00, no offset
    offset = calendar.by_id["webinar-general"]  # 2026-11-30T15:00+03:00
    utc = calendar.by_id["seminar-troitsk"]  # 2026-12-02T08:00:00Z
    assert naive.starts_at == dt.datetime(2026, 12, 3, 11, 0, tzinfo=MOSCOW)
    assert offset.starts_at.hour == 15 and offset.starts_at.utcoffset() == dt.timedelta(hours=3)
    assert (utc.starts_at.hour, utc.ends_at.hour) == (11, 13)
    assert offset.ends_at - offset.starts_at == dt.timedelta(hours=2)  # default length


def test_venue_reference_checked_only_with_the_directory() -> None:
    path = BROKEN / "unknown_place.events.yaml"
    assert len(load_events(path, TODAY).events) == 1  # no directory given: no cross-check


def test_shipped_files_load_and_reference_each_other() -> None:
    places = load_places(ROOT / "places.yaml")
    calendar = load_events(ROOT / "events.yaml", TODAY, places.by_id)
    physical = [p for p in places.places if p.type != "service"]
    assert len(physical) >= 15
    assert all(p.okrug in OKRUGS and p.address for p in physical)
    assert all(p.source_url and p.last_verified for p in places.places)
    assert any(e.kind == "supplier_conference" for e in calendar.events)
    # nothing in the research confirms an upcoming date: every shipped event must say so
    assert all(e.example and e.provenance_note for e in calendar.events)
    for event in calendar.events:
        if event.venue and event.venue.place:
            assert event.venue.place in places.by_id


def test_check_files_collects_errors_from_both_files(tmp_path: Path) -> None:
    (tmp_path / "places.yaml").write_text((BROKEN / "bad_okrug.places.yaml").read_text("utf-8"), "utf-8")
    (tmp_path / "events.yaml").write_text((BROKEN / "no_time.events.yaml").read_text("utf-8"), "utf-8")
    problems, summary = check_files(tmp_path / "events.yaml", tmp_path / "places.yaml", TODAY)
    assert [p.line for p in problems] == [7, 7]
    assert summary == ""
    problems, summary = check_files(tmp_path / "missing.yaml", FIXTURES / "places.yaml", TODAY)
    assert problems == [] and summary.startswith("4 places")


def test_navigator_check_fails_on_a_broken_events_file(tmp_path: Path) -> None:
    broken = tmp_path / "events.yaml"
    broken.write_text((BROKEN / "unknown_key.events.yaml").read_text("utf-8"), "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "check", str(ROOT / "measures.yaml"), str(broken),
         str(ROOT / "places.yaml"), "--quiet-warnings"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{broken}:10:5: unknown key 'speaker' in event" in done.stdout
    assert "Traceback" not in done.stderr


def test_navigator_check_passes_on_the_shipped_files() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "check", "--quiet-warnings"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "places (" in done.stdout and "events," in done.stdout
