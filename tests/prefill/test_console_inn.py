"""`navigator console` pre-fills from the local registry: a real subprocess, a temporary
DATABASE_URL with a synthetic release imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from db.engine import create_engine
from tests.bot.conftest import DATA
from tests.prefill.registry_seed import seed_registry
from tests.support.databases import migrate

ROOT = Path(__file__).resolve().parents[2]


def console(database_url: str, answers: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DADATA_API_KEY",)}
    env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "console", "--measures", str(DATA / "measures.yaml"),
         "--questionnaire", str(DATA / "questionnaire.yaml")],
        input=answers, capture_output=True, text=True, timeout=120, env=env, cwd=ROOT,
    )


async def test_console_prefills_from_the_registry_and_asks_fewer_questions(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'navigator.db'}"
    await migrate(url)
    engine = create_engine(url)
    try:
        await seed_registry(engine, tmp_path)
    finally:
        await engine.dispose()

    # needs: грант + заём; компания; a typo, then the ИНН; «1 — да»; age; no tax debt; quit.
    proc = console(url, "1,2\n1\n7700000017\n7700000016\n1\n24\n2\n\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Знаете ИНН? Введите — заполним анкету сами (Enter — пропустить)." in out
    assert "контрольная цифра" in out
    assert "По данным реестра МСП на 10.09.2026: малое предприятие, ОКВЭД 62.01, Москва" in out
    assert "Всё верно? 1 — да, 2 — нет" in out
    assert "Бизнес зарегистрирован в Москве?" not in out and "Сколько сотрудников?" not in out
    assert "Доход за прошлый год" not in out
    assert "Сколько месяцев компании?" in out and "Готово." in out

    # «2 — нет»: nothing but the ИНН is pre-filled, so the questions come back.
    proc = console(url, "1,2\n1\n7700000016\n2\n1\n12\n85\n24\n2\n\n")
    assert proc.returncode == 0, proc.stderr
    assert "Бизнес зарегистрирован в Москве?" in proc.stdout and "Сколько сотрудников?" in proc.stdout

    # Enter skips.
    proc = console(url, "1,2\n1\n\n1\n")
    assert "Бизнес зарегистрирован в Москве?" in proc.stdout


def test_console_without_a_registry_says_so_and_goes_on(tmp_path: Path) -> None:
    proc = console(f"sqlite+aiosqlite:///{tmp_path / 'absent.db'}", "1,2\n1\n1\n")
    assert proc.returncode == 0, proc.stderr
    assert "Реестр МСП не загружен" in proc.stdout
    assert "Знаете ИНН" not in proc.stdout  # no input is consumed by the step
    assert "Бизнес зарегистрирован в Москве?" in proc.stdout
    assert not (tmp_path / "absent.db").exists()  # a lookup never creates a database
