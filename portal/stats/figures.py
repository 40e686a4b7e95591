"""The statistics table (DESIGN.md §7, issue #5): one definition of every cell, two layouts.

For a period of local dates [start, end] (Asia/Ho_Chi_Minh), a dossier *counts* for an agency
when it was received before the period ended and was not finished before it began. Each cell
is a condition on such a dossier, written once in ``conditions`` and used both to count
(``table``: one aggregate query, grouped by agency) and to list the dossiers behind a number
(``dossiers_query``), so a number and its list can never disagree. Everything is computed from
the dossier's own timestamps, set by the workflow (``portal.workflow.actions``):

- ``received_at`` (the legal clock starts; drafts and dossiers refused before reception were
  never received and never count), ``channel`` (online / counter / postal);
- ``finished_at`` (any ending: result issued, refused, stopped, withdrawn — *resolved*);
- ``due_at`` (the statutory due time, moved only by the applicant's pauses; an apology's new
  appointment does not change it, so statistics judge against the original due time);
- the clock pauses (``dossier_pause``): a dossier waiting for the applicant at the period's
  end is pending *within* its deadline, as the II.06a form counts it — when the pause began
  with time left; one asked for papers after its due time stays overdue.

Layout A is the centre's Appendix 1 (report 62/BC-HCC); layout B the national form II.06a
(Circular 01/2020/TT-VPCP), which splits resolved dossiers into early / on time / late."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import (
    Boolean,
    Date,
    Integer,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from portal.calendar import VN_TZ
from portal.catalog.models import Agency, AgencyKind
from portal.core.i18n import N_
from portal.core.models import UTCDateTime, utcnow
from portal.dossiers.models import Channel, Dossier, DossierState
from portal.extensions import db
from portal.workflow.models import Pause
from portal.workflow.overdue import holds_clock

S = DossierState


# --- the period ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """Local dates, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period ends on or after its start")

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time(), VN_TZ).astimezone(UTC)

    @property
    def end_at(self) -> datetime:
        """The first instant after the period (exclusive bound)."""
        return datetime.combine(self.end + timedelta(days=1), time(), VN_TZ).astimezone(UTC)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls(date(year, month, 1), following - timedelta(days=1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = cls.month(year, 3 * quarter - 2)
        return cls(first.start, cls.month(year, 3 * quarter).end)

    @classmethod
    def report_year(cls, year: int) -> Period:
        """The centre's reporting year: 15/12 of the year before to 14/12 (report 62/BC-HCC)."""
        return cls(date(year - 1, 12, 15), date(year, 12, 14))


# --- the cells ----------------------------------------------------------------------------

class Cell(enum.StrEnum):
    RECEIVED = "received"  # carried over + online + direct (counter and postal)
    CARRIED = "carried"  # received before the period, unfinished at its start
    ONLINE = "online"
    DIRECT = "direct"  # at the counter or by post
    POSTAL = "postal"  # of which by post
    RESOLVED = "resolved"  # finished in the period, any ending
    ON_TIME = "on_time"  # finished no later than the due time (early included)
    EARLY = "early"  # finished on a day before the due day
    ON_DUE_DAY = "on_due_day"  # on time, on the due day itself
    LATE = "late"  # finished after the due time
    PENDING = "pending"  # unfinished at the period's end
    WITHIN = "within"  # pending, within the deadline (or waiting for the applicant)
    OVERDUE = "overdue"  # pending and past the due time
    OVERDUE_PREV = "overdue_prev"  # … received before the period
    OVERDUE_THIS = "overdue_this"  # … received in the period
    WITHDRAWN = "withdrawn"  # resolved by the applicant's withdrawal
    RETURNED = "returned"  # resolved by refusal or a stop: handed back without a result
    ON_THE_SPOT = "on_the_spot"  # received and resolved in one act at the counter

    @property
    def label(self) -> str:
        return CELL_LABELS[self]


CELL_LABELS = {
    Cell.RECEIVED: N_("Tổng số hồ sơ tiếp nhận"),
    Cell.CARRIED: N_("Kỳ trước chuyển qua"),
    Cell.ONLINE: N_("Trực tuyến"),
    Cell.DIRECT: N_("Trực tiếp, bưu chính"),
    Cell.POSTAL: N_("Qua bưu chính"),
    Cell.RESOLVED: N_("Đã giải quyết"),
    Cell.ON_TIME: N_("Đúng hạn"),
    Cell.EARLY: N_("Trước hạn"),
    Cell.ON_DUE_DAY: N_("Đúng hạn (trong ngày hẹn)"),
    Cell.LATE: N_("Quá hạn"),
    Cell.PENDING: N_("Đang giải quyết"),
    Cell.WITHIN: N_("Trong hạn"),
    Cell.OVERDUE: N_("Quá hạn"),
    Cell.OVERDUE_PREV: N_("Quá hạn (tiếp nhận kỳ trước)"),
    Cell.OVERDUE_THIS: N_("Quá hạn (tiếp nhận trong kỳ)"),
    Cell.WITHDRAWN: N_("Hồ sơ rút"),
    Cell.RETURNED: N_("Hồ sơ trả lại"),
    Cell.ON_THE_SPOT: N_("Giải quyết ngay tại quầy"),
}


@dataclass(frozen=True)
class Layout:
    key: str
    title: str
    # (group heading, cells under it); a group of one cell spans two header rows.
    groups: tuple[tuple[str, tuple[Cell, ...]], ...]

    @property
    def cells(self) -> tuple[Cell, ...]:
        return tuple(c for _, cells in self.groups for c in cells)


LAYOUT_A = Layout("A", N_("Mẫu Phụ lục 1 (Báo cáo của Trung tâm)"), (
    (N_("Số hồ sơ tiếp nhận"), (Cell.RECEIVED, Cell.ONLINE, Cell.CARRIED, Cell.DIRECT)),
    (N_("Số hồ sơ đã giải quyết"), (Cell.RESOLVED, Cell.ON_TIME, Cell.LATE)),
    (N_("Số hồ sơ đang giải quyết"), (Cell.PENDING, Cell.WITHIN, Cell.OVERDUE_PREV,
                                      Cell.OVERDUE_THIS)),
    (N_("Hồ sơ rút"), (Cell.WITHDRAWN,)),
    (N_("Hồ sơ trả lại"), (Cell.RETURNED,)),
))
LAYOUT_B = Layout("B", N_("Mẫu II.06a (Thông tư 01/2020/TT-VPCP)"), (
    (N_("Số hồ sơ nhận giải quyết"), (Cell.RECEIVED, Cell.CARRIED, Cell.ONLINE, Cell.DIRECT)),
    (N_("Số hồ sơ đã giải quyết"), (Cell.RESOLVED, Cell.EARLY, Cell.ON_DUE_DAY, Cell.LATE)),
    (N_("Số hồ sơ đang giải quyết"), (Cell.PENDING, Cell.WITHIN, Cell.OVERDUE)),
))
LAYOUTS = {layout.key: layout for layout in (LAYOUT_A, LAYOUT_B)}


class local_date(FunctionElement):
    """The Vietnamese calendar date of a UTC timestamp column (UTC+7, no DST)."""

    type = Date()
    inherit_cache = True


@compiles(local_date, "sqlite")
def _local_date_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+7 hours')"


@compiles(local_date)
def _local_date_postgresql(element, compiler, **kw):
    column = compiler.process(element.clauses, **kw)
    return f"CAST(({column} AT TIME ZONE INTERVAL '+07:00') AS DATE)"


class local_day(FunctionElement):
    """The Vietnamese calendar day of a UTC timestamp column (UTC+7, no DST), as a value that
    orders like the day: only ever compared with another ``local_day``."""

    type = Integer()
    inherit_cache = True


@compiles(local_day, "sqlite")
def _local_day_sqlite(element, compiler, **kw):
    # The Julian day number starts at noon UTC: + 0.5 moves it to midnight UTC, + 7/24 to
    # midnight in Viet Nam (cheaper than formatting a date() for every row).
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) + 0.7916666666666666 " \
           "AS INTEGER)"


