"""``navigator export projects --csv FILE``: the project registry for the Center's reporting.

One row per project: number, status, version, title, cluster, sector, stage, what it seeks and
offers, when it was created, submitted, published, when it expires or was archived and why,
cooperation requests received and accepted. The owner appears only as the random pseudonym;
after /forget the project keeps its pseudonym and title but has no owner, no description and
no site (``db.projects.repository.forget_user``). No Telegram id, name or contact is exported.
"""

from __future__ import annotations

import asyncio
import csv
import sys
from datetime import datetime
from pathlib import Path

COLUMNS = ("project", "status", "hidden", "version", "owner", "forgotten", "title", "cluster", "sector", "stage",
           "seeks", "offers", "created_at", "submitted_at", "published_at", "expires_at", "archived_at",
           "archive_reason", "requests", "accepted")


def _iso(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value is not None else ""


async def rows(url: str) -> list[dict[str, str]]:
    from sqlalchemy import func, select

    from db.engine import create_engine, create_sessionmaker
    from db.projects.models import CooperationRequest
    from db.projects.repository import ProjectRepository

    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            projects = await ProjectRepository(session).all_for_export()
            counts = {(int(p), str(s)): int(n) for p, s, n in (await session.execute(
                select(CooperationRequest.project_id, CooperationRequest.status, func.count())
                .group_by(CooperationRequest.project_id, CooperationRequest.status))).all()}
    finally:
        await engine.dispose()
    out = []
    for p in projects:
        received = sum(n for (pid, _), n in counts.items() if pid == p.id)
        out.append({
            "project": str(p.id), "status": p.status, "hidden": "1" if p.hidden else "0", "version": str(p.version),
            "owner": p.owner_pseudonym or "", "forgotten": "1" if p.archive_reason == "forgotten" else "0",
            "title": p.title, "cluster": p.cluster, "sector": p.sector, "stage": p.stage,
            "seeks": " ".join(p.seeks or []), "offers": " ".join(p.offers or []),
            "created_at": _iso(p.created_at), "submitted_at": _iso(p.submitted_at),
            "published_at": _iso(p.published_at), "expires_at": _iso(p.expires_at),
            "archived_at": _iso(p.archived_at), "archive_reason": p.archive_reason or "",
            "requests": str(received), "accepted": str(counts.get((p.id, "accepted"), 0)),
        })
    return out


def export(url: str, target: Path) -> int:
    try:
        found = asyncio.run(rows(url))
    except Exception as exc:  # a clear line, not a traceback
        print(f"export failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(found)
    print(f"projects: {len(found)} → {target}")
    return 0
