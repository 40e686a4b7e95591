"""From the published numbers to one plan per dossier (pure: no database, no Flask).

Appendix 1 gives, per agency, how many dossiers were carried over, received online and
directly, resolved on time and late, withdrawn, returned, and pending within the deadline or
overdue. Each dossier gets a *fate* that makes it land in exactly those cells and a channel;
the text figures of the report (on the spot, by post, inter-agency) are shared out over the
agencies here too. ``placing`` then gives each plan a procedure and a reception instant, and
``stories`` plays it, choosing the later instants so that the finish falls before or after
the due time the receive action computes.

Everything is drawn from ``random.Random`` seeded by the agency's code: the same catalog gives
the same plans."""

from __future__ import annotations

import enum
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from portal.calendar import Duration, DurationUnit
from portal.dossiers.models import Channel
from portal.stats.figures import Cell, Period
from portal.stats.published import REPORT_TEXT_FIGURES

PERIOD = Period.report_year(2019)
CARRIED_FROM = date(2018, 8, 1)  # dossiers carried over were received from here on
LAND_FROM = date(2019, 7, 1)  # BRIEF: the land section came to the centre on 1/7/2019
SEED = "replay-2019"
MAX_LATENESS_HOURS = 30 * 8

# The report's on-the-spot dossiers, by procedure code: "cấp giấy kiểm dịch động vật … 4.486
# hồ sơ (Sở Nông nghiệp và PTNT); lĩnh vực xúc tiến thương mại 8.510 hồ sơ (Sở Công Thương)".
ON_THE_SPOT = {"1.003810": REPORT_TEXT_FIGURES["on_the_spot_animal_quarantine"],
               "2.000004": REPORT_TEXT_FIGURES["on_the_spot_trade_promotion"]}
# Inter-agency dossiers "thuộc các lĩnh vực đầu tư, đất đai, khoáng sản, môi trường, xây
# dựng…", late submissions "xảy ra nhiều nhất ở Sở Lao động": a share per department.
INTER_AGENCY_WEIGHTS = {"STNMT": 30, "SKHDT": 25, "SXD": 14, "SLDTBXH": 10, "STC": 5, "SNV": 4,
                        "STP": 4, "SYT": 3, "SCT": 2, "SNNPTNT": 2, "SVHTTDL": 1}
INTER_AGENCY_PENDING = {"STNMT": 4, "SKHDT": 3, "SXD": 2, "SLDTBXH": 2}


class Fate(enum.StrEnum):
    ON_THE_SPOT = "on_the_spot"  # received and resolved in one act at the counter
    RESULT = "result"  # approved, then handed over when that happens before the end
    WITHDRAWN = "withdrawn"
    REFUSED = "refused"
    STOPPED = "stopped"
    WAITING = "waiting"  # pending at the end, waiting for the applicant (clock paused)
    OPEN = "open"  # pending at the end, not yet due
    OVERDUE = "overdue"  # pending at the end, past its due time


PENDING_FATES = frozenset({Fate.WAITING, Fate.OPEN, Fate.OVERDUE})


@dataclass(frozen=True)
class ProcedureInfo:
    """What planning needs to know of a published procedure version."""

    version_id: int
    code: str
    online: bool
    on_the_spot: bool
    inter_agency: bool
    business: bool  # filed by an organisation only
    unit: str  # "days" | "hours" | "same_day"
    amount: int
    cutoff: time | None

    @property
    def duration(self) -> Duration:
        return Duration(self.amount, DurationUnit(self.unit))

    @property
    def working_days(self) -> int:
        """Working days the deadline may reach beyond the reception day (rounded up)."""
        if self.unit == "days":
            return self.amount
        if self.unit == "hours":
            return math.ceil(self.amount / 8)
        return 1 if self.cutoff else 0

    @property
    def real(self) -> bool:
        """Written by hand from the national catalogue (``9.`` codes are generated)."""
        return not self.code.startswith("9.")


@dataclass(frozen=True)
class Targets:
    """One agency's row as the portal is to show it, and its share of the text figures."""

    code: str
    land: bool
    cells: dict[Cell, int]
    spot_code: str | None = None
    spot_direct: int = 0
    spot_online: int = 0
    postal_in: int = 0
    postal_out: int = 0
    inter_agency: int = 0  # of which resolved: inter_agency - inter_agency_pending
    inter_agency_pending: int = 0


