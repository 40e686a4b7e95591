"""Working-time calendar: due dates and elapsed working time for administrative dossiers.

Legal basis. Processing times of administrative procedures are counted in *working days*
(Decree 118/2025/NĐ-CP on the one-stop-shop mechanism, continuing the practice of
Circular 01/2018/TT-VPCP): weekends, public holidays and official days off do not count, and
the clock only runs during office sessions. Some procedures have a daily cut-off: e.g. a
mortgage (security-interest) registration received after 15:00 is counted from the next
working morning.

Semantics (all enforced by tests/unit/calendar):

* Every datetime argument must be timezone-aware (naive -> ``ValueError``); results are in
  ``VN_TZ`` (Asia/Ho_Chi_Minh, UTC+7, no DST, so local wall-clock arithmetic is exact).
* A working day is a date that is an admin ``extra_working_days`` entry, or else is not an admin
  ``days_off`` entry, not a public holiday (when ``use_public_holidays``) and either a regular
  weekday or a make-up Saturday worked in exchange for a swapped public day off.
* Working time only flows inside sessions (start inclusive, end exclusive) of working days.
  ``day_length`` is the sum of session lengths; 1 working day == ``day_length`` (8 h default).
* ``add``: ``counted_from`` is the received instant, unless (a) a ``cutoff`` is given and the
  local receipt time is on a working day at/after it -> first session start of the next working
  day, or (b) the instant is not a working instant -> the next working instant. Then DAYS n adds
  ``n * day_length`` of working time, HOURS n adds n hours, SAME_DAY gives the end of the last
  session of ``counted_from``'s day. A positive addition that ends exactly at a session end stays
  there (07:30 Monday + 1 day = 17:00 Monday, not 07:30 Tuesday), so ``due`` is always either a
  working instant or the end of a session on a working day. Zero duration -> ``counted_from``.
* ``elapsed(a, b, pauses)``: working time in [a, b) minus the working time covered by the union
  of the pauses clipped to [a, b]; never negative.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from itertools import accumulate
from zoneinfo import ZoneInfo

from . import holidays_vn as hv

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Guards against rules with no working day at all (e.g. empty weekdays): fail, don't spin.
_MAX_SCAN_DAYS = 3700
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class _Language:
    """The wording of a deadline's explanation in one language."""
    index: int  # in the (vi, en) pairs of day-off reasons
    why: dict[str | None, str]
    fmt_dt: Callable[[datetime], str]
    fmt_date: Callable[[date], str]
    join: Callable[[list[str]], str]
    duration: Callable[[Duration], str]
    received: str
    after_off: str
    same_day: str
    plus: str
    excluding: str
    make_up: str
    due: str


VI = _Language(0, hv.WHY_VI, hv.fmt_dt_vi, hv.fmt_date_vi, hv.join_vi, lambda d: d.label_vi(),
               "Nhận lúc {at}, ", " (sau nghỉ {})", "; giải quyết trong ngày", "; cộng {}",
               "không tính ngày nghỉ {}", "có tính ngày làm bù {}", ", hẹn trả {}.")
EN = _Language(1, hv.WHY_EN, hv.fmt_dt_en, hv.fmt_date_en, hv.join_en, lambda d: d.label_en(),
               "Received at {at}, ", " (after {})", "; settled the same day", "; plus {}",
               "excluding {}", "including make-up working day {}", ", due {}.")


@dataclass(frozen=True)
class Session:
    """One office session in local time, [start, end)."""

    start: time
    end: time

    @property
    def length(self) -> timedelta:
        return datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)


class DurationUnit(StrEnum):
    DAYS = "days"  # working days
    HOURS = "hours"  # working hours
    SAME_DAY = "same_day"  # end of the (effective) receiving working day


