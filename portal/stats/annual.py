"""The headline figures of an annual report (report 62/BC-HCC, issue #5) for any period:
the statistics table's totals plus what the report's text states beside it — received by post,
results returned by post, resolved on the spot (and by which procedures), inter-agency
dossiers. Every figure is a query over the dossiers' own timestamps and events, like
``figures``; the ones that are cells of the table link to their list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, case, func, literal, select

from portal.catalog.models import Agency, ProcedureVersion
from portal.dossiers.models import Dossier, DossierEvent, DossierState, ReturnMethod
from portal.extensions import db
from portal.feedback import figures as satisfaction
from portal.stats.figures import Cell, Period, period_frame, table

S = DossierState
FORWARD_EVENT = "forward_inter_agency"  # workflow.transitions.Action.FORWARD_INTER_AGENCY


@dataclass(frozen=True)
class InterAgency:
    received: int  # counted in the period and forwarded to the Committee's office
    resolved: int
    pending: int


@dataclass(frozen=True)
class Satisfaction:
    ratings: int  # given in the period (issue 16)
    satisfied: int  # of which very satisfied or satisfied


@dataclass(frozen=True)
class Annual:
    period: Period
    totals: dict[Cell, int]
    postal_returned: int
    on_the_spot_by_procedure: list[tuple[str, str, int]]  # (agency, procedure, count)
    inter_agency: InterAgency
    satisfaction: Satisfaction

    @property
    def on_time_rate(self) -> float | None:
        resolved = self.totals[Cell.RESOLVED]
        return self.totals[Cell.ON_TIME] / resolved if resolved else None


def annual(period: Period, among: Sequence[Agency]) -> Annual:
    ids = [a.id for a in among] or [-1]
    totals = table(period, among).total.counts
    frame = period_frame(period)
    in_scope = and_(frame.counts, Dossier.agency_id.in_(ids))

    # The states and the return method written out as literals, with the period's bounds
    # on the indexed column: the partial indexes ix_dossier_postal_returned and
    # ix_dossier_on_the_spot then serve these counts (issue 19: a national year reads a few
    # percent of the dossiers, not all of them). The conditions added are implied by the
    # cells', so the numbers do not change.
    postal_returned = db.session.scalar(
        select(func.count()).select_from(Dossier).where(
            Dossier.agency_id.in_(ids), Dossier.state == _literal(S.RETURNED),
            Dossier.return_method == _literal(ReturnMethod.POSTAL),
            Dossier.returned_at >= period.start_at, Dossier.returned_at < period.end_at)) or 0

    # Resolved on the spot: the cell's conditions (counted, resolved, received in the period,
    # finished at its reception, returned) reduce to the partial index's predicate and the
    # period's bounds on received_at — the others follow from finished_at = received_at — so
    # the dossiers are counted from ix_dossier_on_the_spot alone (an index-only scan, not a
    # heap page per dossier), per agency and procedure version, and named after.
    per_version = (select(Dossier.agency_id, Dossier.procedure_version_id,
                          func.count().label("n"))
                   .where(Dossier.agency_id.in_(ids),
                          Dossier.finished_at == Dossier.received_at,
                          Dossier.state == _literal(S.RETURNED),
                          Dossier.received_at >= period.start_at,
                          Dossier.received_at < period.end_at)
                   .group_by(Dossier.agency_id, Dossier.procedure_version_id)
                   .subquery("on_the_spot"))
    spot = (select(Agency.name, ProcedureVersion.name, per_version.c.n)
            .select_from(per_version)
            .join(ProcedureVersion, ProcedureVersion.id == per_version.c.procedure_version_id)
            .join(Agency, Agency.id == per_version.c.agency_id)
            .order_by(per_version.c.n.desc(), ProcedureVersion.name))
    on_the_spot = [(a, p, int(n)) for a, p, n in db.session.execute(spot)]

    forwarded = select(DossierEvent.dossier_id).where(DossierEvent.action == FORWARD_EVENT)
    inter = db.session.execute(
        select(func.count(),
               func.coalesce(func.sum(_as_int(frame.cells[Cell.RESOLVED])), 0),
               func.coalesce(func.sum(_as_int(frame.cells[Cell.PENDING])), 0))
        .select_from(Dossier)  # resolved and pending read no pause: no join to them
        .where(in_scope, Dossier.id.in_(forwarded))).one()
    rated = satisfaction.total(period.start_at, period.end_at,
                               satisfaction.Scope(frozenset(a.id for a in among)))
    return Annual(period, totals, postal_returned, on_the_spot,
                  InterAgency(int(inter[0]), int(inter[1]), int(inter[2])),
                  Satisfaction(rated.count, rated.satisfied_or_better))


def _literal(value):
    return literal(value.value, literal_execute=True)


def _as_int(condition):
    return case((condition, 1), else_=0)
