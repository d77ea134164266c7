"""The streaming reader of the МСП registry on synthetic releases in the official envelope."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rules.registry.release import parse_release_name
from rules.registry.sme_xml import sme_reader, unknown_form_versions
from rules.registry.synthetic import write_sme_release
from tests.registry.fixtures import (
    ALL_INNS,
    LENIENT,
    MEMBER_1,
    MEMBER_2,
    MOSCOW_INNS,
    OFFICIAL,
    SECOND,
    write_release,
)


def _read(path: Path, region: str | None = None) -> tuple[dict[str, object], object]:
    reader = sme_reader(path, region=region)
    records = {r.inn: r for r in reader}
    return records, reader.stats


def test_all_records_and_fields(tmp_path: Path) -> None:
    records, stats = _read(write_release(tmp_path / "r.zip", {MEMBER_1: OFFICIAL}))
    assert set(records) == ALL_INNS
    org = records["7700000016"]
    assert org.subject_kind == 1 and org.sme_category == 2 and org.headcount == 42
    assert org.name == 'ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "ТЕСТ-ИННОВАЦИИ"'
    assert org.short_name == 'ООО "ТЕСТ-ИННОВАЦИИ"'
    assert org.ogrn == "1027700000008"
    assert org.okved_main == "62.01" and org.okved_version == "2014" and org.okved_extra == ("72.19",)
    assert org.region_code == "77" and org.locality == "ГОРОД МОСКВА"
    assert org.state_date == date(2026, 9, 10) and org.included_at == date(2016, 8, 10)
    assert stats.docs_seen == 4 and stats.docs_malformed == 0 and stats.form_versions == {"4.05"}


def test_flags(tmp_path: Path) -> None:
    records, _ = _read(write_release(tmp_path / "r.zip", {MEMBER_1: OFFICIAL}))
    assert records["7700000016"].has_innovative_product is True
    assert all(records[i].has_innovative_product is None for i in ALL_INNS - {"7700000016"})
    assert records["7700000023"].is_social is True and records["7700000023"].is_new is True
    assert records["7700000016"].is_social is False and records["7700000016"].is_new is False


def test_sole_proprietor_has_no_headcount_and_no_name(tmp_path: Path) -> None:
    records, _ = _read(write_release(tmp_path / "r.zip", {MEMBER_1: OFFICIAL}))
    ip = records["500000000029"]
    assert ip.subject_kind == 2 and ip.headcount is None
    assert ip.name is None and ip.short_name is None
    assert "ТЕСТОВ" not in repr(ip)  # the ФИО is never read
    assert ip.locality == "ОБЛАСТЬ МОСКОВСКАЯ, ГОРОД ХИМКИ"


def test_moscow_filter_keeps_three_of_four(tmp_path: Path) -> None:
    records, stats = _read(write_release(tmp_path / "r.zip", {MEMBER_1: OFFICIAL}), region="77")
    assert set(records) == MOSCOW_INNS
    assert stats.docs_kept == 3 and stats.docs_filtered_out == 1


def test_okved_2001_is_kept_with_its_version(tmp_path: Path) -> None:
    records, _ = _read(write_release(tmp_path / "r.zip", {MEMBER_1: OFFICIAL}))
    assert records["770000000082"].okved_version == "2001"


def test_headcount_as_child_element_and_unknown_version(tmp_path: Path) -> None:
    records, stats = _read(write_release(tmp_path / "r.zip", {MEMBER_1: LENIENT}))
    assert records["7700000016"].headcount == 43
    assert records["7700000016"].okved_main == "62.01"  # the unknown СвОКВЭДотч block is ignored
    assert stats.form_versions == {"4.06"}
    assert unknown_form_versions(stats.form_versions) == {"4.06"}
    assert stats.docs_malformed == 0


def test_malformed_member_is_skipped_and_counted(tmp_path: Path) -> None:
    broken = OFFICIAL[: len(OFFICIAL) // 2] + "<Документ <<< oops"
    path = write_release(tmp_path / "r.zip", {MEMBER_1: broken, MEMBER_2: SECOND, "readme.txt": "не XML"})
    records, stats = _read(path)
    assert stats.members == 2 and stats.members_failed == 1 and stats.members_skipped == 1
    assert MEMBER_1 in stats.failures[0]
    assert {"7707083893", "500000000029"} <= set(records)  # the good member is read in full


def test_malformed_records_are_skipped_and_counted(tmp_path: Path) -> None:
    bad = (
        OFFICIAL.replace('ИННЮЛ="7700000023"', 'ИННЮЛ="7700000024"').replace(  # bad check digit
            'КодРегион="50"', 'КодРегион=""'
        )  # no region
    )
    records, stats = _read(write_release(tmp_path / "r.zip", {MEMBER_1: bad}))
    assert set(records) == {"7700000016", "770000000082"}
    assert stats.docs_malformed == 2 and stats.docs_seen == 4


def test_windows_1251_member_is_read_by_its_declaration(tmp_path: Path) -> None:
    body = OFFICIAL.replace('encoding="UTF-8"', 'encoding="windows-1251"').encode("cp1251")
    records, _ = _read(write_release(tmp_path / "r.zip", {MEMBER_1: body}))
    assert records["7700000016"].short_name == 'ООО "ТЕСТ-ИННОВАЦИИ"'


def test_progress_reaches_the_declared_total(tmp_path: Path) -> None:
    path = tmp_path / "big.zip"
    write_sme_release(path, 3000, docs_per_member=1000)
    seen: list[float] = []
    reader = sme_reader(path, on_progress=lambda s: seen.append(s.bytes_done / s.bytes_total))
    assert sum(1 for _ in reader) == 3000
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert reader.stats.docs_kept == 3000


def test_release_name() -> None:
    name = parse_release_name("/x/data-10092026-structure-12052026.zip")
    assert name.data_date == date(2026, 9, 10) and name.structure == "12052026"
    assert parse_release_name("my.zip").data_date is None
