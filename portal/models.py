"""Every model, imported once so Alembic and the app see the whole schema."""

from portal.accounts.models import (
    Organisation,
    OrganisationInvitation,
    OrganisationMember,
    RoleAssignment,
    User,
)
from portal.accounts.user_sessions import UserSession
from portal.accounts.verification import ContactVerification
from portal.calendar.models import CalendarOverride
from portal.catalog.models import (
    Agency,
    Counter,
    Field,
    Procedure,
    ProcedureDocument,
    ProcedureFee,
    ProcedureFeeExemption,  # noqa: E402  (issue 14)
    ProcedureStep,
    ProcedureVersion,
)
from portal.core.throttle import Throttle
from portal.delivery.models import PostalBatch, Shipment, ShipmentEvent
from portal.dossiers.models import Dossier, DossierCodeSequence, DossierEvent, DossierFile
from portal.feedback.complaints.models import Complaint, ComplaintFile
from portal.feedback.models import CounterShift, Kiosk, Rating
from portal.notifications.inbox import Notification
from portal.notifications.jobs_models import (
    JobRun,
    OverdueAlert,
    StaffMailing,
    StaffMailPreference,
)
from portal.notifications.message_templates import MessageTemplate
from portal.notifications.models import OutboxMessage
from portal.payments.models import (  # noqa: E402  (issue 14)
    DossierFeeAnswer,
    Payment,
    PaymentEvent,
    PaymentRequest,
    PaymentRequestLine,
    PostageRate,
    Receipt,
    ReceiptSequence,
)
from portal.stats.days import StatsDay
from portal.workflow.models import (
    Consultation,
    DossierStep,
    Notice,
    NoticeSequence,
    Pause,
)
from portal.workflow.obligations import Obligation, ObligationFile

__all__ = [
    "Dossier", "DossierCodeSequence", "DossierEvent", "DossierFile",
    "Agency", "CalendarOverride", "Counter", "Field", "Organisation",
    "OrganisationMember", "Procedure", "ProcedureDocument", "ProcedureFee", "ProcedureStep",
    "ProcedureVersion", "RoleAssignment", "Throttle", "User",
    "UserSession", "OrganisationInvitation", "ContactVerification", "MessageTemplate",
    "Notification",
    "Consultation", "DossierStep", "Notice", "NoticeSequence", "OutboxMessage", "Pause",
    "JobRun", "OverdueAlert", "StaffMailing", "StaffMailPreference",
    "Obligation", "ObligationFile",
    "Complaint", "ComplaintFile",
    "PostalBatch", "Shipment", "ShipmentEvent",
    "ProcedureFeeExemption", "DossierFeeAnswer", "Payment", "PaymentEvent", "PaymentRequest",
    "PaymentRequestLine", "PostageRate", "Receipt", "ReceiptSequence",
    "CounterShift", "Kiosk", "Rating",
    "StatsDay",
]
