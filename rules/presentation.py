"""How results are presented (DESIGN 3.3): what serves the request first, the rest grouped, «не подходит» apart.

Decisions (documented for staff in docs/data-format.md, «Как бот показывает результаты»):

* «Под ваш запрос» — at most ``TOP_LIMIT`` entries (with no needs chosen: the best entries overall) whose lead measure serves one of the user's
  ``needs`` and is eligible or possible (a possible one shows its path). Every chosen need gets
  its best measure first when the catalogue has one, then the best of the rest fill the places,
  so a two-need request never shows five answers to one need and none to the other. Measures
  already received are never «под ваш запрос».
* Related measures are one entry: the best-ranked one leads, the ones it cannot be combined with
  (``excludes``) are named under it as alternatives, and a ``step_of`` partner as the path
  («сначала — …» or «затем — …»). They are never offered again elsewhere on the screen.
* «Ещё подходит вам» — every other eligible or possible entry, grouped by what the lead gives
  (``GROUP_OF_KIND``: money, credit, statuses and tax, export, market, advice); groups
  follow the rank of their best entry.
* «Не подходит» — the ineligible measures, best first, one button away.

Ranking inside every list is ``rules.eligibility.match``'s: verdict, fit to needs, open window,
amount (and already received last in its verdict).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rules.catalogue import Catalogue
from rules.eligibility import MeasureResult, Verdict

TOP_LIMIT = 5
# «Ещё подходит вам» groups: a few, by what the measure gives (labels in bot.texts.results).
GROUP_OF_KIND = {
    "grant": "money", "subsidy": "money",
    "loan": "credit", "guarantee": "credit",
    "tax": "status", "status": "status",
    "export": "export",
    "infrastructure": "market", "procurement": "market",
    "consulting": "advice", "training": "advice", "ip": "advice",
}


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a list: a lead measure with the measures shown together with it."""

    lead: MeasureResult
    alternatives: tuple[MeasureResult, ...] = ()  # cannot be combined with the lead: choose one
    before: tuple[MeasureResult, ...] = ()  # steps that usually come before the lead
    after: tuple[MeasureResult, ...] = ()  # the measure the lead is a step of

    @property
    def results(self) -> tuple[MeasureResult, ...]:
        return (self.lead, *self.before, *self.after, *self.alternatives)

    @property
    def size(self) -> int:
        return len(self.results)


@dataclass(frozen=True, slots=True)
class Group:
    key: str  # a value of ``GROUP_OF_KIND``
    entries: tuple[Entry, ...]

    @property
    def count(self) -> int:
        return sum(entry.size for entry in self.entries)


@dataclass(frozen=True, slots=True)
class Arrangement:
    top: tuple[Entry, ...]
    groups: tuple[Group, ...]
    ineligible: tuple[MeasureResult, ...]
    counts: dict[str, int]
    needs: frozenset[str]

    def group(self, key: str) -> Group | None:
        return next((group for group in self.groups if group.key == key), None)

    @property
    def offered(self) -> int:
        """Eligible and possible measures, as counted on the screen."""
        return self.counts.get(Verdict.ELIGIBLE.value, 0) + self.counts.get(Verdict.POSSIBLE.value, 0)


def arrange(catalogue: Catalogue, results: Sequence[MeasureResult], needs: Iterable[str]) -> Arrangement:
    """Split ranked ``results`` (``rules.eligibility.match``) into the screen's three parts."""
    wanted = frozenset(needs)
    counts: dict[str, int] = {}
    for result in results:
        counts[result.verdict.value] = counts.get(result.verdict.value, 0) + 1
    shown = [r for r in results if r.verdict is not Verdict.INELIGIBLE]
    entries = _entries(catalogue, shown)
    top = _top(entries, wanted)
    chosen = {id(entry) for entry in top}
    by_group: dict[str, list[Entry]] = {}
    for entry in entries:
        if id(entry) not in chosen:
            by_group.setdefault(GROUP_OF_KIND.get(entry.lead.measure.kind, "advice"), []).append(entry)
    groups = tuple(Group(key, tuple(items)) for key, items in by_group.items())  # insertion = rank order
    ineligible = tuple(r for r in results if r.verdict is Verdict.INELIGIBLE)
    return Arrangement(top, groups, ineligible, counts, wanted)


def _entries(catalogue: Catalogue, shown: list[MeasureResult]) -> list[Entry]:
    """Entries in rank order; each measure appears in exactly one entry."""
    by_id = {r.measure.id: r for r in shown}
    placed: set[str] = set()
    entries: list[Entry] = []
    for result in shown:
        measure = result.measure
        if measure.id in placed:
            continue
        placed.add(measure.id)

        def take(ids: Iterable[str]) -> tuple[MeasureResult, ...]:
            out = []
            for other in ids:
                if other in by_id and other not in placed:
                    placed.add(other)
                    out.append(by_id[other])
            return tuple(out)

        before = take(catalogue.steps(measure.id))
        after = take((measure.step_of,) if measure.step_of else ())
        alternatives = take(catalogue.alternatives(measure.id))
        entries.append(Entry(result, alternatives, before, after))
    return entries


def _serves(entry: Entry, needs: frozenset[str]) -> bool:
    lead = entry.lead
    return lead.need_fit > 0 and not lead.already_used and bool(lead.measure.serves_needs & needs)


def _top(entries: list[Entry], needs: frozenset[str]) -> tuple[Entry, ...]:
    if not needs:  # nothing chosen: the best of everything, still at most TOP_LIMIT
        return tuple(entry for entry in entries if not entry.lead.already_used)[:TOP_LIMIT]
    candidates = [entry for entry in entries if _serves(entry, needs)]
    chosen: list[Entry] = []
    # Each need its best answer first (needs in the order of their best candidate), then by rank.
    firsts: list[tuple[int, str]] = []
    for need in needs:
        index = next((i for i, e in enumerate(candidates) if need in e.lead.measure.serves_needs), None)
        if index is not None:
            firsts.append((index, need))
    for index, _ in sorted(firsts):
        if len(chosen) < TOP_LIMIT and all(candidates[index] is not e for e in chosen):
            chosen.append(candidates[index])
    for entry in candidates:
        if len(chosen) >= TOP_LIMIT:
            break
        if all(entry is not e for e in chosen):
            chosen.append(entry)
    order = {id(entry): i for i, entry in enumerate(entries)}
    return tuple(sorted(chosen, key=lambda entry: order[id(entry)]))


COMPARE_LIMIT = 8
_LEASING_KINDS = frozenset({"loan", "subsidy", "grant"})


def comparable(results: Sequence[MeasureResult]) -> tuple[tuple[MeasureResult, ...], tuple[MeasureResult, ...]]:
    """«Сравнить»: fitting loans and leasing programmes (best first; the screen shows
    ``COMPARE_LIMIT`` of them), and the guarantees that secure them. A leasing programme is any grant, subsidy or loan that serves ``leasing``."""
    rows = tuple(r for r in results if r.verdict is not Verdict.INELIGIBLE and not r.already_used
                 and (r.measure.kind == "loan"
                      or ("leasing" in r.measure.serves_needs and r.measure.kind in _LEASING_KINDS)))
    guarantees = tuple(r for r in results if r.verdict is not Verdict.INELIGIBLE and r.measure.kind == "guarantee"
                       and r.measure.serves_needs & {"loan", "leasing"})
    return rows, guarantees
