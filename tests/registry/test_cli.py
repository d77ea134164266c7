"""``navigator registry import`` / ``lookup`` end to end on a migrated SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.registry.fixtures import MEMBER_1, OFFICIAL, write_release


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'navigator.db'}"


@pytest.fixture
def loaded(url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = write_release(tmp_path / "data-10092026-structure-10062025.zip", {MEMBER_1: OFFICIAL})
    assert main(["registry", "import", str(path), "--database-url", url]) == 0
    out = capsys.readouterr()
    assert "в базе 3 записей по состоянию на 10.09.2026" in out.out  # SQLite: the Moscow slice
    assert "регион 77" in out.err and "[" not in out.err  # no progress bar when not a terminal
    return url


def test_lookup_found(loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["registry", "lookup", "7700000016", "--database-url", loaded]) == 0
    out = capsys.readouterr().out
    assert "По данным реестра МСП на 10.09.2026" in out
    assert "малое предприятие" in out and "62.01" in out and "42 чел." in out
    assert "инновационную продукцию" in out


def test_lookup_found_json(loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["registry", "lookup", "770000000082", "--json", "--database-url", loaded]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["found"] and data["state_date"] == "2026-09-10" and data["region_slice"] == "77"
    assert data["company"]["name"] is None  # no ФИО of an ИП
    assert data["prefill"]["values"]["applicant_type"] == "sole_proprietor"
    assert "okved_main" not in data["prefill"]["values"]  # ОКВЭД 2001


def test_lookup_not_found_explains(loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["registry", "lookup", "7707083893", "--database-url", loaded]) == 1
    out = capsys.readouterr().out
    assert "не найден" in out and "10.09.2026" in out
    assert "зарегистрированы недавно" in out and "исключена из реестра" in out and "не относится к МСП" in out


def test_lookup_bad_check_digit(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["registry", "lookup", "7707083894", "--database-url", url]) == 2
    assert "контрольная цифра" in capsys.readouterr().err
    assert main(["registry", "lookup", "77070838", "--json", "--database-url", url]) == 2
    data = json.loads(capsys.readouterr().out)
    assert data == {"inn": "77070838", "valid": False, "problem": "wrong_length", "message": data["message"]}
    assert "8 цифр" in data["message"]


def test_lookup_before_any_import(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["registry", "lookup", "7707083893", "--database-url", url]) == 1
    assert "не загружен" in capsys.readouterr().out


def test_progress_bar_on_request(url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_release(tmp_path / "r.zip", {MEMBER_1: OFFICIAL})
    assert main(["registry", "import", str(path), "--all", "--progress", "--database-url", url]) == 0
    captured = capsys.readouterr()
    assert "100.0 %" in captured.err and "зап/с" in captured.err and "осталось" in captured.err
    assert "в базе 4 записей" in captured.out


def test_import_of_a_damaged_file_fails_cleanly(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_release(tmp_path / "r.zip", {MEMBER_1: "<Файл"})
    assert main(["registry", "import", str(path), "--database-url", url]) == 1
    assert "Данные не изменены" in capsys.readouterr().err
    assert main(["registry", "import", str(tmp_path / "missing.zip"), "--database-url", url]) == 2


@pytest.mark.parametrize("kind", ["html", "truncated"])
def test_a_page_saved_as_zip_or_a_cut_download_is_refused_in_one_line(
    loaded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    if kind == "html":
        path = tmp_path / "data-11102026-structure-10062025.zip"
        path.write_text("<html><body>Доступ ограничен</body></html>", encoding="utf-8")
    else:
        whole = write_release(tmp_path / "full.zip", {MEMBER_1: OFFICIAL}).read_bytes()
        path = tmp_path / "data-11102026-structure-10062025.zip"
        path.write_bytes(whole[: len(whole) // 2])
    capsys.readouterr()
    assert main(["registry", "import", str(path), "--database-url", loaded]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Данные не изменены" in err
    assert len([line for line in err.splitlines() if "ZIP" in line]) == 1
    assert main(["registry", "lookup", "7700000016", "--database-url", loaded]) == 0  # the previous data stays
