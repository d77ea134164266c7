"""Bad input, each with a short clear answer and nothing changed that should not change."""

from __future__ import annotations

import pytest
from aiogram.methods import AnswerCallbackQuery, SendMessage
from sqlalchemy import func, select

from bot.telegram.callbacks import CooperateCb, ModerationCb, MyProjectCb, ProjectFormCb, ProjectsCb
from bot.texts import projects as texts
from db.projects.models import CooperationRequest, Project, ProjectDecision
from rules.projects import ProjectInputError, clean_message, clean_summary, clean_title, validate_draft
from tests.handoff.world import CONSULTANTS, USER
from tests.projects.conftest import OWNER_PROFILE, PROJECT, ProjectWorld

PARTNER = 2002


def last_text(world: ProjectWorld, chat_id: int) -> str:
    return [m.text for m in world.telegram.to_chat(chat_id) if isinstance(m, SendMessage)][-1]


def last_answer(world: ProjectWorld) -> str:
    return [m.text or "" for m in world.telegram.requests if isinstance(m, AnswerCallbackQuery)][-1]


async def count(world: ProjectWorld, model: type) -> int:
    async with world.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize(("value", "code"), [
    ("", "empty"), ("   ", "empty"), ("x" * 10_000, "too_long"), ("<b>Лопасти</b> нового типа", "html"),
    ("Лопасти https://example.ru", "link_in_title"), ("Лопасти на www.blades.ru", "link_in_title"),
    ("Лопасти 🚁 для дронов", "emoji_in_title"), ("Дрон", "too_short"),
])
def test_title_rules(value: str, code: str) -> None:
    with pytest.raises(ProjectInputError) as caught:
        clean_title(value)
    assert caught.value.code == code
    assert texts.input_error(caught.value)  # every code has words


def test_texts_and_choices() -> None:
    with pytest.raises(ProjectInputError, match="too_long"):
        clean_summary("а" * 10_000)
    with pytest.raises(ProjectInputError, match="link_in_text"):
        clean_message("Напишите мне: t.me/somebody, обсудим")
    assert clean_summary("Лопасти 🚁 для дронов: лёгкие, прочные, дешёвые.").startswith("Лопасти")
    with pytest.raises(ProjectInputError, match="unknown_cluster"):
        validate_draft({**PROJECT, "cluster": "mars"})
    with pytest.raises(ProjectInputError, match="choose_one"):
        validate_draft({**PROJECT, "seeks": []})
    assert validate_draft(PROJECT)["title"] == PROJECT["title"]


async def test_form_refuses_bad_values_and_stores_nothing(world: ProjectWorld) -> None:
    await world.consenting_user(USER, OWNER_PROFILE)
    await world.feed(world.user_press(ProjectsCb(a="add").pack()))
    for bad, reply in (("x" * 10_000, "Слишком длинно: 10000 символов"), ("<i>Лопасти</i> нового типа", "HTML"),
                       ("Лопасти https://blades.ru", "ссылок"), ("Лопасти 🚁 для дронов", "эмодзи")):
        await world.feed(world.user_message(bad))
        assert reply in last_text(world, USER)
    await world.feed(world.user_message(PROJECT["title"]))
    await world.feed(world.user_message(PROJECT["summary"]))
    await world.feed(world.user_press(ProjectFormCb(s="cluster", v="mars").pack()))  # forged button
    assert last_answer(world) == texts.REFUSALS["unknown_cluster"]
    await world.feed(world.user_press(ProjectFormCb(s="cluster", v="composites").pack()))
    await world.feed(world.user_press(ProjectFormCb(s="cancel").pack()))
    assert last_text(world, USER) == texts.CANCELLED
    assert await count(world, Project) == 0  # nothing stored before «Отправить на модерацию»
    await world.feed(world.user_press(ProjectFormCb(s="submit").pack()))  # a stale submit after cancel
    assert last_answer(world) == texts.REFUSALS["stale"] and await count(world, Project) == 0


async def test_no_consent_no_project(world: ProjectWorld) -> None:
    await world.feed(world.user_press(ProjectsCb(a="add").pack(), 4242))
    assert last_text(world, 4242) == texts.NEED_CONSENT