@compiles(local_day)
def _local_day_postgresql(element, compiler, **kw):
    # A fixed offset, not the zone's name: Viet Nam keeps UTC+7 all year, and PostgreSQL
    # converts with an interval about twice as fast as through the time zone database.
    return _local_date_postgresql(element, compiler, **kw)


def _paused_at(instant: datetime):
    """Dossiers whose clock was held at ``instant`` (one row each), by the rule every
    overdue judgement shares (``portal.workflow.overdue.holds_clock``): only a pause that
    began with working time left holds it; papers asked for after the due time had passed
    leave the dossier overdue while it waits, as it will be once they come."""
    return (select(Pause.dossier_id.label("dossier_id"))
            .where(holds_clock(instant))
            .group_by(Pause.dossier_id)
            .subquery("paused_at_end"))


@dataclass(frozen=True)
class Frame:
    """The FROM clause and the conditions of one period."""

    source: object
    counts: ColumnElement[bool]
    cells: dict[Cell, ColumnElement[bool]]


def period_frame(period: Period, now: datetime | None = None) -> Frame:
    """``now``: a period that has not ended yet judges "overdue" as of now (a dossier due
    at 17:00 today is not overdue this morning); a past period, as of its end."""
    start, end = period.start_at, period.end_at
    judged_at = min(end, now or utcnow())
    d = Dossier
    paused = _paused_at(judged_at)
    source = d.__table__.outerjoin(paused, paused.c.dossier_id == d.id)
    counts = and_(d.received_at.is_not(None), d.received_at < end,
                  or_(d.finished_at.is_(None), d.finished_at >= start))
    carried = d.received_at < start
    new = d.received_at >= start
    resolved = and_(d.finished_at.is_not(None), d.finished_at < end)
    pending = or_(d.finished_at.is_(None), d.finished_at >= end)
    late = and_(resolved, d.finished_at > d.due_at)
    # A received dossier always has a due time (workflow invariant); were one missing, it
    # counts as on time rather than in neither column.
    on_time = and_(resolved, or_(d.due_at.is_(None), d.finished_at <= d.due_at))
    early = and_(on_time, local_day(d.finished_at) < local_day(d.due_at))
    # Were a due time missing, the dossier is within its deadline (as it is on time when
    # resolved): without the explicit test SQL's NULL would put it in neither column.
    overdue = and_(pending, d.due_at.is_not(None), d.due_at < judged_at,
                   paused.c.dossier_id.is_(None))
    cells = {
        Cell.RECEIVED: literal(True),
        Cell.CARRIED: carried,
        Cell.ONLINE: and_(new, d.channel == Channel.ONLINE),
        Cell.DIRECT: and_(new, d.channel.in_([Channel.COUNTER, Channel.POSTAL])),
        Cell.POSTAL: and_(new, d.channel == Channel.POSTAL),
        Cell.RESOLVED: resolved,
        Cell.ON_TIME: on_time,
        Cell.EARLY: early,
        Cell.ON_DUE_DAY: and_(on_time, not_(local_day(d.finished_at) < local_day(d.due_at))),
        Cell.LATE: late,
        Cell.PENDING: pending,
        Cell.WITHIN: and_(pending, not_(overdue)),
        Cell.OVERDUE: overdue,
        Cell.OVERDUE_PREV: and_(overdue, carried),
        Cell.OVERDUE_THIS: and_(overdue, new),
        Cell.WITHDRAWN: and_(resolved, d.state == S.WITHDRAWN),
        Cell.RETURNED: and_(resolved, d.state.in_([S.REFUSED, S.STOPPED])),
        Cell.ON_THE_SPOT: and_(resolved, new, d.finished_at == d.received_at,
                               d.state == S.RETURNED),
    }
    return Frame(source, counts, cells)


