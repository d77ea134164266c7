"""``navigator webhook set|info`` against the fake Bot API: secret, allowed updates, no drop."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from tests.scale.fake_api import ScaleFakeApi


async def navigator(*args: str, env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", *args, env=env, cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, out.decode(), err.decode()


@pytest.mark.slow
async def test_webhook_set_registers_url_secret_and_update_types_then_info_shows_it(tmp_path: Path) -> None:
    api = ScaleFakeApi()
    url = await api.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "WEBHOOK_"))}
    env.update(BOT_TOKEN="42:TEST", TELEGRAM_API_URL=url, WEBHOOK_URL="https://bot.example.org/tg/hook")
    try:
        code, _out, err = await navigator("webhook", "set", env=env, cwd=tmp_path)
        assert code == 2 and "WEBHOOK_SECRET" in err  # never without a secret
        env["WEBHOOK_SECRET"] = "abc_DEF-123"
        code, out, err = await navigator("webhook", "set", env=env, cwd=tmp_path)
        assert code == 0, err
        assert "Вебхук установлен" in out
        assert api.webhook["url"] == "https://bot.example.org/tg/hook"
        assert api.webhook["secret_token"] == "abc_DEF-123"
        assert api.webhook["drop_pending_updates"] == "false"
        assert set(json.loads(api.webhook["allowed_updates"])) >= {"message", "callback_query"}
        code, out, err = await navigator("webhook", "info", env=env, cwd=tmp_path)
        assert code == 0, err
        assert "https://bot.example.org/tg/hook" in out and "Ждут доставки: 3" in out
    finally:
        await api.stop()
