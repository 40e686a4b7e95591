"""Satisfaction figures (issue 16) for any period and scope — the centre, agencies, a counter,
an officer: the number of ratings, how many very satisfied / satisfied / dissatisfied, the
share very satisfied + satisfied (the report's 99.86 %), each criterion's average over the
ratings that scored it, and the comments. Each table is one aggregate query over
``rating`` (``ix_rating_agency_rated`` and friends).

A rating counts in the period in which it was first given (``rated_at``). Nothing here selects
who rated: officers read these figures about themselves (docs/feedback.md, "Satisfaction
figures: definitions")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.catalog.models import Agency, Counter
from portal.extensions import db
from portal.feedback.models import CRITERION_NAMES, Overall, Rating


@dataclass(frozen=True)
class Scope:
    """Which ratings: of these agencies (None: every agency), and optionally of one counter
    or one officer."""

    agency_ids: frozenset[int] | None = None
    counter_id: int | None = None
    officer_id: int | None = None

    def conditions(self) -> list[Any]:
        found = []
        if self.agency_ids is not None:
            found.append(Rating.agency_id.in_(sorted(self.agency_ids) or [-1]))
        if self.counter_id is not None:
            found.append(Rating.counter_id == self.counter_id)
        if self.officer_id is not None:
            found.append(Rating.officer_id == self.officer_id)
        return found


@dataclass
class Row:
    """One line of the table (Appendix 2's layout): a label and its counts."""

    key: int | None
    label: str
    count: int = 0
    very_satisfied: int = 0
    satisfied: int = 0
    dissatisfied: int = 0
    averages: dict[str, float | None] = field(default_factory=dict)

    @property
    def satisfied_or_better(self) -> int:
        return self.very_satisfied + self.satisfied

    @property
    def share(self) -> float | None:
        """Very satisfied + satisfied over all ratings (None without ratings)."""
        return self.satisfied_or_better / self.count if self.count else None


def _columns():
    return (func.count(Rating.id),
            func.coalesce(func.sum(case((Rating.overall == Overall.VERY_SATISFIED, 1),
                                        else_=0)), 0),
            func.coalesce(func.sum(case((Rating.overall == Overall.SATISFIED, 1), else_=0)), 0),
            *(func.avg(getattr(Rating, name)) for name in CRITERION_NAMES))


def _fill(row: Row, values: Sequence[Any]) -> Row:
    count, very, satisfied, *averages = values
    row.count, row.very_satisfied, row.satisfied = int(count), int(very), int(satisfied)
    row.dissatisfied = row.count - row.very_satisfied - row.satisfied
    row.averages = {name: (float(a) if a is not None else None)
                    for name, a in zip(CRITERION_NAMES, averages, strict=True)}
    return row


def _in(start_at: datetime, end_at: datetime, scope: Scope) -> list[Any]:
    return [Rating.rated_at >= start_at, Rating.rated_at < end_at, *scope.conditions()]


def total(start_at: datetime, end_at: datetime, scope: Scope, label: str = "") -> Row:
    values = db.session.execute(select(*_columns()).where(*_in(start_at, end_at, scope))).one()
    return _fill(Row(None, label), values)


def by_agency(start_at: datetime, end_at: datetime, scope: Scope,
              agencies: Sequence[Agency]) -> list[Row]:
    """One row per agency of ``agencies`` (in their order), zero rows included."""
    found = {key: values for key, *values in db.session.execute(
        select(Rating.agency_id, *_columns()).where(*_in(start_at, end_at, scope))
        .group_by(Rating.agency_id))}
    return [_fill(Row(a.id, a.name), found.get(a.id, (0, 0, 0, *[None] * len(CRITERION_NAMES))))
            for a in agencies]


def by_counter(start_at: datetime, end_at: datetime, scope: Scope) -> list[Row]:
    rows = db.session.execute(
        select(Counter.id, Counter.number, Counter.name, *_columns())
        .join(Counter, Counter.id == Rating.counter_id)
        .where(*_in(start_at, end_at, scope))
        .group_by(Counter.id, Counter.number, Counter.name).order_by(Counter.number))
    return [_fill(Row(key, f"{number} – {name}" if name else str(number)), values)
            for key, number, name, *values in rows]


def by_officer(start_at: datetime, end_at: datetime, scope: Scope) -> list[Row]:
    rows = db.session.execute(
        select(User.id, User.full_name, *_columns())
        .join(User, User.id == Rating.officer_id)
        .where(*_in(start_at, end_at, scope))
        .group_by(User.id, User.full_name).order_by(User.full_name))
    return [_fill(Row(key, name), values) for key, name, *values in rows]


@dataclass(frozen=True)
class Comment:
    rated_at: datetime
    overall: Overall
    text: str
    rating_id: int


def comments(start_at: datetime, end_at: datetime, scope: Scope, limit: int = 50
             ) -> list[Comment]:
    """The latest comments, anonymous: the text, its overall and date — never who wrote it
    nor which dossier it was about."""
    rows = db.session.execute(
        select(Rating.rated_at, Rating.overall, Rating.comment, Rating.id)
        .where(*_in(start_at, end_at, scope), Rating.comment != "")
        .order_by(Rating.rated_at.desc(), Rating.id.desc()).limit(limit))
    return [Comment(*row) for row in rows]


def ratings_with_dossiers(start_at: datetime, end_at: datetime, scope: Scope,
                          overall: Overall | None = None):
    """The ratings behind a figure, newest first, with their dossier's id and code (the
    drill-down, for leaders and the supervisor): a select to paginate; the dossier loaded with
    each."""
    query = (select(Rating).options(selectinload(Rating.dossier))
             .where(*_in(start_at, end_at, scope)))
    if overall is not None:
        query = query.where(Rating.overall == overall)
    return query.order_by(Rating.rated_at.desc(), Rating.id.desc())
