"""End to end: ``python -m bot`` as a process, long polling a Bot-API-compatible server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.support.fake_bot_api import FakeBotApi, button_data

DATA = Path(__file__).parent / "data"
SECRET = "ООО «Ромашка», ИНН 7707083893"
ROOT = Path(__file__).resolve().parents[2]


def bot_env(tmp_path: Path, api_url: str | None, token: str = "42:TEST") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_URL", "TELEGRAM_API_URL")}
    env.update(
        BOT_TOKEN=token,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        MEASURES_PATH=str(DATA / "measures.yaml"),
        QUESTIONNAIRE_PATH=str(DATA / "questionnaire.yaml"),
        PYTHONUNBUFFERED="1",
    )
    if api_url:
        env["TELEGRAM_API_URL"] = api_url
    return env


@pytest.mark.slow
async def test_python_m_bot_walks_start_to_first_answer(tmp_path: Path) -> None:
    api = FakeBotApi()
    url = await api.start()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=bot_env(tmp_path, url),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await api.wait_for("setMyCommands", "", timeout=60)
        api.push_text(777, "/start cluster_troitsk")
        welcome = await api.wait_for("sendMessage", "152-ФЗ")
        api.push_click(777, welcome["_message"], button_data(welcome, "Согласен, начнём"))
        first = await api.wait_for("editMessageText", "Вопрос 1 из")
        api.push_click(777, first["_message"], button_data(first, "▫️ Грант"))
        await api.wait_for("editMessageReplyMarkup", "")
        api.push_click(777, first["_message"], button_data(first, "Готово"))
        await api.wait_for("editMessageText", "Кто получает поддержку?")
        seen = len(api.calls)
        secret_update = api.push_text(777, SECRET)  # what a user types must never reach the logs
        await api.wait_for_call_after(seen)  # the bot has handled it (and logged whatever it logs)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 20)
        except TimeoutError:
            process.kill()
            await process.wait()
        output = (await process.stdout.read()).decode() if process.stdout else ""
        await api.stop()
    assert process.returncode == 0, output
    assert f"id={secret_update}" in output, output  # the update was logged, by its id …
    assert "Ромашка" not in output and "7707083893" not in output, output  # … not by what the user typed
    assert "152-ФЗ" not in output  # nor by what the bot sent
    assert (tmp_path / "bot.db").exists()


@pytest.mark.slow
async def test_missing_token_points_to_the_console(tmp_path: Path) -> None:
    env = bot_env(tmp_path, None, token="")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and "navigator console" in lines[0]
