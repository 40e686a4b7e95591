"""The daily rollup of the statistics table (issue 19): ``stats_day``, one row per agency and
local date, kept by database triggers on ``dossier`` in the same transaction as every change.

A received dossier adds to the row of (its agency, the local date of ``received_at``) its
channel — ``online``, ``direct`` (counter or post), ``postal`` — and, once finished, to the
row of (its agency, the local date of ``finished_at``) its ending: ``resolved``, ``on_time``,
``early``, ``on_due_day``, ``late``, ``withdrawn``, ``returned``, ``on_the_spot``, by exactly
the conditions of ``figures.period_frame``. Summing the rows of a period's days gives those
cells of the table for the period (a period's bounds are local midnights, so "received in the
period" is "received on one of its days"). The cells judged at an instant (carried over,
pending, within, overdue) are not in the rollup: ``figures`` counts them from the dossiers
open at that instant (``spanning``).

A dossier recorded as finished *before* it was received (no workflow does that; a hand edit
or an import could) is left out of the rollup: whether it counts in a period depends on both
dates at once. ``figures`` counts those few directly (``ANOMALY``, a partial index that is
normally empty), so the table stays exact whatever the data.

The trigger subtracts the old row's contribution and adds the new one's: after INSERT (of a
received dossier), DELETE, and UPDATE only when a column the rollup reads changed — most
workflow actions (assignments, steps, notes, files) do not fire it. One SQL text per engine:
a plpgsql function on PostgreSQL, three triggers with UPSERTs on SQLite. ``create_all`` makes
them (``metadata`` ``after_create``) and so does the migration ``7c3e9a4d2f18``.

``rebuild()`` recomputes the whole rollup from the dossiers in one statement (bulk loaders
may disable the triggers and call it); ``differences()`` compares the rollup with that same
direct computation (``flask stats check-days``, and the invariant checker's ``stats_days``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Date,
    ForeignKey,
    Integer,
    Select,
    and_,
    case,
    event,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal.dossiers.models import SPAN_SQL, Channel, Dossier, DossierState
from portal.extensions import db
from portal.stats.figures import local_date, local_day

S = DossierState

COLUMNS = ("online", "direct", "postal", "resolved", "on_time", "early", "on_due_day", "late",
           "withdrawn", "returned", "on_the_spot")
RECEPTION_COLUMNS = COLUMNS[:3]
ENDING_COLUMNS = COLUMNS[3:]


class StatsDay(db.Model):
    """The counts of one agency's local day (see the module's docstring)."""

    __tablename__ = "stats_day"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    online: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    direct: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    postal: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    resolved: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    on_time: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    early: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    on_due_day: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    late: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    withdrawn: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    returned: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    on_the_spot: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


# --- the triggers ---------------------------------------------------------------------------
# The conditions below are period_frame's, written in each engine's SQL: local_date /
# local_day as figures compiles them, the states and channels as stored (their values).

_PG_LOCAL = "CAST(({} AT TIME ZONE INTERVAL '+07:00') AS DATE)"

POSTGRESQL_FUNCTIONS = """
CREATE OR REPLACE FUNCTION stats_day_add(agency integer, received timestamptz,
    finished timestamptz, due timestamptz, chan varchar, st varchar, sign integer,
    reception boolean)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    on_time boolean;
    early boolean;
BEGIN
    IF received IS NULL OR finished < received THEN
        RETURN;
    END IF;
    IF reception THEN
        INSERT INTO stats_day AS s (agency_id, day, online, direct, postal)
        VALUES (agency, {received_day}, sign * (chan = 'online')::int,
                sign * (chan IN ('counter', 'postal'))::int, sign * (chan = 'postal')::int)
        ON CONFLICT (agency_id, day) DO UPDATE SET online = s.online + EXCLUDED.online,
            direct = s.direct + EXCLUDED.direct, postal = s.postal + EXCLUDED.postal;
    END IF;
    IF finished IS NULL THEN
        RETURN;
    END IF;
    on_time := due IS NULL OR finished <= due;
    early := on_time AND due IS NOT NULL AND {finished_day} < {due_day};
    INSERT INTO stats_day AS s (agency_id, day, resolved, on_time, early, on_due_day, late,
                                withdrawn, returned, on_the_spot)
    VALUES (agency, {finished_day}, sign, sign * on_time::int, sign * early::int,
            sign * (on_time AND due IS NOT NULL AND NOT early)::int,
            sign * COALESCE(finished > due, false)::int,
            sign * (st = 'withdrawn')::int, sign * (st IN ('refused', 'stopped'))::int,
            sign * (finished = received AND st = 'returned')::int)
    ON CONFLICT (agency_id, day) DO UPDATE SET resolved = s.resolved + EXCLUDED.resolved,
        on_time = s.on_time + EXCLUDED.on_time, early = s.early + EXCLUDED.early,
        on_due_day = s.on_due_day + EXCLUDED.on_due_day, late = s.late + EXCLUDED.late,
        withdrawn = s.withdrawn + EXCLUDED.withdrawn, returned = s.returned + EXCLUDED.returned,
        on_the_spot = s.on_the_spot + EXCLUDED.on_the_spot;