# --- counting -----------------------------------------------------------------------------

@dataclass
class Row:
    agency: Agency | None  # None: the total row
    counts: dict[Cell, int] = field(default_factory=dict)

    def __getitem__(self, cell: Cell) -> int:
        return self.counts.get(cell, 0)

    @property
    def on_time_rate(self) -> float | None:
        """On-time share of the resolved dossiers (None when nothing was resolved)."""
        resolved = self[Cell.RESOLVED]
        return self[Cell.ON_TIME] / resolved if resolved else None


@dataclass
class Table:
    period: Period
    rows: list[Row]
    total: Row


AGENCY_GROUPS = {
    "so-nganh": (N_("Các sở, ban, ngành"), (AgencyKind.DEPARTMENT,)),
    "dat-dai": (N_("Bộ phận đất đai"), (AgencyKind.LAND,)),
    "khac": (N_("Cơ quan khác"), (AgencyKind.OFFICE, AgencyKind.COMMITTEE)),
}


def agencies(kinds: Iterable[AgencyKind] | None = None,
             ids: Iterable[int] | None = None) -> list[Agency]:
    query = select(Agency).order_by(Agency.position, Agency.name)
    if kinds is not None:
        query = query.where(Agency.kind.in_(list(kinds)))
    if ids is not None:
        query = query.where(Agency.id.in_(list(ids) or [-1]))
    return list(db.session.scalars(query))


