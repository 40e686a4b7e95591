"""Reading the centre's organisation for the administration pages (inactive rows included)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from portal.catalog.models import Agency, Counter, Field, Procedure
from portal.extensions import db


@dataclass(frozen=True)
class AgencyRow:
    agency: Agency
    fields: int
    counters: int
    procedures: int


def _counts(column) -> dict[int, int]:
    return dict(db.session.execute(select(column, func.count()).group_by(column)).all())


def agency_rows() -> list[AgencyRow]:
    """Every agency with how many fields, counters and procedures (any status) it has."""
    fields = _counts(Field.agency_id)
    counters = _counts(Counter.agency_id)
    procedures = _counts(Procedure.agency_id)
    return [AgencyRow(a, fields.get(a.id, 0), counters.get(a.id, 0), procedures.get(a.id, 0))
            for a in all_agencies()]


def all_agencies() -> list[Agency]:
    return list(db.session.scalars(select(Agency).order_by(Agency.position, Agency.name)))


def all_counters() -> list[Counter]:
    return list(db.session.scalars(select(Counter).join(Counter.agency).order_by(Counter.number)))
