"""Project hits for ``navigator ask``: the published registry searched like the measures.

Read from the database named by DATABASE_URL (or ``--database-url``); a database that is not
there or not migrated yet simply contributes no project hits — ``ask`` stays usable offline.
Scores are the same normalised 0‥1 BM25F scores as for measures, so the lists merge by score.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from rules.projects import build_project_index
from rules.search import Hit, load_synonyms, search
from rules.search.catalogue_index import DEFAULT_MORPHOLOGY
from rules.search.morphology import shared

log = logging.getLogger(__name__)


async def _cards(url: str) -> list[object]:
    from db.engine import create_engine, create_sessionmaker
    from db.projects.repository import ProjectRepository

    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            return list(await ProjectRepository(session).published_cards())
    finally:
        await engine.dispose()


def project_hits(text: str, url: str, synonyms_path: str, limit: int) -> list[Hit]:
    if url.startswith("sqlite") and ":memory:" not in url:
        path = url.split("///", 1)[-1]
        if not path or not Path(path).exists():
            return []  # never create an empty database file just to find no projects
    try:
        cards = asyncio.run(_cards(url))
    except Exception as exc:  # no database, not migrated: measures only
        log.debug("no project hits: %s", exc)
        return []
    if not cards:
        return []
    index = build_project_index(cards, load_synonyms(synonyms_path), shared(DEFAULT_MORPHOLOGY))  # type: ignore[arg-type]
    result = search(index, text, limit=limit)
    return list(result.hits) if result.confident else []