def table(period: Period, among: Sequence[Agency], cells: Iterable[Cell] = tuple(Cell),
          now: datetime | None = None) -> Table:
    """One row per agency in ``among`` (in that order, zeros included) and the total row.

    The same numbers as ``table_direct`` (the definitions, counted over every dossier of the
    period), read at volume (issue 19, docs/statistics.md "How the table is computed at
    volume"): the receptions and endings from the daily rollup ``stats_day`` (summed over the
    period's days, plus the few dossiers the rollup leaves out, counted directly), the cells
    judged at an instant from the dossiers open at it (``spanning``), and received = carried
    over + online + direct."""
    cells = list(dict.fromkeys(cells))
    return _assemble(period, among, cells, _fast_counts(period, _ids(among), set(cells), now))


def table_direct(period: Period, among: Sequence[Agency], cells: Iterable[Cell] = tuple(Cell),
                 now: datetime | None = None) -> Table:
    """``table`` by the definitions themselves: one aggregate over every dossier counted in
    the period (the truth the tests compare ``table`` with)."""
    cells = list(dict.fromkeys(cells))
    frame = period_frame(period, now)
    query = (select(Dossier.agency_id, *_sums(frame, cells)).select_from(frame.source)
             .where(frame.counts, Dossier.agency_id.in_(_ids(among)))
             .group_by(Dossier.agency_id))
    return _assemble(period, among, cells, _by_agency(query, cells))


def _ids(among: Sequence[Agency]) -> list[int]:
    return [a.id for a in among] or [-1]


def _sums(frame: Frame, cells: Iterable[Cell]) -> list:
    return [func.coalesce(func.sum(case((frame.cells[c], 1), else_=0)), 0).label(c.value)
            for c in cells]


def _by_agency(query, cells: Sequence[Cell]) -> dict[int, dict[Cell, int]]:
    return {r.agency_id: {c: int(getattr(r, c.value) or 0) for c in cells}
            for r in db.session.execute(query)}


def _assemble(period: Period, among: Sequence[Agency], cells: Sequence[Cell],
              found: dict[int, dict[Cell, int]]) -> Table:
    rows, total = [], Row(None, {c: 0 for c in cells})
    for agency in among:
        hit = found.get(agency.id, {})
        row = Row(agency, {c: hit.get(c, 0) for c in cells})
        for c in cells:
            total.counts[c] += row.counts[c]
        rows.append(row)
    return Table(period, rows, total)


# --- at volume (issue 19) -------------------------------------------------------------------

# The cells summed from the daily rollup (portal/stats/days.py), by its column names.
ROLLUP_CELLS = {Cell.ONLINE: "online", Cell.DIRECT: "direct", Cell.POSTAL: "postal",
                Cell.RESOLVED: "resolved", Cell.ON_TIME: "on_time", Cell.EARLY: "early",
                Cell.ON_DUE_DAY: "on_due_day", Cell.LATE: "late",
                Cell.WITHDRAWN: "withdrawn", Cell.RETURNED: "returned",
                Cell.ON_THE_SPOT: "on_the_spot"}
# The cells of the dossiers open at the period's end (counted and pending there).
AT_END_CELLS = (Cell.PENDING, Cell.WITHIN, Cell.OVERDUE, Cell.OVERDUE_PREV, Cell.OVERDUE_THIS)


class spanning(FunctionElement):
    """The received dossier is open at the instant: received before it and not finished
    before it — the range (received_at, finished_at] contains it. On PostgreSQL written as
    the range of the GiST index ``ix_dossier_open_span`` (models.SPAN_SQL) so that the index
    finds the few open dossiers among millions; elsewhere as the plain comparisons. A dossier
    finished before its reception (an anomaly) is open at no instant either way."""

    type = Boolean()
    inherit_cache = True
    name = "spanning"


def spans(instant: datetime) -> spanning:
    return spanning(literal(instant, UTCDateTime()))


@compiles(spanning)
def _spanning_postgresql(element, compiler, **kw):
    d, instant = Dossier, list(element.clauses)[0]
    upper = case((d.finished_at < d.received_at, d.received_at), else_=d.finished_at)
    span = func.tstzrange(d.received_at, upper, literal_column("'(]'"))
    return compiler.process(and_(d.received_at.is_not(None),
                                 span.op("@>")(cast(instant, UTCDateTime()))), **kw)


@compiles(spanning, "sqlite")
def _spanning_sqlite(element, compiler, **kw):
    d, instant = Dossier, list(element.clauses)[0]
    return compiler.process(and_(d.received_at.is_not(None), d.received_at < instant,
                                 or_(d.finished_at.is_(None), d.finished_at >= instant)), **kw)


