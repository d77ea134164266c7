"""compose.yaml, the Dockerfile and nginx.conf agree with each other and with the settings.

Docker cannot run here, so this checks what can go wrong silently: YAML that does not parse,
services missing, an env var the bot does not read, a port or path that does not line up.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_has_two_bots_postgres_redis_with_healthchecks() -> None:
    services = compose()["services"]
    assert {"bot1", "bot2", "postgres", "redis", "migrate", "nginx"} <= set(services)
    assert services["postgres"]["image"] == "postgres:16" and services["redis"]["image"] == "redis:7"
    for name in ("bot1", "bot2", "postgres", "redis"):
        assert "healthcheck" in services[name], name
    for name in ("bot1", "bot2"):
        bot = services[name]
        assert bot["build"] == "."
        assert bot["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        env = bot["environment"]
        assert env["DATABASE_URL"].startswith("postgresql+asyncpg://") and env["REDIS_URL"].startswith("redis://")
        known = {name.upper() for name in Settings.model_fields}
        assert set(env) <= known, set(env) - known  # every variable is one the bot reads


def test_nginx_upstream_points_at_the_bots_on_their_port() -> None:
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    port = compose()["services"]["bot1"]["environment"]["WEBHOOK_PORT"]
    assert f"server bot1:{port}" in conf and f"server bot2:{port}" in conf
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in compose()["services"]["nginx"]["volumes"]


def test_dockerfile_runs_the_package_as_a_non_root_user() -> None:
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    assert lines[lines.index(next(line for line in lines if line.startswith("FROM")))] == "FROM python:3.11-slim"
    assert any(line.startswith("RUN pip install .") for line in lines)
    user = next(line for line in lines if line.startswith("USER "))
    assert user != "USER root" and lines.index(user) < lines.index('CMD ["navigator", "run"]')
    envs = {part.split("=")[0] for line in lines if line.startswith(("ENV", "WEBHOOK_", "HEALTH_"))
            for part in line.removeprefix("ENV ").rstrip(" \\").split() if "=" in part}
    assert {"WEBHOOK_PORT", "HEALTH_PORT"} <= envs  # the health check's port in both modes
    for source in ("bot", "rules", "db", "pyproject.toml", "measures.yaml"):
        assert (ROOT / source).exists(), source