@dataclass
class Plan:
    agency: str
    carried: bool
    fate: Fate
    late: bool = False
    channel: Channel = Channel.COUNTER
    procedure: ProcedureInfo | None = None
    filed_at: datetime | None = None  # the code's instant: submission, or intake at the counter
    received_at: datetime | None = None
    number: int = 0  # intake order within the agency; seeds the story
    lateness_hours: float = 0.0
    inter_agency: bool = False
    supplement_days: int = 0  # supplement requested, answered after this many working days
    obligation_days: int = 0  # financial obligation notified, paid after this many
    apology: bool = False
    postal_return: bool = False
    account: bool = False  # the applicant has an account (always, online)

    @property
    def resolved(self) -> bool:
        return self.fate not in PENDING_FATES

    @property
    def version_id(self) -> int:
        assert self.procedure is not None
        return self.procedure.version_id


# --- sharing out ----------------------------------------------------------------------------

def apportion(total: int, weights: dict[str, float], caps: dict[str, int] | None = None
              ) -> dict[str, int]:
    """``total`` split in proportion to ``weights`` (largest remainders), none above its cap."""
    caps = caps or {}
    shares = {k: 0 for k in weights}
    left = total
    open_keys = [k for k, w in weights.items() if w > 0 and caps.get(k, total) > 0]
    while left > 0 and open_keys:
        weight = sum(weights[k] for k in open_keys)
        exact = {k: left * weights[k] / weight for k in open_keys}
        given = {k: min(math.floor(exact[k]), caps.get(k, total) - shares[k]) for k in open_keys}
        for k in sorted(open_keys, key=lambda k: (exact[k] - given[k], weights[k]),
                        reverse=True)[:left - sum(given.values())]:
            if given[k] < caps.get(k, total) - shares[k]:
                given[k] += 1
        if not any(given.values()):
            break
        for k, n in given.items():
            shares[k] += n
            left -= n
        open_keys = [k for k in open_keys if shares[k] < caps.get(k, total)]
    if left:
        raise ValueError(f"cannot share {total} out: {left} left over")
    return shares