def _fast_counts(period: Period, ids: list[int], wanted: set[Cell],
                 now: datetime | None) -> dict[int, dict[Cell, int]]:
    from portal.stats.days import StatsDay

    need = set(wanted)
    if Cell.RECEIVED in need:
        need |= {Cell.CARRIED, Cell.ONLINE, Cell.DIRECT}
    found: dict[int, dict[Cell, int]] = {}

    def add(rows: dict[int, dict[Cell, int]]) -> None:
        for agency_id, counts in rows.items():
            mine = found.setdefault(agency_id, {})
            for cell, n in counts.items():
                mine[cell] = mine.get(cell, 0) + n

    frame = period_frame(period, now)
    d = Dossier
    summed = [c for c in ROLLUP_CELLS if c in need]
    if summed:
        days = StatsDay.__table__
        add(_by_agency(
            select(days.c.agency_id,
                   *(func.sum(days.c[ROLLUP_CELLS[c]]).label(c.value) for c in summed))
            .where(days.c.agency_id.in_(ids), days.c.day >= period.start,
                   days.c.day <= period.end)
            .group_by(days.c.agency_id), summed))
        # The dossiers the rollup leaves out (finished before their reception), directly —
        # when there are any: the probe reads the (normally empty) partial index
        # ix_dossier_finished_before_received, which the planner cannot know is empty.
        anomaly = and_(d.agency_id.in_(ids), d.finished_at < d.received_at)
        if db.session.scalar(select(literal(1)).where(anomaly).limit(1)):
            add(_by_agency(
                select(d.agency_id, *_sums(frame, summed)).select_from(frame.source)
                .where(frame.counts, anomaly).group_by(d.agency_id), summed))
    at_end = [c for c in AT_END_CELLS if c in need]
    if at_end:
        add(_open_at_end(period, min(period.end_at, now or utcnow()), ids, at_end))
    if Cell.CARRIED in need:
        # Carried over is "open at the period's start".
        add(_by_agency(
            select(d.agency_id, func.count().label(Cell.CARRIED.value))
            .where(spans(period.start_at), d.agency_id.in_(ids))
            .group_by(d.agency_id), [Cell.CARRIED]))
    for counts in found.values():
        counts[Cell.RECEIVED] = sum(counts.get(c, 0)
                                    for c in (Cell.CARRIED, Cell.ONLINE, Cell.DIRECT))
    return found


def _open_at_end(period: Period, judged_at: datetime, ids: list[int],
                 cells: Sequence[Cell]) -> dict[int, dict[Cell, int]]:
    """The cells judged at the period's end, over the dossiers open then — each of them
    counted and pending (``spans``). Overdue, as ``period_frame`` defines it: past the due
    time at the judged instant, and no pause holding the clock then; within = pending −
    overdue; overdue (previous / this period) split by the reception. A dossier's pauses are
    looked up only once it is past due, in the pauses holding a clock at that instant hashed
    once (PostgreSQL's hashed subplan); OFFSET 0 keeps each dossier's verdict computed once,
    not once per sum."""
    d = Dossier
    held = select(Pause.dossier_id).where(holds_clock(judged_at))
    overdue = case((or_(d.due_at.is_(None), d.due_at >= judged_at), 0), (d.id.in_(held), 0),
                   else_=1)
    verdicts = (select(d.agency_id.label("agency_id"), overdue.label("overdue"),
                       case((d.received_at < period.start_at, 1), else_=0).label("carried"))
                .where(spans(period.end_at), d.agency_id.in_(ids)).offset(0).subquery())
    v = verdicts.c
    found = {}
    for agency_id, pending, late, late_carried in db.session.execute(
            select(v.agency_id, func.count(), func.sum(v.overdue),
                   func.sum(v.overdue * v.carried)).group_by(v.agency_id)):
        late, late_carried = int(late or 0), int(late_carried or 0)
        counts = {Cell.PENDING: pending, Cell.WITHIN: pending - late, Cell.OVERDUE: late,
                  Cell.OVERDUE_PREV: late_carried, Cell.OVERDUE_THIS: late - late_carried}
        found[agency_id] = {c: counts[c] for c in cells}
    return found


def dossiers_query(period: Period, cell: Cell, agency_ids: Sequence[int]) -> Select:
    """The dossiers behind one number (newest reception first)."""
    frame = period_frame(period)
    return (select(Dossier).select_from(frame.source)
            .where(frame.counts, frame.cells[cell], Dossier.agency_id.in_(list(agency_ids)
                                                                            or [-1]))
            .order_by(Dossier.received_at.desc(), Dossier.id.desc()))


def count_all() -> int:
    """A plain ``COUNT(*)`` over the dossier table: the benchmarks' baseline."""
    return db.session.scalar(select(func.count()).select_from(Dossier)) or 0
