"""Free text → events and places, next to the measures search.

Decisions:
- Only when the question asks for one: a word of event intent («конференция», «вебинар»,
  «мероприятие»…) searches the calendar, a word of place intent («технопарк», «помещение»,
  «аренда», «ЦКП»…) searches the directory. A question about grants never gets a technopark
  pushed into its answer.
- The same Russian normalisation and morphology as the measures search (``rules.search``), so
  «технопарки в Зеленограде» matches «Технопарк …, Зеленоград».
- Score: each word of the question counts with the weight of the best field it is found in
  (name 3, keywords 2, specialisation/kind/okrug/address 1.5, summary 1). When the question has
  topic words, a record must match them (≥ 1.5), not just the intent words. With no topic word at all («какие мероприятия?»), the soonest events or
  the directory's first records are offered — the question is still answered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rules.events import ALERT_HORIZON_DAYS, KINDS, Event
from rules.places import OKRUGS, PLACE_TYPES, SERVICES, Place
from rules.search.morphology import Morphology, shared
from rules.search.normalise import STOP_LEMMAS, tokens

EVENT_INTENT = frozenset({
    "мероприятие", "конференция", "вебинар", "семинар", "форум", "выставка", "круглый", "интенсив",
    "событие", "встреча", "школа", "экскурсия", "поставщик", "дверь", "уикенд",
})
PLACE_INTENT = frozenset({
    "технопарк", "площадка", "помещение", "аренда", "арендовать", "снять", "офис", "цех", "лаборатория",
    "цкп", "коворкинг", "инкубатор", "технополис", "оэз", "участок", "площадь", "производственный",
    "оборудование", "испытание", "прототипирование", "адрес", "коллективный", "пользование",
})
FIELD_WEIGHTS = (3.0, 2.0, 1.5, 1.0)
LIMIT = 3
MIN_TOPIC_SCORE = 1.5  # one word in a field above the summary, or two in the summary


@dataclass(frozen=True, slots=True)
class Found:
    kind: str  # "event" | "place"
    id: str
    title: str
    score: float


def _lemmas(text: str, morphology: Morphology) -> frozenset[str]:
    return frozenset(morphology.term(t) for t in tokens(text)) - STOP_LEMMAS


def _fields_of_event(event: Event) -> tuple[str, ...]:
    venue = event.venue
    where = " ".join(filter(None, (venue.name, venue.address, venue.okrug) if venue else ()))
    return (event.title, " ".join(event.keywords), f"{KINDS[event.kind]} {where} {event.organiser}", event.summary)


def _fields_of_place(place: Place) -> tuple[str, ...]:
    services = " ".join(SERVICES[s] for s in place.services)
    okrug = f"{place.okrug} {OKRUGS.get(place.okrug, '')}" if place.okrug else ""
    return (place.name, " ".join(place.keywords),
            f"{place.specialisation} {PLACE_TYPES[place.type]} {okrug} {place.address} {place.district} {services}",
            place.summary)


def _score(query: frozenset[str], intent: frozenset[str], fields: Sequence[str], morphology: Morphology) -> tuple[float, float]:
    """(topic score, intent score): what the record shares with the question's topic and intent words."""
    sets = [_lemmas(text, morphology) for text in fields]
    topic = intent_score = 0.0
    for lemma in query:
        weight = max((w for w, s in zip(FIELD_WEIGHTS, sets, strict=True) if lemma in s), default=0.0)
        if lemma in intent:
            intent_score += weight
        else:
            topic += weight
    return topic, intent_score


def find(
    query: str,
    events: Iterable[Event],
    places: Iterable[Place],
    now: dt.datetime,
    morphology: Morphology | None = None,
    limit: int = LIMIT,
) -> list[Found]:
    """Events and places the question asks for, best first (empty when it asks for neither)."""
    morphology = morphology or shared("lemmas")
    words = _lemmas(query, morphology)
    wants_events, wants_places = bool(words & EVENT_INTENT), bool(words & PLACE_INTENT)
    topic = words - EVENT_INTENT - PLACE_INTENT
    found: list[tuple[float, int, str, Found]] = []
    if wants_events:
        horizon = now + dt.timedelta(days=ALERT_HORIZON_DAYS)
        for event in events:
            if not event.active or event.ends_at <= now or event.starts_at > horizon:
                continue
            on_topic, on_intent = _score(words, EVENT_INTENT | PLACE_INTENT, _fields_of_event(event), morphology)
            if topic and on_topic < MIN_TOPIC_SCORE:
                continue  # only intent words matched: not about what was asked
            score = on_topic + on_intent
            order = int(event.starts_at.timestamp())
            found.append((score, order, event.id, Found("event", event.id, event.title, score)))
    if wants_places:
        for position, place in enumerate(places):
            on_topic, on_intent = _score(words, EVENT_INTENT | PLACE_INTENT, _fields_of_place(place), morphology)
            if topic and on_topic < MIN_TOPIC_SCORE:
                continue
            score = on_topic + on_intent
            found.append((score, position, place.id, Found("place", place.id, place.name, score)))
    found.sort(key=lambda item: (-item[0], item[1], item[2]))
    return [item[3] for item in found[:limit]]
