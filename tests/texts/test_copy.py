"""All Russian copy (bot/texts) is text Telegram accepts: well-formed HTML with supported tags,
within the message limit, button labels short enough to read on a phone."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import bot.texts
from tests.support.telegram import check_html

MODULES = [importlib.import_module(m.name) for m in pkgutil.iter_modules(bot.texts.__path__, "bot.texts.")]
CONSTANTS = [
    pytest.param(value, id=f"{module.__name__.rsplit('.', 1)[1]}.{name}")
    for module in MODULES
    for name, value in vars(module).items()
    if name.isupper() and isinstance(value, str)
]


def test_every_topic_module_holds_copy() -> None:
    assert len(MODULES) >= 9 and len(CONSTANTS) > 50


@pytest.mark.parametrize("text", CONSTANTS)
def test_a_constant_is_telegram_html_within_the_limit(text: str) -> None:
    assert text.strip(), "empty copy"
    assert check_html(text) <= 4096


@pytest.mark.parametrize("text", [p for p in CONSTANTS if p.id.split(".", 1)[1].startswith("BUTTON_")])
def test_a_button_label_fits_a_phone(text: str) -> None:
    assert len(text) <= 40
