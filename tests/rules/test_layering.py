"""`rules/` is the pure domain: it imports no framework and none of our adapters (DESIGN 2)."""

from __future__ import annotations

import ast
from pathlib import Path

RULES = Path(__file__).resolve().parents[2] / "rules"
FORBIDDEN = {"aiogram", "sqlalchemy", "alembic", "aiohttp", "redis", "asyncpg", "aiosqlite", "pydantic",
             "pydantic_settings", "prometheus_client", "bot", "db", "os.environ"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os" \
                and node.attr == "environ":
            out.add("os.environ")
    return out


def test_rules_imports_no_framework() -> None:
    offenders = {}
    files = list(RULES.rglob("*.py"))
    assert files, "rules/ has no modules?"
    for path in files:
        bad = _imports(path) & FORBIDDEN
        if bad:
            offenders[str(path.relative_to(RULES.parent))] = sorted(bad)
    assert not offenders, offenders


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("import aiogram\nfrom sqlalchemy.orm import Session\nimport os\nx = os.environ['A']\n")
    assert _imports(sample) >= {"aiogram", "sqlalchemy", "os.environ"}
