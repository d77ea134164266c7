"""JSON logs: one object per line with the update, user and ticket ids; only the log message."""

from __future__ import annotations

import io
import json
import logging

from bot.telegram.observability.logging_json import JsonFormatter, log_context


def test_a_line_carries_the_ids_of_its_context_and_extra() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.scale.json")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with log_context(update_id=17, user_id=555, ticket_id=None):
            logger.warning("ticket %s relayed", 9, extra={"ticket_id": 9})
        logger.warning("outside")
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    first, second, third = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["update_id"] == 17 and first["user_id"] == 555 and first["ticket_id"] == 9
    assert first["msg"] == "ticket 9 relayed" and first["level"] == "WARNING"
    assert "update_id" not in second  # the context ended with its block
    assert "ValueError: boom" in third["exc"]
