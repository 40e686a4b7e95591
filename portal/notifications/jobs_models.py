"""What the periodic jobs (``portal.notifications.jobs``) remember, so that a job run twice
sends nothing twice, and what staff chose to receive from them.

- ``OverdueAlert``: one row per dossier and due instant announced by the overdue scan;
- ``StaffMailing``: one row per person, kind (reminder, digest) and local day mailed;
- ``JobRun``: when each job last ran (the overdue scan reads its own to know what "just
  became overdue" means; operators read them with ``flask messages jobs``);
- ``StaffMailPreference``: a staff member's choice to receive reminders and digests (no row:
  both on)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import UTCDateTime, str_enum, utcnow
from portal.extensions import db


class OverdueAlert(db.Model):
    """The overdue scan told the officer and the leaders that this dossier passed this due
    instant (its statutory due time, or an apology's new appointment once that has passed
    too). The unique pair is what makes the scan idempotent, also when two workers run it at
    once: the second insert fails and its messages are rolled back with it."""

    __tablename__ = "overdue_alert"
    __table_args__ = (UniqueConstraint("dossier_id", "due_at", name="uq_overdue_alert"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    alerted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    messages: Mapped[int] = mapped_column(Integer, default=0)


class MailingKind(enum.StrEnum):
    REMINDER = "reminder"
    DIGEST = "digest"


class StaffMailing(db.Model):
    """One person's reminder or digest of one local day (Asia/Ho_Chi_Minh): at most one."""

    __tablename__ = "staff_mailing"
    __table_args__ = (UniqueConstraint("user_id", "kind", "day", name="uq_staff_mailing"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[MailingKind] = mapped_column(str_enum(MailingKind, "mailing_kind"))
    day: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class JobRun(db.Model):
    """The last completed run of a periodic job, at the ``now`` it was given."""

    __tablename__ = "job_run"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_run_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_count: Mapped[int] = mapped_column(Integer, default=0)


class StaffMailPreference(db.Model):
    """What a staff member receives from the periodic jobs. Overdue alerts are not optional:
    an overdue dossier needs its apology (form 04)."""

    __tablename__ = "staff_mail_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    reminders: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    digests: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