@dataclass(frozen=True)
class Duration:
    amount: int  # ignored for SAME_DAY (use 0)
    unit: DurationUnit

    def __post_init__(self) -> None:
        # Values loaded from a database arrive as plain strings; accept them.
        object.__setattr__(self, "unit", DurationUnit(self.unit))
        if self.amount < 0:
            raise ValueError("duration amount must not be negative")

    def label_vi(self) -> str:
        if self.unit is DurationUnit.SAME_DAY:
            return "Trong ngày"
        word = "ngày" if self.unit is DurationUnit.DAYS else "giờ"
        return f"{self.amount} {word} làm việc"

    def label_en(self) -> str:
        if self.unit is DurationUnit.SAME_DAY:
            return "Same day"
        word = "day" if self.unit is DurationUnit.DAYS else "hour"
        return f"{self.amount} working {word}{'' if self.amount == 1 else 's'}"


@dataclass(frozen=True)
class CalendarRules:
    sessions: tuple[Session, ...] = (
        Session(time(7, 30), time(11, 30)),
        Session(time(13, 0), time(17, 0)),
    )
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Mon..Fri
    days_off: frozenset[date] = frozenset()  # admin: extra days off
    extra_working_days: frozenset[date] = frozenset()  # admin: compensatory working days
    use_public_holidays: bool = True  # VN public holidays (and their make-up Saturdays)

    def __post_init__(self) -> None:
        # Normalise so rules stay hashable even when built from lists/sets (e.g. admin forms).
        object.__setattr__(self, "sessions", tuple(self.sessions))
        for name in ("weekdays", "days_off", "extra_working_days"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))
        if not self.sessions:
            raise ValueError("at least one session is required")
        prev_end: time | None = None
        for s in self.sessions:
            if s.start >= s.end:
                raise ValueError(f"session {s.start}-{s.end} is empty or reversed")
            if prev_end is not None and s.start < prev_end:
                raise ValueError("sessions must be sorted and must not overlap")
            prev_end = s.end


@dataclass(frozen=True)
class Deadline:
    received_at: datetime  # the instant given, in VN_TZ
    counted_from: datetime  # effective start after cut-off / out-of-hours roll-over
    due: datetime
    duration: Duration
    # How the due time was found, for the explanations (written only when asked for: most
    # callers keep one language, and the 2019 replay computes 300,000 due times).
    why: str | None = field(default=None, repr=False, compare=False)
    cutoff: time | None = field(default=None, repr=False, compare=False)
    calendar: WorkCalendar | None = field(default=None, repr=False, compare=False)

    @property
    def explanation_vi(self) -> str:
        return self.calendar._explain(self, VI)

    @property
    def explanation_en(self) -> str:
        return self.calendar._explain(self, EN)


def _local(dt: datetime) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"naive datetime not allowed: {dt!r}")
    return dt.astimezone(VN_TZ)


def _days(a: date, b: date) -> Iterable[date]:
    """Dates d with a <= d < b."""
    d = a
    while d < b:
        yield d
        d += _ONE_DAY


