"""Reading dossiers, always through the visibility rule: a user sees the dossiers they
started and those of the organisations they belong to (DESIGN.md §4, issue #3)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import selectinload

from portal.accounts.models import OrganisationMember
from portal.catalog.models import ProcedureVersion
from portal.core.pagination import Page, paginate
from portal.dossiers.models import Dossier, DossierState
from portal.dossiers.states import SUPPLEMENT_STATES
from portal.extensions import db

STATE_GROUPS = ("draft", "submitted")


def _user_id(user: Any) -> int | None:
    # Flask-Login's anonymous user has no id: it sees nothing.
    if user is None or not getattr(user, "is_authenticated", True):
        return None
    return getattr(user, "id", None)


def visible_to(user: Any) -> ColumnElement[bool]:
    """A WHERE clause: the dossiers ``user`` may see."""
    user_id = _user_id(user)
    if user_id is None:
        return false()
    organisations = select(OrganisationMember.organisation_id).where(
        OrganisationMember.user_id == user_id)
    return or_(Dossier.applicant_id == user_id, Dossier.organisation_id.in_(organisations))


def is_visible_to(dossier: Dossier, user: Any) -> bool:
    """The same rule for a dossier already loaded."""
    user_id = _user_id(user)
    if user_id is None:
        return False
    if dossier.applicant_id == user_id:
        return True
    if dossier.organisation_id is None:
        return False
    return db.session.scalar(select(OrganisationMember.id).where(
        OrganisationMember.user_id == user_id,
        OrganisationMember.organisation_id == dossier.organisation_id)) is not None


def get_dossier_for(user: Any, dossier_id: int) -> Dossier | None:
    """The dossier if ``user`` may see it, else None (the routes answer 404, not 403:
    whether someone else's dossier number exists is nobody else's business)."""
    return db.session.scalar(select(Dossier).where(Dossier.id == dossier_id, visible_to(user)))


def dossiers_of(user: Any, state_group: str | None, page: int, size: int) -> Page:
    """"My dossiers": newest activity first. ``state_group``: "draft", "submitted"
    (everything past the draft) or None (all)."""
    query = select(Dossier).where(visible_to(user))
    if state_group == "draft":
        query = query.where(Dossier.state == DossierState.DRAFT)
    elif state_group == "submitted":
        query = query.where(Dossier.state != DossierState.DRAFT)
    elif state_group is not None:
        raise ValueError(f"unknown state group {state_group!r}; use one of {STATE_GROUPS}")
    query = query.order_by(Dossier.updated_at.desc(), Dossier.id.desc())
    return paginate(query, page, size)


# States in which the applicant has something to do: papers to send (a completion or
# supplement request, form 02) or a result to collect.
NEEDS_APPLICANT = (*sorted(SUPPLEMENT_STATES, key=lambda s: s.value),
                   DossierState.AWAITING_PAYMENT_OF_OBLIGATION,  # the tax notice (issue 18)
                   DossierState.RESULT_READY)


def needing_action(user: Any, limit: int = 20) -> list[Dossier]:
    """The applicant's dossiers waiting for them ("Cần bạn xử lý" on "Hồ sơ của tôi"): the
    requests for papers first, then the results ready; the longest waiting first."""
    rows = db.session.scalars(
        select(Dossier).where(visible_to(user), Dossier.state.in_(NEEDS_APPLICANT))
        .options(selectinload(Dossier.notices))
        .order_by(Dossier.updated_at, Dossier.id).limit(limit)).all()
    return sorted(rows, key=lambda d: d.state is DossierState.RESULT_READY)


def drafts_of_procedure(user: Any, procedure_id: int) -> list[Dossier]:
    """The drafts ``user`` may see for one procedure (any of its versions), latest change
    first: the start page offers to resume them instead of making a duplicate (issue 12)."""
    return list(db.session.scalars(
        select(Dossier).join(ProcedureVersion, Dossier.procedure_version_id == ProcedureVersion.id)
        .where(ProcedureVersion.procedure_id == procedure_id,
               Dossier.state == DossierState.DRAFT, visible_to(user))
        .order_by(Dossier.updated_at.desc(), Dossier.id.desc())))


def by_code(code: str) -> Dossier | None:
    """For the public lookup page (state and appointment only; the caller shows nothing
    personal). Codes are printed in upper case; a typed lower-case code still matches."""
    code = (code or "").strip()
    if not code:
        return None
    found = db.session.scalar(select(Dossier).where(Dossier.code == code))
    if found is None and code != code.upper():
        found = db.session.scalar(select(Dossier).where(Dossier.code == code.upper()))
    return found
