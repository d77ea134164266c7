"""Use-cases: plain data in and out; import rules and db, never aiogram (DESIGN §2)."""
