"""The outbox worker and its pacer (DESIGN 7): persisted first, sent within Telegram's limits."""
