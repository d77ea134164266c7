"""The entrepreneur's journey over the database: consent, answers, progress, results, forgetting.

Handlers stay thin: they parse the update, call one method here, commit, then render. The
database is the truth — progress is loaded for every update and saved with every answer, so a
restart (or a lost FSM) resumes at the same question. Nothing here imports aiogram.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from bot.services.domain import Domain
from bot.services.inn_prefill import registry_loaded
from bot.services.profile_state import InnStep, ProfileState
from db.forget import ForgetReport, forget_user
from db.models import Profile, User, utcnow
from db.repositories import (
    AnalyticsRepository,
    AnswerHistoryRepository,
    ProfileRepository,
    UserRepository,
)
from db.unit_of_work import UnitOfWork
from rules.eligibility import MeasureResult, match
from rules.engine import Progress
from rules.presentation import Arrangement, arrange
from rules.questionnaire import Node_


@dataclass(frozen=True, slots=True)
class Step:
    """Where the user is: the question to ask (None = finished) and the progress line numbers."""

    node: Node_ | None
    asked: int
    total: int
    inn: InnStep | None = None  # an unfinished ИНН step (bot.telegram.routers.inn) shown instead


PRIVACY_POLICY_VERSION = "2026-11"  # the version of docs/privacy.md a consent is recorded against
INN_STEP_FOR = frozenset({"legal_entity", "sole_proprietor"})  # who is offered the ИНН pre-fill


def _jsonable(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return value


class Journey:
    """One user's journey during one update."""

    def __init__(self, uow: UnitOfWork, domain: Domain, user_id: int) -> None:
        self.uow = uow
        self.session = uow.session
        self.domain = domain
        self.user_id = user_id
        self._user: User | None = None
        self._profile: Profile | None = None
        self._loaded = False

    # --- loading ------------------------------------------------------------------------

    async def load(self) -> tuple[User | None, Profile | None]:
        """The user and profile rows, in one query, once per update."""
        if not self._loaded:
            row = (
                await self.session.execute(
                    select(User, Profile)
                    .outerjoin(Profile, Profile.user_id == User.telegram_id)
                    .where(User.telegram_id == self.user_id)
                )
            ).first()
            self._user, self._profile = (row[0], row[1]) if row else (None, None)
            self._loaded = True
        return self._user, self._profile

    async def consented(self) -> bool:
        user, _ = await self.load()
        return user is not None and user.has_consent

    async def progress(self) -> Progress:
        """The saved progress, carried over to the current questionnaire if it was reloaded."""
        _, profile = await self.load()
        progress = Progress.from_dict(profile.progress if profile else None)
        if progress.version and progress.version != self.domain.version:
            inn = progress.answers.get("inn")  # no question asks it (the ИНН step does): keep it
            progress = self.domain.engine.rebase(progress)
            if inn is not None:
                progress = self.domain.engine.prefill(progress, {"inn": inn})
        if not progress.version:
            progress.version = self.domain.version
        return progress

    def step(self, progress: Progress) -> Step:
        node, asked, total = self.domain.step(progress)
        inn = self.inn_state()
        pending = inn if node is not None and inn is not None and inn.open else None
        return Step(node, asked, total, pending)

    def state(self) -> ProfileState:
        """The typed conversation state of the loaded profile (empty before consent)."""
        return ProfileState.from_dict(self._profile.state if self._profile is not None else None)

    def inn_state(self) -> InnStep | None:
        return self.state().inn

    async def current_step(self) -> Step:
        return self.step(await self.progress())

    # --- consent ------------------------------------------------------------------------

    async def accept_consent(self, payload: str | None) -> Progress:
        """Create the user with the deep-link payload and the consent, and an empty profile."""
        users = UserRepository(self.session)
        await users.ensure(self.user_id, payload or None)
        await users.record_consent(self.user_id, PRIVACY_POLICY_VERSION)
        self._loaded = False
        _, profile = await self.load()
        if profile is None:
            await self._save(Progress(version=self.domain.version))
        return await self.progress()

    # --- answers ------------------------------------------------------------------------

    async def answer(self, progress: Progress, node: Node_, value: Any) -> Progress:
        engine = self.domain.engine
        new = engine.prune(engine.answer(progress, node.id, value))  # a changed answer may leave a branch
        await self._record(node, value, skipped=False)
        state = None
        if node.field == "applicant_type" and value in INN_STEP_FOR and "inn" not in new.answers \
                and self.inn_state() is None and await registry_loaded(self.session):
            await self.load()  # offer «Знаете ИНН?» once, right after this answer
            state = self.state().with_(inn=InnStep("ask"))
        await self._save(new, state=state)
        return new

    async def save_inn_step(self, progress: Progress, inn_state: InnStep) -> None:
        """Progress (with pre-filled answers) and the ИНН step's state, in one write."""
        await self.load()
        await self._save(progress, state=self.state().with_(inn=inn_state))

    async def skip(self, progress: Progress, node: Node_) -> Progress:
        new = self.domain.engine.skip(progress, node.id)
        await self._record(node, None, skipped=True)
        await self._save(new)
        return new

    async def back(self, progress: Progress) -> Progress:
        new = self.domain.engine.back(progress)
        await self._save(new)
        return new

    async def reopen(self, progress: Progress, node: Node_) -> Progress:
        """/profile → change one answer: forget just that answer; the walk asks it again next.

        Later answers stay, so the user re-answers one question, not the rest of the tree.
        """
        answers = dict(progress.answers)
        answers.pop(node.field, None)
        path = [n for n in progress.path if n != node.id]
        new = Progress(answers, path, self.domain.version)
        await self._save(new, state=ProfileState(editing=node.id))
        return new

    async def reset(self) -> Progress:
        new = Progress(version=self.domain.version)
        await self._save(new)
        return new

    async def save_progress(self, progress: Progress) -> None:
        """Save answers changed outside the questionnaire (the plan's «получил» → ``used_measures``)."""
        await self._save(progress)

    async def _record(self, node: Node_, value: Any, *, skipped: bool) -> None:
        await AnswerHistoryRepository(self.session).add(
            self.user_id, node.id, node.field, _jsonable(value), self.domain.version
        )
        user, _ = await self.load()
        assert user is not None
        await AnalyticsRepository(self.session).question_answered(
            self.user_id, user.pseudonym, node.id, node.field, skipped=skipped
        )

    async def _save(self, progress: Progress, state: ProfileState | None = None) -> None:
        _, profile = await self.load()
        finished = self.step(progress).node is None
        if state is None:
            previous = self.state()
            state = previous.with_(editing=None) if finished else previous
        completed = (
            (profile.completed_at if profile and profile.completed_at else utcnow()) if finished else None
        )
        answers = {k: _jsonable(v) for k, v in progress.profile().items()}
        if profile is None:
            await ProfileRepository(self.session).save(
                self.user_id,
                answers=answers,
                progress=progress.to_dict(),
                state=state.to_dict(),
                questionnaire_version=self.domain.version,
                completed_at=completed,
            )
            self._profile = await ProfileRepository(self.session).get(self.user_id)
            return
        # The row is loaded: change it in place (one UPDATE at commit, no extra round trip).
        profile.answers = answers
        profile.progress = progress.to_dict()
        profile.state = state.to_dict()
        profile.questionnaire_version = self.domain.version
        profile.completed_at = completed
        profile.revision = (profile.revision or 0) + 1

    # --- results and lists --------------------------------------------------------------

    async def results(self) -> list[MeasureResult]:
        progress = await self.progress()
        return match(self.domain.catalogue, progress.profile())

    async def arranged(self) -> tuple[list[MeasureResult], Arrangement]:
        """Results ranked and arranged for the screen (``rules.presentation``)."""
        profile = (await self.progress()).profile()
        found = match(self.domain.catalogue, profile)
        return found, arrange(self.domain.catalogue, found, profile.get("needs") or ())

    async def profile_answers(self) -> dict[str, Any]:
        return (await self.progress()).profile()

    async def finished(self) -> bool:
        """Consented and every question answered: the results screen is there to show."""
        return await self.consented() and self.step(await self.progress()).node is None

    async def saved_profile(self) -> dict[str, Any]:
        """The answers to rank and filter by — empty without consent (nothing is kept before it)."""
        return await self.profile_answers() if await self.consented() else {}

    async def remember_list(self, where: dict[str, Any]) -> None:
        """Where «Назад к списку» leads (results page or catalogue filter); only with consent."""
        _, profile = await self.load()
        if profile is None:
            return
        state = self.state()
        if state.list == where:
            return
        profile.state = state.with_(list=where).to_dict()

    async def last_list(self) -> dict[str, Any] | None:
        await self.load()
        return self.state().list

    async def mark_shown(self, node_id: str) -> None:
        """The question ``node_id`` reached the user (call after Telegram accepted the message)."""
        _, profile = await self.load()
        if profile is None:
            return
        state = self.state()
        if state.shown != node_id:
            profile.state = state.with_(shown=node_id).to_dict()

    def answers_shown(self, node: Node_) -> bool:
        """Would a typed answer now be for the question the user last saw? (Unknown → yes.)"""
        shown = self.state().shown
        return shown is None or shown == node.id

    async def editing(self) -> bool:
        await self.load()
        return self.state().editing is not None

    # --- analytics ----------------------------------------------------------------------

    async def measure_opened(self, measure_id: str) -> None:
        user, _ = await self.load()
        if user is not None and user.has_consent:
            await AnalyticsRepository(self.session).measure_opened(self.user_id, user.pseudonym, measure_id)

    async def search_query(self, text: str, answered: bool) -> None:
        """Stored only after consent (DESIGN 8); before it the query is answered, not kept."""
        user, _ = await self.load()
        if user is not None and user.has_consent:
            await AnalyticsRepository(self.session).search_query(
                self.user_id, user.pseudonym, text[:4000], answered
            )

    # --- forgetting ---------------------------------------------------------------------

    async def forget(self) -> ForgetReport:
        report = await forget_user(self.session, self.user_id)
        self._loaded = False
        return report

    async def commit(self) -> None:
        await self.uow.commit()
