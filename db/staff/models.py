"""Tables of the staff workflow: accepted catalogue versions and alerts about measures.

Decisions:
- ``catalogue_versions`` is append-only: one row per accepted reload (hash, when, who, and the
  admin's summary). The newest row is the version every instance must serve; instances poll it.
  A revert to an earlier file is a new row with an old hash — "newest" is by id, not by hash.
- ``measure_alerts`` records every alert ever queued: one row per (user, measure, alert key),
  unique, so a user hears about one version of one measure once, whichever instance — or how
  many reloads — tried. The key is the measure's fingerprint for «новая мера», or
  ``deadline:<date>`` for a reminder. The outbox row carrying the text is written in the same
  transaction, so there is no alert without a message and no message without its record.
- Alerts follow the user: /forget deletes them with the user (``ON DELETE CASCADE``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.models import BigId, UtcDateTime, utcnow


class CatalogueVersion(Base):
    __tablename__ = "catalogue_versions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    bundle_version: Mapped[str] = mapped_column(String(64), index=True)
    catalogue_version: Mapped[str] = mapped_column(String(32))
    questionnaire_version: Mapped[str] = mapped_column(String(32))
    measure_count: Mapped[int] = mapped_column(Integer)
    accepted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    accepted_by: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str | None] = mapped_column(Text)
    alerts_queued: Mapped[int | None] = mapped_column(Integer)


class MeasureAlert(Base):
    __tablename__ = "measure_alerts"
    __table_args__ = (UniqueConstraint("user_id", "measure_id", "alert_key", name="uq_measure_alerts_once"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.telegram_id", ondelete="CASCADE"), index=True
    )
    measure_id: Mapped[str] = mapped_column(String(96))
    alert_key: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(16))
    version_id: Mapped[int | None] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        ForeignKey("catalogue_versions.id", ondelete="SET NULL"),
        index=True,
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
