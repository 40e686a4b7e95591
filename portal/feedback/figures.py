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
    """One line of a table (Appendix 2's layout): a label and its counts. Criteria are kept
    as sums and numbers of scores, so that lines add up exactly (``add``)."""

    key: int | None
    label: str
    count: int = 0
    very_satisfied: int = 0
    satisfied: int = 0
    sums: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CRITERION_NAMES, 0))
    scored: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CRITERION_NAMES, 0))

    @property
    def dissatisfied(self) -> int:
        return self.count - self.very_satisfied - self.satisfied

    @property
    def satisfied_or_better(self) -> int:
        return self.very_satisfied + self.satisfied

    @property
    def share(self) -> float | None:
        """Very satisfied + satisfied over all ratings (None without ratings)."""
        return self.satisfied_or_better / self.count if self.count else None

    @property
    def averages(self) -> dict[str, float | None]:
        """Each criterion's mean over the ratings that scored it (None: none did)."""
        return {name: (self.sums[name] / self.scored[name] if self.scored[name] else None)
                for name in CRITERION_NAMES}

    def add(self, other: Row) -> Row:
        self.count += other.count
        self.very_satisfied += other.very_satisfied
        self.satisfied += other.satisfied
        for name in CRITERION_NAMES:
            self.sums[name] += other.sums[name]
            self.scored[name] += other.scored[name]
        return self


def _columns():
    columns = [func.count(Rating.id),
               func.coalesce(func.sum(case((Rating.overall == Overall.VERY_SATISFIED, 1),
                                           else_=0)), 0),
               func.coalesce(func.sum(case((Rating.overall == Overall.SATISFIED, 1),
                                           else_=0)), 0)]
    for name in CRITERION_NAMES:
        column = getattr(Rating, name)
        columns += [func.coalesce(func.sum(column), 0), func.count(column)]
    return columns


def _row(key, label: str, values: Sequence[Any]) -> Row:
    count, very, satisfied, *scores = values
    row = Row(key, label, int(count), int(very), int(satisfied))
    for n, name in enumerate(CRITERION_NAMES):
        row.sums[name], row.scored[name] = int(scores[2 * n]), int(scores[2 * n + 1])
    return row


def _in(start_at: datetime, end_at: datetime, scope: Scope) -> list[Any]:
    return [Rating.rated_at >= start_at, Rating.rated_at < end_at, *scope.conditions()]


def _grouped(start_at: datetime, end_at: datetime, scope: Scope, keys: Sequence[Any]):
    """(key values, counts) per group of ``keys``: one pass over the period's ratings
    (``ix_rating_figures`` covers it)."""
    query = select(*keys, *_columns()).where(*_in(start_at, end_at, scope))
    if keys:
        query = query.group_by(*keys)
    for found in db.session.execute(query):
        yield tuple(found[:len(keys)]), tuple(found[len(keys):])


def total(start_at: datetime, end_at: datetime, scope: Scope, label: str = "") -> Row:
    for _keys, values in _grouped(start_at, end_at, scope, ()):
        return _row(None, label, values)
    return Row(None, label)


def by_agency(start_at: datetime, end_at: datetime, scope: Scope,
              agencies: Sequence[Agency]) -> list[Row]:
    """One row per agency of ``agencies`` (in their order), zero rows included."""
    found = {keys[0]: values
             for keys, values in _grouped(start_at, end_at, scope, (Rating.agency_id,))}
    return [_row(a.id, a.name, found[a.id]) if a.id in found else Row(a.id, a.name)
            for a in agencies]


@dataclass
class Summary:
    """The whole page's numbers from one grouped query: the total, and the rows by agency,
    by counter and by officer (labels looked up for the ids present)."""

    total: Row
    by_agency: list[Row]
    by_counter: list[Row]
    by_officer: list[Row]


def summary(start_at: datetime, end_at: datetime, scope: Scope, agencies: Sequence[Agency],
            total_label: str = "") -> Summary:
    keys = (Rating.agency_id, Rating.counter_id, Rating.officer_id)
    whole = Row(None, total_label)
    agency_rows = {a.id: Row(a.id, a.name) for a in agencies}
    counter_rows: dict[int, Row] = {}
    officer_rows: dict[int, Row] = {}
    for (agency_id, counter_id, officer_id), values in _grouped(start_at, end_at, scope, keys):
        part = _row(None, "", values)
        whole.add(part)
        if agency_id in agency_rows:
            agency_rows[agency_id].add(part)
        if counter_id is not None:
            counter_rows.setdefault(counter_id, Row(counter_id, "")).add(part)
        if officer_id is not None:
            officer_rows.setdefault(officer_id, Row(officer_id, "")).add(part)
    counters = db.session.execute(select(Counter.id, Counter.number, Counter.name).where(
        Counter.id.in_(list(counter_rows) or [-1])).order_by(Counter.number)).all()
    for key, number, name in counters:
        counter_rows[key].label = f"{number} – {name}" if name else str(number)
    names = dict(db.session.execute(select(User.id, User.full_name).where(
        User.id.in_(list(officer_rows) or [-1]))).all())
    for key, row in officer_rows.items():
        row.label = names.get(key, "")
    return Summary(whole, [agency_rows[a.id] for a in agencies],
                   [counter_rows[key] for key, *_rest in counters],
                   sorted(officer_rows.values(), key=lambda r: r.label))


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
