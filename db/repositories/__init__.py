"""Repositories: small explicit methods over one session; the caller owns the transaction."""

from db.repositories.analytics import AnalyticsRepository
from db.repositories.answers import AnswerHistoryRepository
from db.repositories.outbox import OutboxRepository
from db.repositories.profiles import ProfileRepository
from db.repositories.updates import UpdateClaimRepository
from db.repositories.users import UserRepository

__all__ = [
    "AnalyticsRepository",
    "AnswerHistoryRepository",
    "OutboxRepository",
    "ProfileRepository",
    "UpdateClaimRepository",
    "UserRepository",
]