def share_out(rows: Sequence[tuple[str, bool, dict[Cell, int]]],
              procedures: dict[str, Sequence[ProcedureInfo]]) -> list[Targets]:
    """The text figures of the report shared out over the agencies ``rows`` (code, is land,
    cells). Post and inter-agency dossiers fall to the departments: the land section's
    results were collected at the counter."""
    spot = {}
    for code, *_ in rows:
        owned = [p.code for p in procedures[code] if p.code in ON_THE_SPOT]
        spot[code] = owned[0] if owned else None
    split: dict[str, tuple[int, int]] = {}
    for code, _, cells in rows:
        count = ON_THE_SPOT.get(spot[code] or "", 0)
        online_ok = any(p.online for p in procedures[code] if p.code == spot[code])
        new = cells[Cell.ONLINE] + cells[Cell.DIRECT]
        online_rest = round((new - count) * cells[Cell.ONLINE] / new) if new else 0
        spot_online = min(count, cells[Cell.ONLINE] - online_rest) if online_ok else 0
        split[code] = (count - spot_online, spot_online)
    departments = [(code, cells) for code, land, cells in rows if not land]
    direct_rest = {c: cells[Cell.DIRECT] - split[c][0] for c, cells in departments}
    results = {c: cells[Cell.RESOLVED] - cells[Cell.WITHDRAWN] - cells[Cell.RETURNED]
               - sum(split[c]) for c, cells in departments}
    postal_in = apportion(REPORT_TEXT_FIGURES["received_by_post"], direct_rest, direct_rest)
    postal_out = apportion(REPORT_TEXT_FIGURES["returned_by_post"], results,
                           {c: n // 2 for c, n in results.items()})
    pending = {c: INTER_AGENCY_PENDING.get(c, 0) for c, _ in departments}
    resolved = apportion(REPORT_TEXT_FIGURES["inter_agency_resolved"],
                         {c: INTER_AGENCY_WEIGHTS.get(c, 0) for c, _ in departments},
                         {c: n // 4 for c, n in results.items()})
    return [Targets(code, land, dict(cells), spot[code], *split[code],
                    postal_in.get(code, 0), postal_out.get(code, 0),
                    resolved.get(code, 0) + pending.get(code, 0), pending.get(code, 0))
            for code, land, cells in rows]


# --- fates ---------------------------------------------------------------------------------

def fates(t: Targets, rng: random.Random) -> list[Plan]:
    """One plan per dossier the agency's row counts, with its fate (no procedure, no time)."""
    c = t.cells
    carried, pending_prev = c[Cell.CARRIED], c[Cell.OVERDUE_PREV]
    carried_resolved = carried - pending_prev
    spot = t.spot_direct + t.spot_online
    resolved = c[Cell.RESOLVED]
    late = c[Cell.LATE]
    # Dossiers carried over are more often late than the year's own.
    late_carried = min(carried_resolved, late,
                       round(carried_resolved * min(1.0, 2 * late / resolved)) if resolved else 0)
    new_resolved = resolved - carried_resolved - spot
    late_new = late - late_carried
    if late_new > new_resolved:
        late_carried += late_new - new_resolved
        late_new = new_resolved
    if min(carried_resolved, new_resolved, late_carried, new_resolved - late_new) < 0 \
            or late_carried > carried_resolved:
        raise ValueError(f"{t.code}: the published row cannot be planned")
    plans = [Plan(t.code, True, Fate.OVERDUE) for _ in range(pending_prev)]
    plans += [Plan(t.code, False, Fate.OVERDUE) for _ in range(c[Cell.OVERDUE_THIS])]
    for _ in range(c[Cell.WITHIN]):
        plans.append(Plan(t.code, False, Fate.WAITING if rng.random() < 0.45 else Fate.OPEN))
    plans += [Plan(t.code, False, Fate.ON_THE_SPOT) for _ in range(spot)]
    ended = ([Plan(t.code, True, Fate.RESULT, late=i < late_carried)
              for i in range(carried_resolved)]
             + [Plan(t.code, False, Fate.RESULT, late=i < late_new) for i in range(new_resolved)])
    endings = ([Fate.WITHDRAWN] * c[Cell.WITHDRAWN]
               + [Fate.STOPPED if rng.random() < 0.1 else Fate.REFUSED
                  for _ in range(c[Cell.RETURNED])])
    # Withdrawals and refusals happen mostly before the due time.
    order = sorted(range(len(ended)), key=lambda i: rng.random() + (0.85 if ended[i].late else 0))
    for index, ending in zip(order, endings, strict=False):
        ended[index].fate = ending
    if len(endings) > len(ended):
        raise ValueError(f"{t.code}: more withdrawals and returns than resolved dossiers")
    return plans + ended


def _pick(candidates: list[Plan], count: int, rng: random.Random, what: str,
          agency: str) -> list[Plan]:
    if count > len(candidates):
        raise ValueError(f"{agency}: {count} {what} wanted, {len(candidates)} possible")
    return rng.sample(candidates, count)


def flags(t: Targets, plans: list[Plan], rng: random.Random) -> None:
    """Channels, inter-agency, post, accounts, supplements, obligations, apologies."""
    new = [p for p in plans if not p.carried]
    results_new = [p for p in new if p.fate is Fate.RESULT]
    for p in _pick(results_new, t.inter_agency - t.inter_agency_pending, rng, "inter-agency",
                   t.code):
        p.inter_agency = True
    for p in _pick([p for p in new if p.fate in (Fate.OVERDUE, Fate.OPEN)],
                   t.inter_agency_pending, rng, "pending inter-agency", t.code):
        p.inter_agency = True
    spots = [p for p in new if p.fate is Fate.ON_THE_SPOT]
    for p in spots[:t.spot_online]:
        p.channel = Channel.ONLINE
    others = [p for p in new if p.fate is not Fate.ON_THE_SPOT and not p.inter_agency]
    for p in _pick(others, t.cells[Cell.ONLINE] - t.spot_online, rng, "online", t.code):
        p.channel = Channel.ONLINE
    direct = [p for p in new if p.channel is Channel.COUNTER and p.fate is not Fate.ON_THE_SPOT]
    for p in _pick(direct, t.postal_in, rng, "received by post", t.code):
        p.channel = Channel.POSTAL
    results = [p for p in plans if p.fate is Fate.RESULT]
    for p in _pick(results, t.postal_out, rng, "returned by post", t.code):
        p.postal_return = True
    for p in plans:
        p.account = (p.channel is Channel.ONLINE or p.fate is Fate.WITHDRAWN
                     or rng.random() < 0.03)
        if p.fate is Fate.RESULT and not p.carried and not p.inter_agency:
            if t.land and rng.random() < 0.35:
                p.obligation_days = rng.randint(1, 10)  # the tax notice, then payment
            elif rng.random() < 0.08:
                p.supplement_days = rng.randint(1, 8)
        elif p.fate is Fate.WAITING:
            if t.land and rng.random() < 0.5:
                p.obligation_days = 1
            else:
                p.supplement_days = 1
        if p.late and p.fate is Fate.RESULT:
            p.apology = rng.random() < 0.45
            hours = rng.random()
            p.lateness_hours = (rng.uniform(1, 16) if hours < 0.45 else
                                rng.uniform(16, 80) if hours < 0.85 else
                                rng.uniform(80, MAX_LATENESS_HOURS))
        elif p.late:
            p.lateness_hours = rng.uniform(1, 24)
        elif p.fate is Fate.OVERDUE:
            p.apology = rng.random() < 0.55