END
$$;

CREATE OR REPLACE FUNCTION stats_day_dossier() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    reception boolean := true;
BEGIN
    -- An ending (or a change of it) leaves the reception's counts as they were: only the
    -- ending's rows are written (one or two UPSERTs instead of three or four).
    IF TG_OP = 'UPDATE' AND OLD.agency_id = NEW.agency_id
            AND OLD.received_at = NEW.received_at AND OLD.channel = NEW.channel
            AND NOT COALESCE(OLD.finished_at < OLD.received_at, false)
            AND NOT COALESCE(NEW.finished_at < NEW.received_at, false) THEN
        reception := false;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM stats_day_add(OLD.agency_id, OLD.received_at, OLD.finished_at, OLD.due_at,
                              OLD.channel, OLD.state, -1, reception);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM stats_day_add(NEW.agency_id, NEW.received_at, NEW.finished_at, NEW.due_at,
                              NEW.channel, NEW.state, 1, reception);
    END IF;
    RETURN NULL;
END
$$;
""".format(received_day=_PG_LOCAL.format("received"), finished_day=_PG_LOCAL.format("finished"),
           due_day=_PG_LOCAL.format("due"))


def _update_when(distinct: str) -> str:
    """The UPDATE trigger's condition: a column the rollup reads changed — for a finished
    dossier, the due time, or the state *as the rollup sees it* (withdrawn, refused or
    stopped, returned on the spot): handing over a result (result_ready → returned) does not
    fire it, unless the dossier was resolved at the instant of its reception."""
    def changed(column):
        return f"OLD.{column} {distinct} NEW.{column}"

    def flag_changed(condition):
        return f"({condition.format('OLD')}) {distinct} ({condition.format('NEW')})"
    state = " OR ".join((
        flag_changed("{}.state = 'withdrawn'"),
        flag_changed("{}.state IN ('refused', 'stopped')"),
        f"((OLD.finished_at = OLD.received_at OR NEW.finished_at = NEW.received_at) AND "
        f"{flag_changed('{}.state = ' + repr('returned'))})"))
    return (f"(OLD.received_at IS NOT NULL OR NEW.received_at IS NOT NULL) AND ("
            f"{changed('received_at')} OR {changed('agency_id')} OR {changed('channel')} OR "
            f"((OLD.finished_at IS NOT NULL OR NEW.finished_at IS NOT NULL) AND ("
            f"{changed('finished_at')} OR {changed('due_at')} OR {state})))")


POSTGRESQL_TRIGGERS = (
    "CREATE TRIGGER stats_day_insert AFTER INSERT ON dossier FOR EACH ROW "
    "WHEN (NEW.received_at IS NOT NULL) EXECUTE FUNCTION stats_day_dossier()",
    "CREATE TRIGGER stats_day_delete AFTER DELETE ON dossier FOR EACH ROW "
    "WHEN (OLD.received_at IS NOT NULL) EXECUTE FUNCTION stats_day_dossier()",
    f"CREATE TRIGGER stats_day_update AFTER UPDATE ON dossier FOR EACH ROW "
    f"WHEN ({_update_when('IS DISTINCT FROM')}) EXECUTE FUNCTION stats_day_dossier()",
)
POSTGRESQL_DROP = (
    "DROP TRIGGER IF EXISTS stats_day_insert ON dossier",
    "DROP TRIGGER IF EXISTS stats_day_delete ON dossier",
    "DROP TRIGGER IF EXISTS stats_day_update ON dossier",
    "DROP FUNCTION IF EXISTS stats_day_dossier()",
    "DROP FUNCTION IF EXISTS stats_day_add(integer, timestamptz, timestamptz, timestamptz, "
    "varchar, varchar, integer, boolean)",
)

_SQLITE_DAY = "CAST(julianday({}) + 0.7916666666666666 AS INTEGER)"  # figures.local_day


def _sqlite_add(row: str, sign: int) -> str:
    """The two UPSERTs adding ``row``'s (OLD or NEW) contribution times ``sign``."""
    r, f, due = f"{row}.received_at", f"{row}.finished_at", f"{row}.due_at"
    chan, st = f"{row}.channel", f"{row}.state"
    on_time = f"({due} IS NULL OR {f} <= {due})"
    early = f"({due} IS NOT NULL AND {f} <= {due} AND {_SQLITE_DAY.format(f)} < " \
            f"{_SQLITE_DAY.format(due)})"
    on_due_day = f"({due} IS NOT NULL AND {f} <= {due} AND NOT {_SQLITE_DAY.format(f)} < " \
                 f"{_SQLITE_DAY.format(due)})"
    ending = {
        "resolved": "1", "on_time": on_time, "early": early, "on_due_day": on_due_day,
        "late": f"COALESCE({f} > {due}, 0)", "withdrawn": f"({st} = 'withdrawn')",
        "returned": f"({st} IN ('refused', 'stopped'))",
        "on_the_spot": f"({f} = {r} AND {st} = 'returned')",
    }
    reception = {"online": f"({chan} = 'online')",
                 "direct": f"({chan} IN ('counter', 'postal'))",
                 "postal": f"({chan} = 'postal')"}

    def upsert(day: str, values: dict[str, str], where: str) -> str:
        names = ", ".join(values)
        exprs = ", ".join(f"{sign} * {v}" for v in values.values())
        sets = ", ".join(f"{n} = {n} + excluded.{n}" for n in values)
        return (f"INSERT INTO stats_day (agency_id, day, {names}) "
                f"SELECT {row}.agency_id, date({day}, '+7 hours'), {exprs} WHERE {where} "
                f"ON CONFLICT (agency_id, day) DO UPDATE SET {sets};")

    received = f"{r} IS NOT NULL AND ({f} IS NULL OR {f} >= {r})"
    return (upsert(r, reception, received) + "\n"
            + upsert(f, ending, f"{r} IS NOT NULL AND {f} IS NOT NULL AND {f} >= {r}"))


