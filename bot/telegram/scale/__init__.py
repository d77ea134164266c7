"""Scale-out: the backends that let several instances share one user's state (DESIGN 7).

``backends.choose`` picks in-memory (embedded) or Redis (scaled) from ``REDIS_URL`` alone.
"""
