"""Satisfaction ratings (issue 16): a rating, the counters' kiosks and the officers' shifts
at a counter. Feedback and complaints keep their models in ``feedback/complaints/``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.catalog.models import Agency, Counter
from portal.core.i18n import N_
from portal.core.models import LabelledEnum, UTCDateTime, str_enum, utcnow
from portal.dossiers.models import Dossier
from portal.extensions import db


class Overall(LabelledEnum):
    """The overall judgement the national measure asks for."""

    VERY_SATISFIED = "very_satisfied", N_("Rất hài lòng")
    SATISFIED = "satisfied", N_("Hài lòng")
    DISSATISFIED = "dissatisfied", N_("Không hài lòng")


SATISFIED_OR_BETTER = (Overall.VERY_SATISFIED, Overall.SATISFIED)


class RatingChannel(LabelledEnum):
    ONLINE = "online", N_("Trên Cổng (trực tuyến)")
    KIOSK = "kiosk", N_("Thiết bị tại quầy")


# The criteria, each scored 0 (not met), 1 (met) or 2 (well met), as the citizens' evaluation
# of the one-stop service scores them (docs/feedback.md, "Ratings: the criteria").
CRITERIA: tuple[tuple[str, str], ...] = (
    ("time_taken", N_("Thời gian giải quyết so với thời hạn quy định")),
    ("contacts", N_("Số lần phải liên hệ, đi lại để hoàn thành thủ tục")),
    ("attitude", N_("Thái độ, sự hướng dẫn của công chức")),
    ("publicity", N_("Công khai, minh bạch thông tin về thủ tục")),
    ("correctness", N_("Kết quả giải quyết đúng quy định")),
)
CRITERION_NAMES = tuple(name for name, _label in CRITERIA)
SCALE: tuple[tuple[int, str], ...] = ((2, N_("Tốt")), (1, N_("Đạt")), (0, N_("Chưa đạt")))
OPEN_SHIFT_SQL = "ended_at IS NULL"


class Rating(db.Model):
    """One rating: of a finished dossier (online, by its applicant) or of the officer serving
    at a counter (the kiosk, anonymous). Who rated is kept only to let the applicant change
    their rating; no page an officer reads selects it."""

    __tablename__ = "rating"
    __table_args__ = (
        *(CheckConstraint(f"{name} BETWEEN 0 AND 2", name=f"{name}_scale")
          for name in CRITERION_NAMES),
        # The satisfaction page reads a period of an agency, counter or officer.
        Index("ix_rating_agency_rated", "agency_id", "rated_at"),
        Index("ix_rating_officer_rated", "officer_id", "rated_at"),
        Index("ix_rating_counter_rated", "counter_id", "rated_at"),
        # The satisfaction page's one grouped pass over a period: every column it reads, so
        # that the scan never visits the table (bench/satisfaction.py).
        Index("ix_rating_figures", "rated_at", "agency_id", "counter_id", "officer_id",
              "overall", *CRITERION_NAMES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Made by the client (the kiosk's page) or the server: a retried POST is stored once.
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    channel: Mapped[RatingChannel] = mapped_column(str_enum(RatingChannel, "rating_channel"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id", ondelete="SET NULL"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"),
                                                   unique=True)
    rater_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    overall: Mapped[Overall] = mapped_column(str_enum(Overall, "rating_overall"))
    time_taken: Mapped[int | None] = mapped_column(SmallInteger)
    contacts: Mapped[int | None] = mapped_column(SmallInteger)
    attitude: Mapped[int | None] = mapped_column(SmallInteger)
    publicity: Mapped[int | None] = mapped_column(SmallInteger)
    correctness: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agency: Mapped[Agency] = relationship()
    counter: Mapped[Counter | None] = relationship()
    dossier: Mapped[Dossier | None] = relationship()

    def scores(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in CRITERION_NAMES}


class CounterShift(db.Model):
    """An officer signed in to a counter: the kiosk there rates them until the shift ends
    (they sign out, sign in elsewhere, or another officer takes the counter)."""

    __tablename__ = "counter_shift"
    __table_args__ = (
        # At most one officer serves at a counter at a time.
        Index("uq_counter_shift_open", "counter_id", unique=True,
              postgresql_where=text(OPEN_SHIFT_SQL), sqlite_where=text(OPEN_SHIFT_SQL)),
        Index("ix_counter_shift_officer", "officer_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counter.id", ondelete="CASCADE"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    counter: Mapped[Counter] = relationship()


class Kiosk(db.Model):
    """A tablet paired with one counter. Only the SHA-256 of its tokens is stored: the pairing
    token (shown once to the administrator, single use) and the device token the pairing puts
    in the tablet's cookie."""

    __tablename__ = "kiosk"

    id: Mapped[int] = mapped_column(primary_key=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counter.id", ondelete="CASCADE"),
                                            index=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    pairing_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    paired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    counter: Mapped[Counter] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None
