"""Shared test helpers, one of each: the recording Bot API session and chat client
(``telegram``), the settings factory (``settings``), the simulated clock (``clock``), real
databases (``databases``), the service check that fails a run once when PostgreSQL or Redis is
down (``services``) and the Bot-API-compatible HTTP server for process tests (``fake_bot_api``).

Tests import from here. The old paths (``tests/bot/telegram.py``, ``tests/handoff/recording.py``,
``tests/db/databases.py``, ``tests/bot/fake_bot_api.py``) are thin re-exports kept for branches
written against them.
"""
