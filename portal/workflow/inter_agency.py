"""The inter-agency chain (*liên thông*, issue 18): where a forwarded dossier goes, and how long
each agency may hold it.

A procedure version lists the other agencies its dossiers pass through, in order, each with its
share of the legal processing time (``catalog.models.ProcedureInterAgency``: so many working
days, or a percentage of the procedure's time). The dossier's agency forwards to one of them
(the next one not visited yet by default); that agency records its result and its leader sends
the dossier back, or on to the agency after it in the chain. Each stay is one
``InterAgencyLeg``: sent at, due at (its share from the moment it was sent, by the calendar
engine), returned at — so a lateness belongs to the agency that held the dossier.

Pure reading functions; the actions that write legs are in ``workflow.actions``."""

from __future__ import annotations

import math
from datetime import datetime

from portal.calendar import Deadline, Duration, DurationUnit, WorkCalendar
from portal.catalog.models import ProcedureInterAgency, ProcedureVersion, ShareUnit, TimeUnit
from portal.dossiers.models import Dossier
from portal.workflow.models import InterAgencyLeg


def share_duration(version: ProcedureVersion, link: ProcedureInterAgency,
                   calendar: WorkCalendar) -> Duration:
    """An agency's share as a working duration: its days, or its percentage of the legal
    time (in working hours, rounded up)."""
    if link.share_unit is ShareUnit.DAYS:
        return Duration(link.share, DurationUnit.DAYS)
    day_hours = calendar.day_length.total_seconds() / 3600
    if version.time_unit is TimeUnit.DAYS:
        legal_hours = version.time_amount * day_hours
    elif version.time_unit is TimeUnit.HOURS:
        legal_hours = float(version.time_amount)
    else:  # same day: the working day
        legal_hours = day_hours
    return Duration(max(1, math.ceil(legal_hours * link.share / 100)), DurationUnit.HOURS)


def leg_deadline(version: ProcedureVersion, link: ProcedureInterAgency, sent_at: datetime,
                 calendar: WorkCalendar) -> Deadline:
    """When the agency of ``link`` must send back a dossier sent to it at ``sent_at``, with
    the calendar's one-sentence explanation (no cut-off hour: the clock runs from the send)."""
    return calendar.add(sent_at, share_duration(version, link, calendar))


def chain_of(dossier: Dossier) -> list[ProcedureInterAgency]:
    return list(dossier.procedure_version.chain)


def link_for(dossier: Dossier, agency_id: int | None) -> ProcedureInterAgency | None:
    return next((c for c in chain_of(dossier) if c.agency_id == agency_id), None)


def open_leg(dossier: Dossier) -> InterAgencyLeg | None:
    return next((leg for leg in dossier.legs if leg.returned_at is None), None)


def default_destination(dossier: Dossier) -> ProcedureInterAgency | None:
    """Where the dossier's agency forwards by default: the first agency of the chain that has
    not had the dossier yet, else the first of the chain."""
    chain = chain_of(dossier)
    visited = {leg.agency_id for leg in dossier.legs}
    return next((c for c in chain if c.agency_id not in visited), chain[0] if chain else None)


def onward_link(dossier: Dossier) -> ProcedureInterAgency | None:
    """The agency after the one holding the dossier in the chain, if any."""
    leg = open_leg(dossier)
    chain = chain_of(dossier)
    position = next((i for i, c in enumerate(chain) if leg and c.agency_id == leg.agency_id),
                    None)
    if position is None or position + 1 >= len(chain):
        return None
    return chain[position + 1]


def result_recorded(dossier: Dossier) -> bool:
    """The holding agency recorded its result (a dossier forwarded before the chains existed
    has no leg and needs none)."""
    leg = open_leg(dossier)
    return leg is None or leg.recorded_at is not None


def late_legs(dossier: Dossier, now: datetime) -> list[InterAgencyLeg]:
    return [leg for leg in dossier.legs if leg.is_late(now)]
