# The bot image: `navigator run` (polling, or a webhook when WEBHOOK_URL is set).
# Data files (measures.yaml, events.yaml, places.yaml) live in /app and can be mounted over.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WEBHOOK_PORT=8080 \
    HEALTH_PORT=8080
# One port either way: the webhook and /healthz /readyz /metrics in webhook mode, and
# /healthz /readyz /metrics alone in polling mode.

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY rules ./rules
COPY db ./db
RUN pip install . && useradd --system --uid 10001 --home-dir /app navigator

COPY measures.yaml events.yaml places.yaml ./
RUN mkdir -p /app/data && chown navigator /app/data
USER navigator

EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2)"
CMD ["navigator", "run"]
