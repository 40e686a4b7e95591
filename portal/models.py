"""Every model, imported once so Alembic and the app see the whole schema."""

from portal.accounts.models import (
    Organisation,
    OrganisationMember,
    RoleAssignment,
    User,
)
from portal.accounts.user_sessions import UserSession
from portal.calendar.models import CalendarOverride
from portal.catalog.models import (
    Agency,
    Counter,
    Field,
    Procedure,
    ProcedureDocument,
    ProcedureFee,
    ProcedureStep,
    ProcedureVersion,
)
from portal.core.throttle import Throttle
from portal.dossiers.models import Dossier, DossierCodeSequence, DossierEvent, DossierFile
from portal.notifications.models import OutboxMessage
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
    "UserSession",
    "Consultation", "DossierStep", "Notice", "NoticeSequence", "OutboxMessage", "Pause",
    "Obligation", "ObligationFile",
]
