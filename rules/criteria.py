"""How much of each measure's rules the engine checks: machine conditions vs formal text.

DESIGN 3.3: a formal criterion (a document, register or official list proves it) is encoded as a
machine condition whenever the profile can hold it; one left as text caps the verdict at
«Возможно». ``navigator check`` uses this module to warn about formal text whose words say it
could be encoded (ОКВЭД, revenue, headcount, years, registration, wages, shares) and to report,
per measure and per kind, how many criteria are encoded and how many are still text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rules.catalogue import Catalogue, Measure
from rules.conditions import All, Any_, Condition, Leaf, Not
from rules.errors import Problem

# Word stems that name something the vocabulary can hold (matched case-insensitively, at a word
# start): «ОКВЭД», «выручка», «численность», «… лет», «регистрация», «зарплата», «доля».
ENCODABLE = re.compile(r"\b(оквэд|выручк|численност|лет\b|регистрац|зарплат|дол[яиюеё])", re.IGNORECASE)


def encodable_words(text: str) -> list[str]:
    """The stems in ``text`` that suggest a machine condition could replace it."""
    return [match.group(0).lower() for match in ENCODABLE.finditer(text)]


def machine_criteria(condition: Condition | None) -> int:
    """Leaves of a condition tree: each is one machine-checked criterion."""
    if condition is None:
        return 0
    if isinstance(condition, Leaf):
        return 1
    if isinstance(condition, Not):
        return machine_criteria(condition.child)
    assert isinstance(condition, (All, Any_))
    return sum(machine_criteria(child) for child in condition.children)


@dataclass(frozen=True, slots=True)
class Coverage:
    measure_id: str
    kind: str
    encoded: int  # machine conditions
    text: int  # formal criteria still written as text (each caps the verdict at «Возможно»)
    expert: int  # expert criteria (never lower the verdict)


def coverage(measures: Iterable[Measure]) -> list[Coverage]:
    return [Coverage(m.id, m.kind, machine_criteria(m.eligibility), len(m.criteria_formal), len(m.criteria_expert))
            for m in measures]


def encodable_warnings(catalogue: Catalogue) -> list[Problem]:
    """A formal criterion whose words say the engine could check it (a vocabulary field or an
    official list) — encode it, or reword it if it is really not checkable."""
    out: list[Problem] = []
    for index, measure in enumerate(catalogue.measures):
        for position, text in enumerate(measure.criteria_formal):
            words = encodable_words(text)
            if words:
                out.append(Problem(
                    catalogue.path, measure.line, 1,
                    f"{measure.id}: formal criterion could be a machine condition ({', '.join(words)}): «{text}»",
                    f"measures[{index}].criteria_formal[{position}]",
                    hint="encode it in eligibility (rules/profile.py fields, okved_in: <list>) — as text it "
                         "caps the verdict at «Возможно»",
                    severity="warning",
                ))
    return out


def report(catalogue: Catalogue) -> list[str]:
    """Per measure and per kind: encoded vs text formal criteria, and expert ones."""
    rows = coverage(catalogue.measures)
    width = max((len(r.measure_id) for r in rows), default=10)
    lines = [f"{'measure':<{width}}  encoded  text  expert"]
    lines += [f"{r.measure_id:<{width}}  {r.encoded:>7}  {r.text:>4}  {r.expert:>6}" for r in rows]
    lines.append("")
    lines.append(f"{'kind':<{width}}  encoded  text  expert  capped")
    for kind in sorted({r.kind for r in rows}):
        group = [r for r in rows if r.kind == kind]
        lines.append(f"{kind:<{width}}  {sum(r.encoded for r in group):>7}  {sum(r.text for r in group):>4}  "
                     f"{sum(r.expert for r in group):>6}  {sum(1 for r in group if r.text):>6}")
    return lines


def summary(catalogue: Catalogue) -> str:
    rows = coverage(catalogue.measures)
    capped = sum(1 for r in rows if r.text)
    return (f"criteria: {sum(r.encoded for r in rows)} encoded, {sum(r.text for r in rows)} formal as text "
            f"({capped} measures capped at «Возможно»), {sum(r.expert for r in rows)} expert")
