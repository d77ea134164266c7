"""requests.yaml: strict loader with located errors, check, schema; expiry; export; ask --json."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.cli.schema import build_schema
from db.models import OutboxMessage
from db.projects.models import Project
from rules.errors import DataError
from rules.partner_requests import check_file, load_requests
from tests.handoff.world import USER
from tests.projects.conftest import OWNER_PROFILE, ProjectWorld
from tests.projects.test_flow import REQUESTS

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_requests_are_labelled_examples() -> None:
    book = load_requests(ROOT / "requests.yaml", dt.date(2026, 12, 3))
    assert book.requests and all(r.example and r.provenance_note for r in book.requests)


@pytest.mark.parametrize(("change", "message", "line"), [
    (("clusters: [aerospace]", "clusters: [mars]"), "unknown value 'mars'", 7),
    (('okved: ["30.30"]', "okved: [30.30]"), "expected text", 8),
    (('okved: ["30.30"]', 'okved: ["3x"]'), "is not an ОКВЭД class", 8),
    (("    deadline: 2099-12-31", "    deadline: 2099-02-30"), "is not a valid date", 9),
    (("    example: true", "    example: true\n    colour: red"), "unknown key 'colour'", 12),
    (("    example: true", "    example: true\n    example: false"), "duplicate key 'example'", 12),
    (("    provenance_note: пример формата, заказчик такой запрос не публиковал\n", ""),
     "needs provenance_note", 11),
])
def test_broken_requests_are_located(tmp_path: Path, change: tuple[str, str], message: str, line: int) -> None:
    path = tmp_path / "requests.yaml"
    path.write_text(REQUESTS.replace(*change), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_requests(path, dt.date(2026, 12, 1))
    problem = caught.value.problems[0]
    assert message in problem.message and problem.line == line and problem.path.startswith("requests[0]")
    assert str(problem).startswith(f"{path}:{line}:")


def test_a_request_for_everybody_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "requests.yaml"
    path.write_text(REQUESTS.replace("    clusters: [aerospace]\n", "").replace('    okved: ["30.30"]\n', ""),
                    encoding="utf-8")
    problems, _ = check_file(path, dt.date(2026, 12, 1))
    assert [p.message for p in problems] == ["a request must name whom it is for"]


def test_check_and_schema_cover_requests(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "requests.yaml"
    bad.write_text(REQUESTS.replace("clusters: [aerospace]", "clusters: [mars]"), encoding="utf-8")
    assert main(["check", str(ROOT / "measures.yaml"), str(bad)]) == 1
    assert f"{bad}:7:" in capsys.readouterr().out
    assert main(["check"]) == 0
    assert "customer requests" in capsys.readouterr().out
    schema = build_schema("requests")
    assert schema["properties"]["requests"]["items"]["additionalProperties"] is False
    committed = json.loads((ROOT / "docs" / "schema" / "requests.schema.json").read_text(encoding="utf-8"))
    assert committed == schema


async def test_expiry_reminds_then_archives(world: ProjectWorld) -> None:
    await world.consenting_user(USER, OWNER_PROFILE)
    project_id = await world.published(USER)
    now = dt.datetime.now(dt.UTC)
    async with world.sessions() as session:
        assert await world.projects.sweep(session, now) == (0, 0)
        assert await world.projects.sweep(session, now + dt.timedelta(days=170)) == (1, 0)
        assert await world.projects.sweep(session, now + dt.timedelta(days=171)) == (0, 0)  # reminded once
        await session.commit()
        kinds = [r.kind for r in await session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == USER))]
    assert kinds.count("project_reminder") == 1
    async with world.sessions() as session:
        assert await world.projects.confirm_current(session, USER, project_id)
        await session.commit()
        row = await session.get(Project, project_id)
        assert row is not None and row.reminded_at is None
        expires = row.expires_at
        assert expires is not None
        assert (await world.projects.sweep(session, expires.replace(tzinfo=dt.UTC) + dt.timedelta(seconds=1)))[1] == 1
        await session.commit()
        row = await session.get(Project, project_id, populate_existing=True)
        assert row is not None and row.status == "archived" and row.archive_reason == "expired"


async def test_export_is_pseudonymised_after_forget(world: ProjectWorld, tmp_path: Path) -> None:
    await world.consenting_user(USER, OWNER_PROFILE)
    await world.published(USER)
    from bot.telegram.callbacks import ForgetCb

    await world.feed(world.user_press(ForgetCb(confirm=True).pack(), USER))
    url = str(world.sessions.kw["bind"].url)
    target = tmp_path / "projects.csv"
    assert await asyncio.to_thread(main, ["export", "projects", "--csv", str(target), "--database-url", url]) == 0
    [row] = list(csv.DictReader(target.open(encoding="utf-8")))
    assert row["forgotten"] == "1" and row["status"] == "archived" and row["owner"]
    assert str(USER) not in target.read_text(encoding="utf-8")
    report = tmp_path / "report.html"
    assert await asyncio.to_thread(main, ["report", "--all", "--out", str(report), "--database-url", url]) == 0
    assert "Реестр проектов и поиск партнёров" in report.read_text(encoding="utf-8")


async def test_ask_json_has_project_hits(world: ProjectWorld, capsys: pytest.CaptureFixture[str]) -> None:
    await world.consenting_user(USER, OWNER_PROFILE)
    project_id = await world.published(USER)
    url = str(world.sessions.kw["bind"].url)
    args = ["ask", "композитные лопасти для беспилотников", "--json", "--database-url", url]
    assert await asyncio.to_thread(main, args) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert {"id": str(project_id), "kind": "project"} in [{"id": h["id"], "kind": h["kind"]} for h in hits]
