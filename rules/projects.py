"""The cluster project registry's domain: vocabulary, field rules, browsing and the search index.

The city's cluster strategy asks the ЦКР to keep «обновляемый на регулярной основе реестр»
of the innovative projects SMEs run or plan, and to find partners for them. A project here is
plain data (``ProjectCard``); storing, moderating and expiring it is ``db.projects`` and
``bot.services.projects``.

Decisions:
- Cluster, sector and stage come from the profile vocabulary (``rules.profile``), so a project
  and a company speak the same language and a request from ``requests.yaml`` matches both.
- What a project seeks and offers are closed lists: browsing needs exact values, and the
  strategy names exactly these partners (customer or pilot site, manufacturing partner or
  supplier, R&D partner or university, investor, export partner).
- Field rules reject, never repair: a title with a link or HTML, a 10 000-character text or an
  unknown cluster is refused with a reason code; the Russian wording is ``bot.texts.projects``.
- Search is the same machinery as for measures (``rules.search``): Russian normalisation,
  morphology, synonyms and BM25F ranking, over the *published* projects only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rules.places import CLUSTER_IDS
from rules.profile import CLUSTERS, FIELDS, SECTORS
from rules.search.index import SearchIndex
from rules.search.morphology import Morphology
from rules.search.synonyms import SynonymGroup

STAGES: dict[str, str] = dict(FIELDS["stage"].values)
SEEKS: dict[str, str] = {
    "customer": "заказчик или пилотная площадка",
    "manufacturing": "производственный партнёр или поставщик",
    "rnd": "партнёр по НИОКР или вуз",
    "investor": "инвестор",
    "export": "партнёр для экспорта",
}
OFFERS: dict[str, str] = {
    "product": "готовый продукт или технология",
    "manufacturing": "производственные мощности",
    "rnd": "НИОКР и инжиниринг",
    "pilot_site": "площадка для испытаний",
    "market": "сбыт и выход на рынок",
    "investment": "инвестиции",
}
PROJECT_CLUSTERS: tuple[str, ...] = (*CLUSTER_IDS, "none")
STATUSES = ("draft", "moderation", "published", "archived")

TITLE_MIN, TITLE_MAX = 5, 120
SUMMARY_MIN, SUMMARY_MAX = 20, 600
OFFER_TEXT_MAX = 300
MESSAGE_MIN, MESSAGE_MAX = 10, 500
CONTACT_MAX = 100
URL_MAX = 200

_LINK = re.compile(r"(https?://|www\.|t\.me/|@[a-z0-9_]{4,}|\b[a-z0-9-]+\.(ru|com|рф|org|net|io|su|moscow)\b)",
                   re.IGNORECASE)
_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200D]")
_URL = re.compile(r"https?://[a-zA-Zа-яА-ЯёЁ0-9.-]+\.[a-zA-Zа-яА-Я]{2,}(/\S*)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class ProjectInputError(ValueError):
    """A field value the registry refuses; ``code`` names why (worded in ``bot.texts.projects``)."""

    def __init__(self, code: str, limit: int = 0, actual: int = 0) -> None:
        super().__init__(code)
        self.code = code
        self.limit = limit
        self.actual = actual


def _text(value: str | None, low: int, high: int) -> str:
    text = _CONTROL.sub("", value or "").strip()
    text = re.sub(r"[ \t]+", " ", text)
    if not text:
        raise ProjectInputError("empty")
    if len(text) > high:
        raise ProjectInputError("too_long", high, len(text))
    if len(text) < low:
        raise ProjectInputError("too_short", low, len(text))
    if _HTML.search(text):
        raise ProjectInputError("html")
    return text


def clean_title(value: str | None) -> str:
    """One line, 5–120 characters, no links, no HTML, no emoji (it heads the registry and the card)."""
    text = _text(value, TITLE_MIN, TITLE_MAX)
    if "\n" in text:
        raise ProjectInputError("one_line")
    if _LINK.search(text):
        raise ProjectInputError("link_in_title")
    if _EMOJI.search(text):
        raise ProjectInputError("emoji_in_title")
    return text


def clean_summary(value: str | None) -> str:
    """What it is, in two or three sentences: 20–600 characters, no HTML; links go to «сайт»."""
    text = _text(value, SUMMARY_MIN, SUMMARY_MAX)
    if _LINK.search(text):
        raise ProjectInputError("link_in_text")
    return text


def clean_offer_text(value: str | None) -> str:
    return _text(value, 3, OFFER_TEXT_MAX)


def clean_message(value: str | None) -> str:
    """The short note of a cooperation request (no contacts: they are exchanged on consent)."""
    text = _text(value, MESSAGE_MIN, MESSAGE_MAX)
    if _LINK.search(text):
        raise ProjectInputError("link_in_text")
    return text


def clean_contact(value: str | None) -> str:
    """A contact the owner chooses to share on acceptance: phone, e-mail or @username."""
    return _text(value, 3, CONTACT_MAX)


def clean_url(value: str | None) -> str:
    text = (value or "").strip()
    if len(text) > URL_MAX:
        raise ProjectInputError("too_long", URL_MAX, len(text))
    if not _URL.fullmatch(text):
        raise ProjectInputError("bad_url")
    return text


def check_choice(value: str, allowed: Iterable[str], code: str) -> str:
    if value not in set(allowed):
        raise ProjectInputError(code)
    return value


def check_choices(values: Iterable[str], allowed: Iterable[str], code: str, required: bool = True) -> tuple[str, ...]:
    known = list(allowed)
    chosen = tuple(v for v in known if v in set(values))
    if len(chosen) != len(set(values)):
        raise ProjectInputError(code)
    if required and not chosen:
        raise ProjectInputError("choose_one")
    return chosen


def validate_draft(data: dict[str, Any]) -> dict[str, Any]:
    """All fields of a project at once (edit, submit): the cleaned copy, or ``ProjectInputError``."""
    return {
        "title": clean_title(data.get("title")),
        "summary": clean_summary(data.get("summary")),
        "cluster": check_choice(str(data.get("cluster", "")), PROJECT_CLUSTERS, "unknown_cluster"),
        "sector": check_choice(str(data.get("sector", "")), SECTORS, "unknown_sector"),
        "stage": check_choice(str(data.get("stage", "")), STAGES, "unknown_stage"),
        "seeks": list(check_choices(data.get("seeks") or (), SEEKS, "unknown_seeks")),
        "offers": list(check_choices(data.get("offers") or (), OFFERS, "unknown_offers", required=False)),
        "offer_text": clean_offer_text(data["offer_text"]) if data.get("offer_text") else "",
        "site": clean_url(data["site"]) if data.get("site") else "",
    }


# ───────────────────────────── the published registry ─────────────────────────────


@dataclass(frozen=True, slots=True)
class ProjectCard:
    """A published project as search, browsing and request matching see it (no owner, no contact)."""

    id: int
    title: str
    summary: str
    cluster: str
    sector: str
    stage: str
    seeks: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()
    offer_text: str = ""
    site: str = ""


@dataclass(frozen=True, slots=True)
class ProjectFilter:
    """What the user chose in «Найти партнёра»; "" means any."""

    cluster: str = ""
    sector: str = ""
    stage: str = ""
    seeks: str = ""
    offers: str = ""

    def admits(self, card: ProjectCard) -> bool:
        return ((not self.cluster or card.cluster == self.cluster)
                and (not self.sector or card.sector == self.sector)
                and (not self.stage or card.stage == self.stage)
                and (not self.seeks or self.seeks in card.seeks)
                and (not self.offers or self.offers in card.offers))


@dataclass
class Registry:
    """The published projects, with per-value buckets so browsing does not scan everything."""

    cards: tuple[ProjectCard, ...]
    _by_key: dict[tuple[str, str], list[int]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for position, card in enumerate(self.cards):
            keys = [("cluster", card.cluster), ("sector", card.sector), ("stage", card.stage)]
            keys += [("seeks", s) for s in card.seeks] + [("offers", o) for o in card.offers]
            for key in keys:
                self._by_key.setdefault(key, []).append(position)

    def browse(self, wanted: ProjectFilter, limit: int | None = None) -> list[ProjectCard]:
        """Projects that pass every chosen filter, newest first (the highest id is the newest)."""
        chosen = [(name, getattr(wanted, name)) for name in ("cluster", "sector", "stage", "seeks", "offers")]
        buckets = [self._by_key.get(key, []) for key in chosen if key[1]]
        if buckets:
            smallest = min(buckets, key=len)
            found = [self.cards[p] for p in smallest if wanted.admits(self.cards[p])]
        else:
            found = list(self.cards)
        found.sort(key=lambda c: -c.id)
        return found[:limit] if limit is not None else found


PROJECT_FIELDS: dict[str, float] = {"title": 3.0, "needs": 2.0, "summary": 1.0, "area": 0.7}


def project_fields(card: ProjectCard) -> dict[str, str]:
    """The searchable text of a project, by field (weighted like a measure's title and summary)."""
    wants = [SEEKS.get(s, s) for s in card.seeks] + [OFFERS.get(o, o) for o in card.offers]
    return {
        "title": card.title,
        "needs": " ; ".join([*wants, card.offer_text]),
        "summary": card.summary,
        "area": " ; ".join(x for x in (CLUSTERS.get(card.cluster, ""), SECTORS.get(card.sector, "")) if x),
    }


def build_project_index(cards: Sequence[ProjectCard], synonyms: Sequence[SynonymGroup],
                        morphology: Morphology) -> SearchIndex:
    """The measures' BM25F index, over projects: document ids are the project ids as text."""
    from rules.search.project_index import index_documents

    return index_documents([(str(c.id), "project", c.title, project_fields(c)) for c in cards],
                           PROJECT_FIELDS, synonyms, morphology)
