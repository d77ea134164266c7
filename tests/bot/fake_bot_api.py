"""Re-export shim: the fake Bot API server lives in ``tests.support.fake_bot_api``. Import from there."""

from tests.support.fake_bot_api import BOT, FakeBotApi, button_data

__all__ = ["BOT", "FakeBotApi", "button_data"]
