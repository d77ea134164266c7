"""The wings of DESIGN §2, enforced on the import graph of ``rules``, ``db`` and ``bot``.

Layers, lowest first: rules → db → services → texts → telegram → cli. A module may import its
own wing and the wings below it, never above: ``rules`` imports nothing of ours, ``db`` only
``rules``, ``bot.services`` only ``rules``/``db``/``bot.config`` (and never aiogram), ``bot.texts``
plain values and domain types (no aiogram, no SQLAlchemy), ``bot.telegram`` everything below it,
and ``bot.cli`` reaches the Telegram wing only from ``run`` and ``webhook``. ``bot.config`` is the
only reader of the environment. Handlers run no SQL (``bot.telegram.routers`` imports no query
builders), and the graph has no cycles. The checker is itself tested on planted violations.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("rules", "db", "bot")

LAYER = {"rules": 0, "db": 1, "bot.config": 1, "bot.services": 2, "bot.texts": 3, "bot.telegram": 4,
         "bot.cli": 5, "bot": 6}
# What each wing may import besides lower layers' rules above; None = any lower layer.
ALLOWED: dict[str, frozenset[str]] = {
    "rules": frozenset({"rules"}),
    "db": frozenset({"db", "rules"}),
    "bot.config": frozenset({"bot.config"}),
    "bot.services": frozenset({"bot.services", "bot.config", "db", "rules"}),
    "bot.texts": frozenset({"bot.texts", "bot.services", "db", "rules"}),
    "bot.telegram": frozenset({"bot.telegram", "bot.texts", "bot.services", "bot.config", "db", "rules"}),
    "bot.cli": frozenset({"bot.cli", "bot.texts", "bot.services", "bot.config", "db", "rules"}),
    "bot": frozenset({"bot.cli"}),
}
CLI_TELEGRAM_DOORS = frozenset({"bot.cli.run", "bot.cli.webhook"})
FRAMEWORKS = {
    "rules": {"aiogram", "sqlalchemy", "alembic", "aiohttp", "redis", "asyncpg", "aiosqlite", "pydantic",
              "pydantic_settings", "prometheus_client"},
    "db": {"aiogram", "aiohttp", "redis", "pydantic_settings"},
    "bot.services": {"aiogram"},
    "bot.texts": {"aiogram", "sqlalchemy"},
}
QUERY_BUILDERS = {"select", "insert", "update", "delete", "text", "func"}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int


def wing(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] in ("rules", "db"):
        return parts[0]
    if parts[0] != "bot":
        return None
    if len(parts) > 1 and f"bot.{parts[1]}" in LAYER:
        return f"bot.{parts[1]}"
    return "bot"


def modules(root: Path, packages: Iterable[str] = PACKAGES) -> dict[str, Path]:
    found = {}
    for package in packages:
        for path in (root / package).rglob("*.py"):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def imports(module: str, path: Path, known: dict[str, Path]) -> Iterator[tuple[str, int, tuple[str, ...]]]:
    """(imported module, line, imported names) for every import, relative ones resolved."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno, ()
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if path.name != "__init__.py":
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = tuple(alias.name for alias in node.names)
            submodules = [name for name in names if f"{target}.{name}" in known]
            for name in submodules:  # `from bot.texts import bot` imports the module bot.texts.bot
                yield f"{target}.{name}", node.lineno, ()
            if len(submodules) < len(names):
                yield target, node.lineno, names


