"""A dossier's internal process (quy trình nội bộ): the procedure's steps in order, and which
of them the agency's officers work through in the portal (the processing steps: specialist,
leader, the Provincial People's Committee office). The steps done by the counter or the post
are part of the plan too: the staff workspace lists every one of them (issue 12)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from portal.catalog.models import ProcedureStep, StepRole
from portal.dossiers.models import Dossier, DossierState
from portal.workflow.models import DossierStep

Planned = tuple[int, str, StepRole, int]  # position, name, role, hours

# A procedure without a processing step is worked through these (counter, specialist, leader).
DEFAULT_STEPS: tuple[Planned, ...] = ((1, "Tiếp nhận hồ sơ", StepRole.COUNTER, 1),
                                      (2, "Thẩm định, xử lý hồ sơ", StepRole.SPECIALIST, 8),
                                      (3, "Phê duyệt kết quả", StepRole.LEADER, 4))
PROCESSING_ROLES = (StepRole.SPECIALIST, StepRole.LEADER, StepRole.COMMITTEE)


def plan_of(dossier: Dossier) -> list[Planned]:
    steps: Sequence[ProcedureStep] = dossier.procedure_version.steps
    plan = [(s.position, s.name, s.role, s.hours) for s in sorted(steps, key=lambda s: s.position)]
    if not any(role in PROCESSING_ROLES for _, _, role, _ in plan):
        return list(DEFAULT_STEPS)
    return plan


def next_processing(dossier: Dossier, after: int) -> Planned | None:
    """The processing step that follows position ``after``; None after the last one."""
    return next((p for p in plan_of(dossier) if p[0] > after and p[2] in PROCESSING_ROLES),
                None)


# --- the internal-process table of the staff workspace -------------------------------------

class RowStatus(enum.StrEnum):
    DONE = "done"  # with the moment it was done
    OPEN = "open"  # the step in progress, with its deadline
    PENDING = "pending"  # still to come
    SKIPPED = "skipped"  # the dossier ended before it (refused, withdrawn, stopped)


@dataclass(frozen=True)
class ProcessRow:
    position: int
    name: str
    role: StepRole
    status: RowStatus
    step: DossierStep | None = None  # the step as worked through in the portal, if it was
    done_at: datetime | None = None


def process_rows(dossier: Dossier) -> list[ProcessRow]:
    """Every step of the dossier's internal process, in order: those the officers work
    through in the portal (``DossierStep``) and those the counter or the post do outside it
    (transferring the papers, bringing the result back, handing it over). A step done outside
    the portal is done by the time the portal's next step began; the ones after the last
    portal step are done when the result was handed over. Empty before reception."""
    if not dossier.steps:
        return []
    recorded: dict[int, DossierStep] = {}
    for step in dossier.steps:
        recorded[step.position] = step  # the latest, should a position be worked twice
    planned = {p[0]: p for p in plan_of(dossier)}
    for position, step in recorded.items():
        planned.setdefault(position, (position, step.name, step.role, 0))
    rows = []
    for position in sorted(planned):
        _, name, role, _hours = planned[position]
        step = recorded.get(position)
        if step is not None:
            done = step.finished_at is not None
            rows.append(ProcessRow(position, step.name, step.role,
                                   RowStatus.DONE if done else RowStatus.OPEN, step,
                                   step.finished_at))
            continue
        later = [s for p, s in sorted(recorded.items()) if p > position]
        if later:
            rows.append(ProcessRow(position, name, role, RowStatus.DONE,
                                   done_at=later[0].started_at))
        elif dossier.state is DossierState.RETURNED:
            rows.append(ProcessRow(position, name, role, RowStatus.DONE,
                                   done_at=dossier.returned_at))
        elif dossier.is_resolved and dossier.state is not DossierState.RESULT_READY:
            rows.append(ProcessRow(position, name, role, RowStatus.SKIPPED))
        else:
            rows.append(ProcessRow(position, name, role, RowStatus.PENDING))
    return rows
