"""The ИНН pre-fill shared by the bot and ``navigator console``: look up and choose fields.

The words (the summary, «не найден», labels) are in ``bot.texts.inn``.

Decisions:
- The local registry (db/registry) answers first; DaData, when configured, only fills what the
  registry lacks (``rules.dadata_mapping.merge``) and never delays the answer past its timeout.
- Only fields the user has not answered yet are offered, and ``company_name`` is not (no
  verdict needs it, and it is personal for an ИП).
- A value in ``to_confirm`` (a region other than Moscow) is not pre-filled: it is shown as a
  note and the questionnaire asks it, because region 77 is a default, not a verdict.
- Each offered value becomes one line the user can mark as wrong; wrong ones are asked normally.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.ext.asyncio import AsyncSession

from db.registry.lookup import lookup_inn
from db.registry.models import RegistryImport
from rules.dadata_mapping import merge, prefill_from_dadata
from rules.prefill import Prefill, prefill_from_registry

OFFERED = (
    "sme_category",
    "okved_main",
    "registered_in_moscow",
    "headcount",
    "income_mln",
    "company_age_months",
)

class PartyFinder(Protocol):
    async def find_party(self, inn: str) -> dict[str, Any] | None: ...


@dataclass(frozen=True, slots=True)
class Lookup:
    """What is known about an ИНН: the merged pre-fill and whether the registry is loaded."""

    inn: str
    prefill: Prefill
    loaded: bool
    registry_found: bool
    state_date: date | None
    region: str | None


async def registry_loaded(session: AsyncSession) -> bool:
    """Whether a release of the SME registry is loaded; the ИНН step is offered only then.

    Without the registry nothing can be filled, so asking for the ИНН would only cost a step
    (DaData, when configured, completes the registry; it does not replace it). Runs in a
    savepoint so a missing table cannot undo the caller's transaction.
    """
    try:
        async with session.begin_nested():
            found = await session.scalar(
                select(RegistryImport.id).where(RegistryImport.dataset == "rsmp").limit(1)
            )
    except (OperationalError, ProgrammingError):
        return False
    return found is not None


async def find(session: AsyncSession, inn: str, dadata: PartyFinder | None, today: date) -> Lookup:
    """The registry's answer, completed from DaData when a client is given and answers in time."""
    entry = await lookup_inn(session, inn)
    registry = prefill_from_registry(entry)
    loaded = entry.registry_state_date is not None or entry.company is not None
    prefill = registry
    if dadata is not None:
        answer = await dadata.find_party(inn)
        if answer is not None:
            prefill = merge(registry, prefill_from_dadata(answer, today))
    return Lookup(inn, prefill, loaded, entry.company is not None, entry.registry_state_date, entry.registry_region)


def offered(prefill: Prefill, answers: Mapping[str, Any]) -> list[tuple[str, Any, date | None]]:
    """(field, value, as of — when older than the release) of what to show and pre-fill, in a fixed order."""
    out: list[tuple[str, Any, date | None]] = []
    for name in OFFERED:
        if name not in prefill.values or name in prefill.to_confirm or answers.get(name) is not None:
            continue
        when = prefill.as_of.get(name)
        out.append((name, prefill.values[name], when if when is not None and when != prefill.state_date else None))
    return out


def chosen_values(lookup_values: Mapping[str, Any], wrong: set[str]) -> dict[str, Any]:
    """The values to pre-fill: all offered except those marked wrong."""
    return {name: value for name, value in lookup_values.items() if name not in wrong}