SQLITE_TRIGGERS = (
    "CREATE TRIGGER stats_day_insert AFTER INSERT ON dossier FOR EACH ROW "
    f"WHEN NEW.received_at IS NOT NULL BEGIN\n{_sqlite_add('NEW', 1)}\nEND",
    "CREATE TRIGGER stats_day_delete AFTER DELETE ON dossier FOR EACH ROW "
    f"WHEN OLD.received_at IS NOT NULL BEGIN\n{_sqlite_add('OLD', -1)}\nEND",
    f"CREATE TRIGGER stats_day_update AFTER UPDATE ON dossier FOR EACH ROW "
    f"WHEN {_update_when('IS NOT')} BEGIN\n{_sqlite_add('OLD', -1)}\n"
    f"{_sqlite_add('NEW', 1)}\nEND",
)
SQLITE_DROP = tuple(f"DROP TRIGGER IF EXISTS stats_day_{name}"
                    for name in ("insert", "delete", "update"))


# Not an Index of the model: Alembic warns on an expression index it cannot compare
# (SQLite), so create_all and the migration make it here, and migrations/env.py leaves it
# out of the comparison.
# The columns the open dossiers' cells read ride in the index (INCLUDE): pending, within and
# overdue at an instant are then read from it alone where the pages are all-visible (an
# index-only scan: 33 ms instead of 94–139 ms for the 37,712 dossiers open at the end of a
# generated million, whose rows are scattered over 5,100 heap pages).
SPAN_INDEX = "ix_dossier_open_span"
POSTGRESQL_SPAN_INDEX = (f"CREATE INDEX IF NOT EXISTS {SPAN_INDEX} ON dossier USING gist "
                         f"({SPAN_SQL}) INCLUDE (agency_id, received_at, finished_at, due_at, id) "
                         f"WHERE received_at IS NOT NULL")
# The dossiers overdue-candidate at an instant (the charts' overdue at each month's end,
# trends.overdue_span): the ranges (due_at, finished_at] of the received dossiers finished
# late or not finished (a few percent of them), with the columns the charts then read.
OVERDUE_SPAN_INDEX = "ix_dossier_overdue_span"
OVERDUE_SPAN_SQL = "tstzrange(due_at, finished_at, '(]')"
OVERDUE_SPAN_WHERE = ("received_at IS NOT NULL AND due_at IS NOT NULL AND "
                      "(finished_at IS NULL OR finished_at > due_at)")
POSTGRESQL_OVERDUE_SPAN_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {OVERDUE_SPAN_INDEX} ON dossier USING gist "
    f"({OVERDUE_SPAN_SQL}) INCLUDE (agency_id, received_at, finished_at, id) "
    f"WHERE {OVERDUE_SPAN_WHERE}")


def create_triggers(connection) -> None:
    """Make the function and triggers on ``connection``'s engine (create_all, migration),
    and on PostgreSQL the open-span index."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(POSTGRESQL_SPAN_INDEX)
        connection.exec_driver_sql(POSTGRESQL_FUNCTIONS)
        statements = POSTGRESQL_TRIGGERS
    else:
        statements = SQLITE_TRIGGERS
    for statement in statements:
        connection.exec_driver_sql(statement)


def create_overdue_span_index(connection) -> None:
    """On PostgreSQL, ix_dossier_overdue_span (create_all, migration b81d4f6e2a93)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(POSTGRESQL_OVERDUE_SPAN_INDEX)