async def test_forged_stale_and_double_moderation(world: ProjectWorld) -> None:
    await world.consenting_user(USER, OWNER_PROFILE)
    async with world.sessions() as session:
        project = await world.projects.submit(session, USER, dict(PROJECT))
        await session.commit()
    await world.feed(world.staff_press(ModerationCb(id=999, v=1, a="publish").pack()))
    assert last_answer(world) == texts.REFUSALS["gone"]
    await world.feed(world.staff_press(ModerationCb(id=project.id, v=7, a="publish").pack()))
    assert last_answer(world) == texts.REFUSALS["stale"]
    await world.feed(world.staff_press(ModerationCb(id=project.id, v=1, a="delete").pack()))
    assert last_answer(world) == texts.REFUSALS["stale"]
    # return with a reason: the owner receives it; the old button is stale afterwards
    await world.feed(world.staff_press(ModerationCb(id=project.id, v=1, a="return").pack()))
    await world.feed(world.staff_message("Уточните, пожалуйста, стадию проекта", author=CONSULTANTS[0]))
    async with world.sessions() as session:
        row = await session.get(Project, project.id)
        assert row is not None and row.status == "draft" and row.return_reason == "Уточните, пожалуйста, стадию проекта"
        decisions = list(await session.scalars(select(ProjectDecision).where(ProjectDecision.action == "returned")))
    assert [(d.actor_id, d.reason) for d in decisions] == [(CONSULTANTS[0], "Уточните, пожалуйста, стадию проекта")]
    await world.deliver()
    assert "Уточните, пожалуйста, стадию проекта" in last_text(world, USER)
    await world.feed(world.staff_press(ModerationCb(id=project.id, v=1, a="publish").pack()))
    assert last_answer(world) == texts.REFUSALS["already_draft"]


async def test_cooperation_refusals(world: ProjectWorld) -> None:
    await world.consenting_user(USER, OWNER_PROFILE)
    await world.consenting_user(PARTNER, OWNER_PROFILE)
    project_id = await world.published(USER)
    await world.feed(world.user_press(CooperateCb(id=project_id).pack(), USER))  # one's own project
    assert last_answer(world) == texts.REFUSALS["own_project"]
    await world.feed(world.user_press(CooperateCb(id=project_id).pack(), PARTNER))
    await world.feed(world.user_message("коротко", PARTNER))  # too short: asked again, nothing sent
    assert "Слишком коротко" in last_text(world, PARTNER)
    await world.feed(world.user_message("Готовы обсудить поставки композитного сырья для лопастей.", PARTNER))
    await world.feed(world.user_press(CooperateCb(id=project_id).pack(), PARTNER))  # a second while pending
    assert last_answer(world) == texts.REFUSALS["pending"]
    assert await count(world, CooperationRequest) == 1
    await world.deliver()
    # the owner blocks: no further requests from this user
    async with world.sessions() as session:
        request = await session.scalar(select(CooperationRequest))
        assert request is not None
    from bot.telegram.callbacks import CooperationCb

    await world.feed(world.user_press(CooperationCb(r=request.id, a="block").pack(), USER))
    await world.feed(world.user_press(CooperationCb(r=request.id, a="accept").pack(), USER))  # decided already
    assert last_answer(world) == texts.REFUSALS["request_declined"]
    await world.feed(world.user_press(CooperateCb(id=project_id).pack(), PARTNER))
    assert last_answer(world) == texts.REFUSALS["blocked"]
    # someone else's project cannot be archived; an archived one takes no requests
    await world.feed(world.user_press(MyProjectCb(id=project_id, a="archive").pack(), PARTNER))
    assert last_answer(world) == texts.REFUSALS["not_yours"]
    await world.feed(world.user_press(MyProjectCb(id=project_id, a="archive").pack(), USER))
    await world.feed(world.user_press(CooperateCb(id=project_id).pack(), 5005))
    await world.consenting_user(5005, OWNER_PROFILE)
    await world.feed(world.user_press(CooperateCb(id=project_id).pack(), 5005))
    assert last_answer(world) == texts.REFUSALS["not_published"]


async def test_rate_limit_per_user(world: ProjectWorld) -> None:
    await world.consenting_user(USER, OWNER_PROFILE)
    await world.consenting_user(PARTNER, OWNER_PROFILE)
    ids = [await world.published(USER) for _ in range(6)]
    async with world.sessions() as session:
        for project_id in ids[:5]:
            await world.projects.propose(session, PARTNER, project_id, "Предлагаем совместный пилот.", "@p")
        await session.commit()
    await world.feed(world.user_press(CooperateCb(id=ids[5]).pack(), PARTNER))
    assert last_answer(world) == texts.REFUSALS["user_limit"]
