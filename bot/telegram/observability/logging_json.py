"""Structured logs: one JSON object per line, with the ids that tie a line to an update.

``log_context(update_id=…, user_id=…, ticket_id=…)`` puts ids into a context variable, so every
line logged while an update is processed carries them, whoever logs it; ``extra={"ticket_id": …}``
works too. Only ids and the log message go out — handlers log ids, never message text, and this
formatter adds no fields from the update itself.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

CONTEXT_FIELDS = ("update_id", "user_id", "ticket_id")
_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("navigator_log_context", default=None)


@contextlib.contextmanager
def log_context(**ids: Any) -> Iterator[None]:
    """Add ids (None values ignored) to every log line inside the block."""
    merged = {**(_context.get() or {}), **{key: value for key, value in ids.items() if value is not None}}
    token = _context.set(merged)
    try:
        yield
    finally:
        _context.reset(token)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update(_context.get() or {})
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(log_format: str = "text", level: int = logging.INFO) -> None:
    """The process's one logging set-up: ``text`` for people, ``json`` for log collectors."""
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
