"""Operations: metrics, health and readiness, log context (DESIGN 7; research §7)."""
