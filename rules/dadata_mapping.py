"""DaData ``findById/party`` answer → profile fields, and merging it under the registry's.

What is decided here (research registry-prefill §3.2):
- Only the first suggestion counts (the request asks for ``branch_type=MAIN``).
- ``company_age_months`` from ``data.state.registration_date`` (milliseconds since the epoch,
  UTC), counted in whole months up to ``today``. The open registry does not have this date.
- ``registered_in_moscow`` from ``data.address.data.region_iso_code == "RU-MOW"`` (or a
  ``region_kladr_id`` starting with 77); like the registry's region it is a default to
  confirm when it is not Moscow.
- ``okved_main`` only for an ОКВЭД 2 (``okved_type`` 2014) code.
- ``applicant_type`` from ``data.type`` (LEGAL / INDIVIDUAL).
- The status (ACTIVE, LIQUIDATING, …) is a fact to show, not a profile field.
- The registry is the legal source for the SME category, so DaData only fills gaps: a value
  the registry already gave is never replaced (``merge``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from rules.okved import parse_okved
from rules.prefill import Prefill

DADATA_TYPES = {"LEGAL": "legal_entity", "INDIVIDUAL": "sole_proprietor"}
MOSCOW_ISO = "RU-MOW"
STATUS_LABELS = {
    "ACTIVE": "действующая",
    "LIQUIDATING": "ликвидируется",
    "LIQUIDATED": "ликвидирована",
    "BANKRUPT": "банкротство",
    "REORGANIZING": "в процессе реорганизации",
}


def _ms_date(value: Any) -> date | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return datetime.fromtimestamp(value / 1000, tz=UTC).date()
    except (OverflowError, OSError, ValueError):
        return None


def months_between(start: date, today: date) -> int:
    """Whole months from ``start`` to ``today`` (0 if ``start`` is in the future)."""
    months = (today.year - start.year) * 12 + today.month - start.month
    if today.day < start.day:
        months -= 1
    return max(months, 0)


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def prefill_from_dadata(response: Mapping[str, Any], today: date) -> Prefill:
    """Map a ``findById/party`` JSON answer onto profile fields (empty if nothing was found)."""
    suggestions = response.get("suggestions")
    if not isinstance(suggestions, list) or not suggestions:
        return Prefill()
    data = _dict(_dict(suggestions[0]).get("data"))
    values: dict[str, Any] = {}
    as_of: dict[str, date | None] = {}
    to_confirm: set[str] = set()
    facts: dict[str, Any] = {}
    state = _dict(data.get("state"))
    actual = _ms_date(state.get("actuality_date")) or today

    def put(name: str, value: Any) -> None:
        if value is not None:
            values[name] = value
            as_of[name] = actual

    if isinstance(data.get("inn"), str):
        put("inn", data["inn"])
    put("applicant_type", DADATA_TYPES.get(str(data.get("type"))))
    registered = _ms_date(state.get("registration_date")) or _ms_date(data.get("ogrn_date"))
    if registered is not None:
        put("company_age_months", months_between(registered, today))
        facts["registration_date"] = registered
    status = state.get("status")
    if isinstance(status, str) and status:
        facts["status"] = status
    okved = data.get("okved")
    if isinstance(okved, str) and str(data.get("okved_type", "2014")) == "2014":
        put("okved_main", parse_okved(okved))
    address = _dict(_dict(data.get("address")).get("data"))
    iso, kladr = address.get("region_iso_code"), address.get("region_kladr_id")
    if isinstance(iso, str) or isinstance(kladr, str):
        moscow = iso == MOSCOW_ISO or (isinstance(kladr, str) and kladr.startswith("77"))
        put("registered_in_moscow", moscow)
        if not moscow:
            to_confirm.add("registered_in_moscow")
    return Prefill(values, as_of, frozenset(to_confirm), facts, actual)


def merge(registry: Prefill, online: Prefill) -> Prefill:
    """The registry's values, with the gaps filled from DaData; facts of both."""
    if not online.values and not online.facts:
        return registry
    values = dict(registry.values)
    as_of = dict(registry.as_of)
    to_confirm = set(registry.to_confirm)
    for name, value in online.values.items():
        if name not in values:
            values[name] = value
            as_of[name] = online.as_of.get(name)
            if name in online.to_confirm:
                to_confirm.add(name)
    facts = {**online.facts, **registry.facts}
    return Prefill(values, as_of, frozenset(to_confirm), facts, registry.state_date or online.state_date)