def environment_reads(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os" \
                and node.attr in ("environ", "getenv"):
            lines.append(node.lineno)
    return lines


def violations(root: Path) -> list[str]:
    known = modules(root)
    problems: list[str] = []
    graph: dict[str, set[str]] = {name: set() for name in known}
    for module, path in known.items():
        source = wing(module)
        assert source is not None
        where = f"{path.relative_to(root)}"
        for target, line, names in imports(module, path, known):
            top = target.split(".")[0]
            if top in FRAMEWORKS.get(source, set()):
                problems.append(f"{where}:{line}: {source} imports the framework {target}")
            if module.startswith("bot.telegram.routers") and top == "sqlalchemy" \
                    and QUERY_BUILDERS & set(names):
                problems.append(f"{where}:{line}: a handler builds SQL ({', '.join(names)}); use a repository")
            target_wing = wing(target)
            if target_wing is None:
                continue
            if target in known:
                graph[module].add(target)
            if target_wing == "bot.telegram" and source == "bot.cli" and module in CLI_TELEGRAM_DOORS:
                continue
            if target_wing not in ALLOWED[source]:
                problems.append(f"{where}:{line}: {source} must not import {target} ({target_wing})")
        if module != "bot.config" and environment_reads(path):
            problems.append(f"{where}:{environment_reads(path)[0]}: reads the environment outside bot/config.py")
    problems += [f"import cycle: {' → '.join(cycle)}" for cycle in cycles(graph)]
    return problems


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected component with more than one module (Tarjan), as a path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def longest_chain(graph: dict[str, set[str]]) -> list[str]:
    """The longest import path (the graph is acyclic once the test passes)."""
    memo: dict[str, list[str]] = {}

    def longest(node: str) -> list[str]:
        if node not in memo:
            memo[node] = [node]
            best = max((longest(n) for n in graph.get(node, ())), key=len, default=[])
            memo[node] = [node, *best]
        return memo[node]

    return max((longest(n) for n in graph), key=len, default=[])


def test_the_wings_hold() -> None:
    assert violations(ROOT) == []


def test_the_checker_fails_on_planted_violations(tmp_path: Path) -> None:
    def plant(relative: str, text: str) -> None:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    plant("rules/__init__.py", "")
    plant("rules/pure.py", "import os\nX = os.environ.get('A')\n")
    plant("db/__init__.py", "")
    plant("db/models.py", "from bot.config import Settings\n")
    plant("bot/__init__.py", "")
    plant("bot/config.py", "import os\nA = os.environ\n")
    plant("bot/services/__init__.py", "")
    plant("bot/services/handoff.py", "from aiogram.types import Message\nfrom bot.telegram import keyboards\n")
    plant("bot/services/a.py", "from bot.services import b\n")
    plant("bot/services/b.py", "from bot.services import a\n")
    plant("bot/texts/__init__.py", "")
    plant("bot/texts/words.py", "from bot.telegram.keyboards import X\n")
    plant("bot/telegram/__init__.py", "")
    plant("bot/telegram/keyboards.py", "X = 1\n")
    plant("bot/telegram/routers/__init__.py", "")
    plant("bot/telegram/routers/start.py", "from sqlalchemy import select\nfrom bot.cli import run\n")
    plant("bot/cli/__init__.py", "")
    plant("bot/cli/run.py", "from bot.telegram import keyboards\n")
    plant("bot/cli/check.py", "from bot.telegram import keyboards\n")
    found = "\n".join(violations(tmp_path))
    for expected in (
        "rules/pure.py:2: reads the environment",
        "db/models.py:1: db must not import bot.config",
        "bot/services/handoff.py:1: bot.services imports the framework aiogram.types",
        "bot/services/handoff.py:2: bot.services must not import bot.telegram",
        "bot/texts/words.py:1: bot.texts must not import bot.telegram.keyboards",
        "bot/telegram/routers/start.py:1: a handler builds SQL",
        "bot/telegram/routers/start.py:2: bot.telegram must not import bot.cli",
        "bot/cli/check.py:1: bot.cli must not import bot.telegram",
        "import cycle: bot.services.a → bot.services.b",
    ):
        assert expected in found, expected
    assert "bot/cli/run.py" not in found  # run and webhook are the CLI's doors to the Telegram wing
    assert not any(line.startswith("bot/config.py") for line in found.splitlines())  # reads the environment


def test_longest_chain_is_reported_for_the_closing_note() -> None:
    known = modules(ROOT)
    graph = {m: {t for t, _, _ in imports(m, p, known) if t in known} for m, p in known.items()}
    chain = longest_chain(graph)
    assert chain and all(m in known for m in chain)
