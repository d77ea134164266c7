"""Staff-facing presentation: statistics as a Telegram message and as the monthly HTML report."""
