"""The annual ФНС sets joined by ИНН: «revexp» (income, expenses) and «sshr2019» (headcount).

Common envelope (research registry-prefill §2): ``Файл / Документ @ДатаСост / СведНП @ИННЮЛ``
plus one payload element, ``СведДохРасх @СумДоход @СумРасход`` or ``СведССЧР @КолРаб``.
Both cover legal entities only, so a record without a valid 10-digit ИНН is malformed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Generic, TypeVar

from rules.identifiers import check_inn
from rules.registry.records import HeadcountRecord, IncomeRecord
from rules.registry.stream import ReleaseReader, StreamStats, parse_amount, parse_date, parse_int

R = TypeVar("R")


class _OpenDataHandler(Generic[R]):
    """Shared walk of the envelope; subclasses say which payload element they read."""

    payload_element = ""

    def __init__(self, stats: StreamStats) -> None:
        self._stats = stats
        self._doc: dict[str, str] | None = None
        self._inn: str | None = None
        self._payload: dict[str, str] | None = None
        self._records: list[R] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "Документ":
            self._doc, self._inn, self._payload = attrs, None, None
        elif self._doc is None:
            if name == "Файл":
                self._stats.form_versions.add(attrs.get("ВерсФорм", "?"))
                self._stats.info_types.add(attrs.get("ТипИнф", "?"))
        elif name == "СведНП":
            self._inn = attrs.get("ИННЮЛ")
        elif name == self.payload_element:
            self._payload = attrs

    def end(self, name: str) -> None:
        if name != "Документ" or self._doc is None:
            return
        stats = self._stats
        stats.docs_seen += 1
        inn, payload, doc = self._inn, self._payload, self._doc
        self._doc = None
        if inn is None or len(inn) != 10 or not check_inn(inn).valid or payload is None:
            stats.docs_malformed += 1
            return
        as_of = parse_date(doc.get("ДатаСост"))
        stats.see_state_date(as_of)
        stats.docs_kept += 1
        self._records.append(self._make(inn, payload, as_of))

    def _make(self, inn: str, payload: dict[str, str], as_of: date | None) -> R:
        raise NotImplementedError

    def take(self) -> list[R]:
        records, self._records = self._records, []
        return records


class IncomeHandler(_OpenDataHandler[IncomeRecord]):
    payload_element = "СведДохРасх"

    def _make(self, inn: str, payload: dict[str, str], as_of: date | None) -> IncomeRecord:
        return IncomeRecord(
            inn,
            parse_amount(payload.get("СумДоход")),
            parse_amount(payload.get("СумРасход")),
            as_of,
        )


class HeadcountHandler(_OpenDataHandler[HeadcountRecord]):
    payload_element = "СведССЧР"

    def _make(self, inn: str, payload: dict[str, str], as_of: date | None) -> HeadcountRecord:
        return HeadcountRecord(inn, parse_int(payload.get("КолРаб")), as_of)


def income_reader(
    path: Path | str, *, on_progress: Callable[[StreamStats], None] | None = None
) -> ReleaseReader[IncomeRecord]:
    return ReleaseReader(path, IncomeHandler, on_progress=on_progress)


def headcount_reader(
    path: Path | str, *, on_progress: Callable[[StreamStats], None] | None = None
) -> ReleaseReader[HeadcountRecord]:
    return ReleaseReader(path, HeadcountHandler, on_progress=on_progress)
