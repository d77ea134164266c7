"""Handoff to ЦКР consultants: tickets in the staff supergroup, relayed both ways through the outbox."""
