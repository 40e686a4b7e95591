"""The administrators' changes to the public-holiday calendar, read by ``overrides``. The
engine itself (``engine.py``) stays pure: no Flask, no database."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.i18n import N_
from portal.core.models import str_enum
from portal.extensions import db


class CalendarOverrideKind(enum.StrEnum):
    DAY_OFF = "day_off"
    WORKING_DAY = "working_day"

    @property
    def label(self) -> str:
        return {"day_off": N_("Ngày nghỉ"), "working_day": N_("Ngày làm việc bù")}[self.value]


class CalendarOverride(db.Model):
    """An administrator's change to the public-holiday calendar."""

    __tablename__ = "calendar_override"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    kind: Mapped[CalendarOverrideKind] = mapped_column(
        str_enum(CalendarOverrideKind, "calendar_override_kind")
    )
    note: Mapped[str] = mapped_column(String(300), default="")