def drop_triggers(connection) -> None:
    statements = POSTGRESQL_DROP if connection.dialect.name == "postgresql" else SQLITE_DROP
    for statement in statements:
        connection.exec_driver_sql(statement)


@event.listens_for(db.metadata, "after_create")
def _after_create(metadata, connection, **kw) -> None:
    tables = kw.get("tables")
    if tables is None or any(t.name in ("dossier", "stats_day") for t in tables):
        drop_triggers(connection)
        create_triggers(connection)
        create_overdue_span_index(connection)


# --- the direct computation ------------------------------------------------------------------

def contributions() -> Select:
    """What the rollup should hold, from the dossiers (one GROUP BY): the rows of
    (agency, day) with their counts."""
    d = Dossier
    regular = or_(d.finished_at.is_(None), d.finished_at >= d.received_at)
    zero = literal(0)

    def flag(condition):
        return case((condition, 1), else_=0)

    reception = (select(d.agency_id.label("agency_id"),
                        local_date(d.received_at).label("day"),
                        flag(d.channel == Channel.ONLINE).label("online"),
                        flag(d.channel.in_([Channel.COUNTER, Channel.POSTAL])).label("direct"),
                        flag(d.channel == Channel.POSTAL).label("postal"),
                        *(zero.label(c) for c in ENDING_COLUMNS))
                 .where(d.received_at.is_not(None), regular))
    on_time = or_(d.due_at.is_(None), d.finished_at <= d.due_at)
    early_day = local_day(d.finished_at) < local_day(d.due_at)
    ending = (select(d.agency_id.label("agency_id"),
                     local_date(d.finished_at).label("day"),
                     *(zero.label(c) for c in RECEPTION_COLUMNS),
                     literal(1).label("resolved"),
                     flag(on_time).label("on_time"),
                     flag(and_(on_time, d.due_at.is_not(None), early_day)).label("early"),
                     flag(and_(on_time, d.due_at.is_not(None), ~early_day)).label("on_due_day"),
                     flag(d.finished_at > d.due_at).label("late"),
                     flag(d.state == S.WITHDRAWN).label("withdrawn"),
                     flag(d.state.in_([S.REFUSED, S.STOPPED])).label("returned"),
                     flag(and_(d.finished_at == d.received_at, d.state == S.RETURNED))
                     .label("on_the_spot"))
              .where(d.received_at.is_not(None), d.finished_at.is_not(None),
                     d.finished_at >= d.received_at))
    both = union_all(reception, ending).subquery("contribution")
    return (select(both.c.agency_id, both.c.day,
                   *(func.sum(both.c[c]).label(c) for c in COLUMNS))
            .group_by(both.c.agency_id, both.c.day))


def rebuild() -> int:
    """Recompute the whole rollup from the dossiers (in the caller's transaction; the caller
    commits). Returns the number of rows written."""
    table = StatsDay.__table__
    db.session.execute(table.delete())
    db.session.execute(table.insert().from_select(["agency_id", "day", *COLUMNS],
                                                  contributions()))
    return db.session.scalar(select(func.count()).select_from(table)) or 0


def differences_query() -> Select:
    """The (agency, day) rows where the rollup and the direct computation differ, with the
    rollup's value minus the direct one per column (an all-zero rollup row equals no row)."""
    table = StatsDay.__table__
    direct = contributions().subquery("direct")
    held = select(table.c.agency_id, table.c.day, *(table.c[c] for c in COLUMNS))
    wanted = select(direct.c.agency_id, direct.c.day, *(-direct.c[c] for c in COLUMNS))
    both = union_all(held, wanted).subquery("both_sides")
    sums = [func.sum(both.c[c]).label(c) for c in COLUMNS]
    return (select(both.c.agency_id, both.c.day, *sums)
            .group_by(both.c.agency_id, both.c.day)
            .having(or_(*(func.sum(both.c[c]) != 0 for c in COLUMNS)))
            .order_by(both.c.agency_id, both.c.day))


def differences(limit: int | None = None) -> list:
    query = differences_query()
    return list(db.session.execute(query if limit is None else query.limit(limit)))


def describe(row) -> str:
    """One difference for a person: the day, the agency, the columns off and by how much."""
    off = ", ".join(f"{c} {int(getattr(row, c)):+d}" for c in COLUMNS if getattr(row, c))
    return f"cơ quan #{row.agency_id}, ngày {row.day}: {off} (bảng tổng hợp − tính trực tiếp)"


__all__ = ["COLUMNS", "StatsDay", "contributions", "create_overdue_span_index",
           "create_triggers", "describe",
           "differences", "differences_query", "drop_triggers", "rebuild"]
