"""A procedure and a reception instant for each plan (pure: no database, no Flask): on a
working day of the real calendar, within office hours, where the plan's fate can follow."""

from __future__ import annotations

import math
import random
from bisect import bisect_left
from collections.abc import Callable, Sequence
from datetime import datetime, time, timedelta

from portal.calendar import VN_TZ, WorkCalendar
from portal.dossiers.models import Channel
from portal.replay.plan import (
    CARRIED_FROM,
    LAND_FROM,
    PERIOD,
    SEED,
    Fate,
    Plan,
    ProcedureInfo,
    Targets,
    fates,
    flags,
)


class Days:
    """The working days from ``CARRIED_FROM`` to the period's end, with an intake profile:
    busier on Mondays and in December, quieter around Tết and on Fridays."""

    def __init__(self, calendar: WorkCalendar):
        self.calendar = calendar
        day, days = CARRIED_FROM, []
        while day <= PERIOD.end:
            if calendar.is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        self.days = days
        month = {1: 1.1, 2: 0.75, 6: 0.95, 7: 0.95, 8: 0.95, 12: 1.15}
        weekday = {0: 1.2, 4: 0.9, 5: 0.7}
        total, self.cumulative = 0.0, []
        for d in days:
            total += month.get(d.month, 1.0) * weekday.get(d.weekday(), 1.0)
            self.cumulative.append(total)
        self.start = bisect_left(days, PERIOD.start)
        self.land = bisect_left(days, LAND_FROM)
        self.end = len(days)  # exclusive
        self.start_at = datetime.combine(PERIOD.start, time(), VN_TZ)
        self.end_at = datetime.combine(PERIOD.end + timedelta(days=1), time(), VN_TZ)

    def sample(self, lo: int, hi: int, rng: random.Random) -> int:
        """A working-day index in [lo, hi] (clamped), busier days likelier."""
        lo, hi = max(lo, 0), min(hi, self.end - 1)
        hi = max(hi, lo)
        below = self.cumulative[lo - 1] if lo else 0.0
        return min(bisect_left(self.cumulative, rng.uniform(below, self.cumulative[hi])), hi)

    def instant(self, index: int, rng: random.Random) -> datetime:
        """A time within the office sessions of that day (not in their first or last quarter
        hour: the intake itself takes a few minutes)."""
        sessions = self.calendar.rules.sessions
        minutes = [(s.start.hour * 60 + s.start.minute + 15, s.end.hour * 60 + s.end.minute - 15)
                   for s in sessions]
        length = sum(b - a for a, b in minutes)
        at = rng.uniform(0, length)
        for a, b in minutes:
            if at < b - a:
                break
            at -= b - a
        clock = a + at
        return datetime.combine(self.days[index], time(int(clock // 60), int(clock % 60),
                                                       int(clock * 60 % 60)), VN_TZ)


def _weights(procedures: Sequence[ProcedureInfo]) -> dict[int, float]:
    """Seven in ten dossiers go to the hand-written (real) procedures, the rest to the
    generated ones, most to the first (a long tail, as in any catalogue)."""
    real = [p for p in procedures if p.real]
    generated = sorted((p for p in procedures if not p.real), key=lambda p: p.code)
    weights = {p.version_id: (0.7 if generated else 1.0) / len(real) for p in real}
    tail = sum(1 / (rank + 1) for rank in range(len(generated)))
    for rank, p in enumerate(generated):
        weights[p.version_id] = (0.3 if real else 1.0) / (rank + 1) / tail
    return weights


def _choose(procedures: Sequence[ProcedureInfo], weights: dict[int, float],
            keep: Callable[[ProcedureInfo], bool], rng: random.Random) -> ProcedureInfo:
    candidates = [p for p in procedures if keep(p)]
    if not candidates:
        raise ValueError("no procedure fits")
    return rng.choices(candidates, [weights[p.version_id] for p in candidates])[0]


def place(t: Targets, plans: list[Plan], procedures: Sequence[ProcedureInfo], days: Days,
          rng: random.Random) -> None:
    """A procedure and a reception instant for each plan, such that its fate can happen."""
    weights = _weights(procedures)
    cal, end_at = days.calendar, days.end_at
    first = days.land if t.land else days.start
    spot = next((p for p in procedures if p.code == t.spot_code), None)

    def due(p: Plan) -> datetime:
        assert p.procedure is not None and p.received_at is not None
        return cal.add(p.received_at, p.procedure.duration, p.procedure.cutoff).due

    def keep(p: Plan, extra: Callable[[ProcedureInfo], bool] = lambda q: True):
        online = p.channel is Channel.ONLINE
        return lambda q: (not q.on_the_spot and q.inter_agency == p.inter_agency
                          and (q.online or not online) and extra(q))

    for p in plans:
        if p.fate is Fate.ON_THE_SPOT:
            if spot is None:
                raise ValueError(f"{t.code}: the on-the-spot procedure {t.spot_code} is missing")
            p.procedure = spot
            p.received_at = days.instant(days.sample(first, days.end, rng), rng)
        elif p.carried:
            _place_carried(p, procedures, weights, keep, due, days, rng)
        elif p.fate is Fate.OPEN:
            for _attempt in range(50):
                p.procedure = _choose(procedures, weights,
                                      keep(p, lambda q: q.working_days >= 2), rng)
                span = p.procedure.working_days
                p.received_at = days.instant(days.sample(days.end - span, days.end, rng), rng)
                if due(p) >= end_at:
                    break
            else:
                raise ValueError(f"{t.code}: no reception keeps a dossier open at the end")
        else:
            p.procedure = _choose(procedures, weights, keep(p), rng)
            span = p.procedure.working_days
            if p.fate is Fate.WAITING:
                lo, hi = days.end - 40, days.end
            elif p.fate is Fate.OVERDUE:
                hi = days.end - span - 2
                lo, hi = hi - 120, hi
            else:
                margin = (span + math.ceil(p.lateness_hours / 8) + p.supplement_days
                          + p.obligation_days + (6 if p.postal_return else 1))
                if p.inter_agency:
                    margin += 2
                lo, hi = first, days.end - margin
            for _attempt in range(50):
                p.received_at = days.instant(days.sample(max(lo, first), hi, rng), rng)
                if p.fate is not Fate.OVERDUE or due(p) < end_at - timedelta(hours=2):
                    break
            else:
                raise ValueError(f"{t.code}: no reception makes a dossier overdue at the end")
        p.filed_at = _filed(p, rng)


def _place_carried(p: Plan, procedures, weights, keep, due, days: Days,
                   rng: random.Random) -> None:
    """Received before the period, unfinished at its start: on-time ones must still be
    within their deadline when the period begins."""
    if p.fate is Fate.OVERDUE or p.late:
        p.procedure = _choose(procedures, weights, keep(p), rng)
        p.received_at = days.instant(days.sample(days.start - 70, days.start - 8, rng), rng)
        return
    for _attempt in range(100):
        p.procedure = _choose(procedures, weights, keep(p, lambda q: q.working_days >= 3), rng)
        back = rng.randint(1, max(1, p.procedure.working_days - 2))
        p.received_at = days.instant(days.start - back, rng)
        if due(p) >= days.start_at + timedelta(days=2):
            return
    raise ValueError(f"{p.agency}: no reception keeps a carried-over dossier on time")


def _filed(p: Plan, rng: random.Random) -> datetime:
    """When the dossier got its code: online, up to a day and a half before reception (any
    hour); at the counter or from the post, a few minutes before."""
    assert p.received_at is not None
    if p.channel is Channel.ONLINE:
        return p.received_at - timedelta(minutes=rng.randint(20, 36 * 60))
    return p.received_at - timedelta(minutes=rng.randint(3, 12))


def plan_agency(t: Targets, procedures: Sequence[ProcedureInfo], days: Days) -> list[Plan]:
    """Every dossier of one agency, in the order they got their codes."""
    rng = random.Random(f"{SEED}/{t.code}")
    plans = fates(t, rng)
    flags(t, plans, rng)
    place(t, plans, sorted(procedures, key=lambda p: p.code), days, rng)
    plans.sort(key=lambda p: (p.filed_at, p.received_at))
    for number, p in enumerate(plans, 1):
        p.number = number
    return plans
