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
from xml.etree.ElementTree import Element

from rules.identifiers import check_inn
from rules.registry.records import HeadcountRecord, IncomeRecord
from rules.registry.stream import ReleaseReader, StreamStats, parse_amount, parse_date, parse_int

R = TypeVar("R")


class _OpenDataHandler(Generic[R]):
    """Shared walk of the envelope; subclasses say which payload element they read."""

    payload_element = ""

    def __init__(self, stats: StreamStats) -> None:
        self._stats = stats
        self._records: list[R] = []

    def on_file(self, attrs: dict[str, str]) -> None:
        self._stats.form_versions.add(attrs.get("ВерсФорм", "?"))
        self._stats.info_types.add(attrs.get("ТипИнф", "?"))

    def on_document(self, document: Element) -> None:
        stats = self._stats
        stats.docs_seen += 1
        inn: str | None = None
        payload: dict[str, str] | None = None
        for child in document:
            if child.tag == "СведНП":
                inn = child.get("ИННЮЛ")
            elif child.tag == self.payload_element:
                payload = child.attrib
        if inn is None or payload is None or not check_inn(inn).valid or len(inn) != 10:
            stats.docs_malformed += 1
            return
        as_of = parse_date(document.get("ДатаСост"))
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
