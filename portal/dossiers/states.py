"""The dossier's states and every named set of them, in one place: the models, the
transition table (``portal.workflow.transitions``), the queues and the operations all read
these sets instead of spelling states out."""

from __future__ import annotations

from portal.core.i18n import N_
from portal.core.models import LabelledEnum


class DossierState(LabelledEnum):
    """DESIGN.md §4. ``portal.workflow.transitions`` says which action leads where."""

    DRAFT = "draft", N_("Bản nháp")
    SUBMITTED = "submitted", N_("Đã nộp, chờ tiếp nhận")
    NEEDS_COMPLETION = "needs_completion", N_("Cần bổ sung trước khi tiếp nhận")
    RECEIVED = "received", N_("Đã tiếp nhận")
    IN_PROGRESS = "in_progress", N_("Đang xử lý")
    AWAITING_SUPPLEMENT = "awaiting_supplement", N_("Chờ bổ sung hồ sơ")
    AWAITING_CONSULTATION = "awaiting_consultation", N_("Đang lấy ý kiến")
    INTER_AGENCY = "inter_agency", N_("Đang liên thông")
    AWAITING_PAYMENT_OF_OBLIGATION = ("awaiting_payment_of_obligation",
                                      N_("Chờ thực hiện nghĩa vụ tài chính"))
    RESULT_READY = "result_ready", N_("Có kết quả")
    RETURNED = "returned", N_("Đã trả kết quả")
    REFUSED = "refused", N_("Từ chối")
    WITHDRAWN = "withdrawn", N_("Đã rút hồ sơ")
    STOPPED = "stopped", N_("Dừng xử lý")


# A dossier in one of these states is finished: it has an end time (``finished_at``).
RESOLVED_STATES = frozenset({DossierState.RESULT_READY, DossierState.RETURNED,
                             DossierState.REFUSED, DossierState.WITHDRAWN,
                             DossierState.STOPPED})
# The clock is paused in these states (waiting for the applicant).
PAUSED_STATES = frozenset({DossierState.AWAITING_SUPPLEMENT,
                           DossierState.AWAITING_PAYMENT_OF_OBLIGATION})
# The applicant answers a request for papers in these states (FileKind.SUPPLEMENT): the
# completion request before reception and the supplement request during processing (form 02).
SUPPLEMENT_STATES = frozenset({DossierState.NEEDS_COMPLETION,
                               DossierState.AWAITING_SUPPLEMENT})
# The e-result is the applicant's once the leader has approved it.
RESULT_STATES = frozenset({DossierState.RESULT_READY, DossierState.RETURNED})
# The legal clock runs in these states: received, unresolved and not waiting for the
# applicant; past its due time a dossier in one of them is overdue. A tuple, in this order:
# ``models.CLOCK_RUNNING_SQL`` spells it out for the partial index the monitoring dashboard
# reads (a query uses it only when it repeats this very condition).
CLOCK_RUNNING_STATES = (DossierState.RECEIVED, DossierState.IN_PROGRESS,
                        DossierState.AWAITING_CONSULTATION, DossierState.INTER_AGENCY)
# Before reception: the online dossier waits for the counter (or for the applicant to
# complete it).
BEFORE_RECEPTION = frozenset({DossierState.SUBMITTED, DossierState.NEEDS_COMPLETION})
# Received and being processed by the agency.
PROCESSING = frozenset({DossierState.RECEIVED, DossierState.IN_PROGRESS})
# Received and waiting for another agency's answer.
WAITING_FOR_AGENCY = frozenset({DossierState.AWAITING_CONSULTATION, DossierState.INTER_AGENCY})
# Received and waiting: for the applicant (clock paused) or for another agency.
WAITING = PAUSED_STATES | WAITING_FOR_AGENCY
# Received and not resolved yet.
UNRESOLVED_RECEIVED = PROCESSING | WAITING
# The applicant has the next move: papers to complete or supplement, or a sum to pay.
WAITING_FOR_APPLICANT = PAUSED_STATES | {DossierState.NEEDS_COMPLETION}
# The applicant may still ask to withdraw: submitted and not yet ended. Once the result is
# ready there is nothing left to withdraw; it is handed over.
WITHDRAWABLE = BEFORE_RECEPTION | UNRESOLVED_RECEIVED