class WorkCalendar:
    def __init__(self, rules: CalendarRules | None = None) -> None:
        self.rules = rules if rules is not None else CalendarRules()
        self.day_length: timedelta = sum((s.length for s in self.rules.sessions), timedelta())
        # Per-year working-day flags and prefix counts, built lazily: day lookups and
        # working-day counts over long spans (reports, elapsed) become O(1) per year.
        self._years: dict[int, tuple[tuple[bool, ...], tuple[int, ...]]] = {}
        # Working-day flags by ordinal, filled a year at a time (the hottest lookup), and
        # each day's session bounds as aware datetimes.
        self._flags: dict[int, bool] = {}
        self._day_bounds: dict[date, tuple[tuple[datetime, datetime], ...]] = {}

    # --- days ------------------------------------------------------------------------------

    def holiday_name(self, d: date) -> str | None:
        """Vietnamese name of a public holiday / admin day off (even if worked by admin order)."""
        if self.rules.use_public_holidays and (h := hv.holiday_on(d)) is not None:
            return h.name_vi
        if d in self.rules.days_off:
            return hv.ADMIN_DAY_OFF_VI
        return None

    def _year_table(self, year: int) -> tuple[tuple[bool, ...], tuple[int, ...]]:
        table = self._years.get(year)
        if table is None:
            first = date(year, 1, 1)
            n = date(year, 12, 31).toordinal() - first.toordinal() + 1
            flags = tuple(self._compute_working(first + timedelta(days=i)) for i in range(n))
            table = self._years[year] = (flags, tuple(accumulate(flags, initial=0)))
        return table

    def is_working_day(self, d: date) -> bool:
        flag = self._flags.get(d.toordinal())
        if flag is None:
            flags = self._year_table(d.year)[0]
            first = date(d.year, 1, 1).toordinal()
            self._flags.update(zip(range(first, first + len(flags)), flags, strict=True))
            flag = flags[d.toordinal() - first]
        return flag

    def _compute_working(self, d: date) -> bool:
        r = self.rules
        if d in r.extra_working_days:
            return True
        if d in r.days_off:
            return False
        if r.use_public_holidays:
            if hv.holiday_on(d) is not None:
                return False
            if hv.is_makeup_working_day(d):
                return True
        return d.weekday() in r.weekdays

    def working_days_between(self, a: date, b: date) -> int:
        """Number of working days d with a <= d < b (0 if b <= a)."""
        total = 0
        while a < b:
            end = b if b.year == a.year else date(a.year + 1, 1, 1)
            prefix = self._year_table(a.year)[1]
            lo = a.timetuple().tm_yday - 1
            total += prefix[lo + (end - a).days] - prefix[lo]
            a = end
        return total

    def _next_working_day(self, d: date) -> date:
        for _ in range(_MAX_SCAN_DAYS):
            d += _ONE_DAY
            if self.is_working_day(d):
                return d
        raise ValueError("no working day found within ten years; check the calendar rules")

    def _bounds(self, d: date) -> tuple[tuple[datetime, datetime], ...]:
        bounds = self._day_bounds.get(d)
        if bounds is None:
            if len(self._day_bounds) > 20_000:  # about 55 years of days: never in practice
                self._day_bounds.clear()
            bounds = self._day_bounds[d] = tuple(
                (datetime.combine(d, s.start, VN_TZ), datetime.combine(d, s.end, VN_TZ))
                for s in self.rules.sessions
            )
        return bounds

    # --- instants --------------------------------------------------------------------------

    def is_working_instant(self, dt: datetime) -> bool:
        t = _local(dt)
        if not self.is_working_day(t.date()):
            return False
        return any(s <= t < e for s, e in self._bounds(t.date()))

    def next_working_instant(self, dt: datetime) -> datetime:
        t = _local(dt)
        if self.is_working_day(t.date()):
            for s, e in self._bounds(t.date()):
                if t < e:
                    return max(s, t)
        return self._bounds(self._next_working_day(t.date()))[0][0]

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """Instant reached after ``amount`` of working time from ``start`` (no cut-off)."""
        if amount < timedelta():
            raise ValueError("amount must not be negative")
        cur = _local(start)
        if not amount:
            return cur
        remaining, d = amount, cur.date()
        while True:
            if self.is_working_day(d):
                for s, e in self._bounds(d):
                    if e <= cur:
                        continue
                    seg = max(s, cur)
                    # "<=" so that an addition ending exactly at a session end stays there.
                    if remaining <= e - seg:
                        return seg + remaining
                    remaining -= e - seg
            d = self._next_working_day(d)
            # Skip whole working days at once: 1000 working days must stay fast.
            while remaining > self.day_length:
                remaining -= self.day_length
                d = self._next_working_day(d)
            cur = self._bounds(d)[0][0]

    def _worked(self, a: datetime, b: datetime) -> timedelta:
        """Working time in [a, b); both local."""
        if b <= a:
            return timedelta()

        def part(d: date) -> timedelta:
            if not self.is_working_day(d):
                return timedelta()
            overlaps = (min(e, b) - max(s, a) for s, e in self._bounds(d))
            return sum((o for o in overlaps if o > timedelta()), timedelta())

        if a.date() == b.date():
            return part(a.date())
        middle = self.working_days_between(a.date() + _ONE_DAY, b.date())
        return part(a.date()) + middle * self.day_length + part(b.date())

    def elapsed(
        self, a: datetime, b: datetime, pauses: Iterable[tuple[datetime, datetime]] = ()
    ) -> timedelta:
        """Working time in [a, b) minus working time inside the pauses (clipped, merged)."""
        a, b = _local(a), _local(b)
        if b <= a:
            return timedelta()
        clipped = sorted((max(_local(p0), a), min(_local(p1), b)) for p0, p1 in pauses)
        # Merge overlapping pauses so shared time is subtracted once.
        merged: list[tuple[datetime, datetime]] = []
        for lo, hi in clipped:
            if hi <= lo:
                continue
            if merged and lo <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
            else:
                merged.append((lo, hi))
        total = self._worked(a, b) - sum((self._worked(lo, hi) for lo, hi in merged), timedelta())
        return max(total, timedelta())

    # --- deadlines -------------------------------------------------------------------------

    def _counted_from(self, t: datetime, cutoff: time | None) -> tuple[datetime, str | None]:
        d = t.date()
        working_day = self.is_working_day(d)
        if cutoff is not None and working_day and t.time() >= cutoff:
            return self._bounds(self._next_working_day(d))[0][0], "cutoff"
        if self.is_working_instant(t):
            return t, None
        bounds = self._bounds(d)
        if not working_day:
            why = "day_off"
        elif t < bounds[0][0]:
            why = "before"
        elif t >= bounds[-1][1]:
            why = "after"
        else:
            why = "break"
        return self.next_working_instant(t), why

    def add(self, start: datetime, duration: Duration, cutoff: time | None = None) -> Deadline:
        received = _local(start)
        counted, why = self._counted_from(received, cutoff)
        if duration.unit is DurationUnit.SAME_DAY:
            due = self._bounds(counted.date())[-1][1]
        else:
            unit = self.day_length if duration.unit is DurationUnit.DAYS else timedelta(hours=1)
            due = self.add_working_time(counted, duration.amount * unit)
        return Deadline(received, counted, due, duration, why, cutoff, self)

    def _off_labels(self, days: Iterable[date], weekends: bool, index: int) -> list[str]:
        """Distinct, ordered reasons why the given non-working days are off, in the language
        ``index`` of the (vi, en) pairs."""
        labels: list[str] = []
        for d in days:
            if self.is_working_day(d):
                continue
            h = hv.holiday_on(d) if self.rules.use_public_holidays else None
            if h is not None:
                pair = (h.group_vi, h.group_en)
            elif d in self.rules.days_off:
                pair = ("ngày nghỉ theo quyết định của quản trị", "the administrator's day off")
            elif not weekends:
                continue
            elif d.weekday() >= 5:
                pair = ("cuối tuần", "the weekend")
            else:
                pair = ("ngày không làm việc trong tuần", "a non-working weekday")
            if pair[index] not in labels:
                labels.append(pair[index])
        return labels

    def _explain(self, deadline: Deadline, lang: _Language) -> str:
        """Why ``deadline`` is due when it is, in one language."""
        received, counted, due = deadline.received_at, deadline.counted_from, deadline.due
        cutoff, duration = deadline.cutoff, deadline.duration
        exact = cutoff is not None and received.time() == cutoff
        text = lang.received.format(at=lang.fmt_dt(received)) + lang.why[deadline.why].format(
            at=lang.fmt_dt(counted), cutoff=f"{cutoff:%H:%M}" if cutoff else "",
            cutoff_vi="đúng" if exact else "sau", cutoff_en="at" if exact else "after")
        # Days skipped by the roll-over, named (weekend, Tết, admin day off...).
        off = self._off_labels(_days(received.date(), counted.date()), True, lang.index)
        if off:
            text += lang.after_off.format(lang.join(off))
        if duration.unit is DurationUnit.SAME_DAY:
            text += lang.same_day
        else:
            text += lang.plus.format(lang.duration(duration))
            span = list(_days(counted.date() + _ONE_DAY, due.date()))
            # Weekends are obviously skipped; holidays and make-up Saturdays are worth saying.
            holidays = self._off_labels(span, False, lang.index)
            notes = [lang.excluding.format(lang.join(holidays))] if holidays else []
            extra = [
                d for d in span if d.weekday() not in self.rules.weekdays and self.is_working_day(d)
            ]
            if extra:
                notes.append(lang.make_up.format(lang.join([lang.fmt_date(d) for d in extra])))
            if notes:
                text += f" ({'; '.join(notes)})"
        return text + lang.due.format(lang.fmt_dt(due))
