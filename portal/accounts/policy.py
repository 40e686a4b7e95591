"""Who may do what: which agencies a user serves, in which capacity, and whether they are the
centre's supervisor. The workflow, the staff area, the statistics and the administration ask
here instead of reading role assignments themselves, so a new role or rule changes one file.

Plain functions over a user, no HTTP: the web layer passes ``current_user``.

A capacity comes from a ``RoleAssignment``. The agency roles (counter officer, specialist,
leader) are held for one agency each, the postal officer's for each agency served by post;
the supervisor and the administrator for none. Only a signed-in user holds any: ``None``, the
anonymous user and a deactivated account (Flask-Login's ``is_authenticated`` is ``is_active``)
hold none.

The questions differ on purpose, and each caller asks the one its rule needs:

- **Seeing is not acting.** The supervisor sees every agency's dossiers and queues
  (``is_supervisor``) but acts on none: ``officer_roles_in`` ignores the supervisor, and
  ``roles_in`` — which queues to show — falls back to the supervisor's where they hold no
  officer role.
- **Consultations** are answered by the specialists and leaders of the agency asked
  (``consulting_agency_ids``), never by its counter officers.
- **Inter-agency dossiers** (*liên thông*) are seen and acted on by the specialists and
  leaders of the agency of the chain holding them (``receiving_agency_ids``), only while it
  holds them; never by its counter officers, nor by any other agency.
- **Counter intake** acts for the agencies where the user is a counter officer
  (``counter_agency_ids``); the dossiers it loads are those of any agency the user serves
  (``served_agency_ids``), never one only consulted, and none for the supervisor alone.
- **Statistics** are read by the supervisor (every agency) and by leaders (their agencies,
  ``led_agency_ids``); counter officers and specialists read none.
- **Where a login lands** (``landing_endpoint``): where the person works — the administrator
  on the administration, the supervisor on the monitoring board, officers on their desk,
  citizens and businesses on their dossiers ("Hồ sơ của tôi"). Only those who submit dossiers
  online (``submits_dossiers``: accounts without a staff role) see that list in the menu.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from portal.accounts.models import Role, RoleAssignment

AGENCY_ROLES = frozenset({Role.COUNTER_OFFICER, Role.SPECIALIST, Role.LEADER})
CONSULTED_ROLES = frozenset({Role.SPECIALIST, Role.LEADER})


def assignments(user: Any) -> list[RoleAssignment]:
    """The role assignments of a signed-in user; none for anyone else."""
    if user is None or not getattr(user, "is_authenticated", True):
        return []
    return list(getattr(user, "roles", ()))


def _agency_ids(user: Any, roles: Collection[Role]) -> set[int]:
    return {r.agency_id for r in assignments(user)
            if r.role in roles and r.agency_id is not None}


def served_agency_ids(user: Any) -> set[int]:
    """The agencies ``user`` works for in any agency role."""
    return _agency_ids(user, AGENCY_ROLES)


def counter_agency_ids(user: Any) -> set[int]:
    """The agencies where ``user`` is a counter officer (walk-in and postal intake)."""
    return _agency_ids(user, {Role.COUNTER_OFFICER})


def consulting_agency_ids(user: Any) -> set[int]:
    """The agencies for which ``user`` answers a consultation."""
    return _agency_ids(user, CONSULTED_ROLES)


def receiving_agency_ids(user: Any) -> set[int]:
    """The agencies for which ``user`` processes an inter-agency dossier while it holds it."""
    return _agency_ids(user, CONSULTED_ROLES)


def led_agency_ids(user: Any) -> set[int]:
    """The agencies ``user`` leads (whose statistics they read)."""
    return _agency_ids(user, {Role.LEADER})


def postal_agency_ids(user: Any) -> set[int]:
    """The agencies whose dossiers a postal officer receives and returns by post (issue 15):
    the postal desk (/buu-dien) shows only their postal dossiers, and none of their papers."""
    return _agency_ids(user, {Role.POSTAL_OFFICER})


def is_supervisor(user: Any) -> bool:
    """The centre's supervisor: sees every agency, acts on no dossier."""
    return any(r.role == Role.SUPERVISOR for r in assignments(user))


def officer_roles_in(user: Any, agency_id: int | None) -> list[Role]:
    """The agency roles ``user`` holds in one agency: the capacities they act in there."""
    return [r.role for r in assignments(user)
            if r.role in AGENCY_ROLES and r.agency_id == agency_id]


def roles_in(user: Any, agency_id: int) -> list[Role]:
    """The roles whose queues ``user`` works from in one agency: their officer roles there,
    else the supervisor's (who watches every agency)."""
    found = officer_roles_in(user, agency_id)
    if not found and is_supervisor(user):
        found = [Role.SUPERVISOR]
    return found


def works_in_staff_area(user: Any) -> bool:
    """Officers of any agency and the supervisor work in the staff area (/can-bo)."""
    return bool(served_agency_ids(user)) or is_supervisor(user)


def may_read_statistics(user: Any) -> bool:
    """The supervisor and agency leaders read the statistics (/thong-ke)."""
    return is_supervisor(user) or bool(led_agency_ids(user))


def may_administer(user: Any) -> bool:
    """Administrators run the administration (/quan-tri)."""
    return any(r.role == Role.ADMIN for r in assignments(user))


def submits_dossiers(user: Any) -> bool:
    """Citizens and businesses submit dossiers online and keep them in "Hồ sơ của tôi";
    staff accounts (any role, or the staff kind before its first role) do not."""
    if user is None or not getattr(user, "is_authenticated", True):
        return False
    return not user.is_staff


def is_bank_collector(user: Any) -> bool:
    """The bank's collection officer (issue 14): sees the amounts due by dossier code and
    payer, records payments, and nothing of a dossier's documents or contents."""
    return any(r.role == Role.BANK_COLLECTOR for r in assignments(user))


def may_collect_payments(user: Any) -> bool:
    """The bank's collection officer (every agency) and counter officers (their own)."""
    return is_bank_collector(user) or bool(counter_agency_ids(user))


def collection_agency_ids(user: Any) -> set[int] | None:
    """Whose amounts due ``user`` collects: None for every agency (the bank's counter)."""
    return None if is_bank_collector(user) else counter_agency_ids(user)


def reconciliation_agency_ids(user: Any) -> set[int] | None:
    """Whose fees ``user`` reconciles (/thu-phi/doi-soat): None for every agency (the bank's
    collection officer and the supervisor), else the agencies where ``user`` is a counter
    officer or a leader (an empty set: none, the page answers 403)."""
    if is_bank_collector(user) or is_supervisor(user):
        return None
    return _agency_ids(user, {Role.COUNTER_OFFICER, Role.LEADER})


def may_reconcile(user: Any) -> bool:
    """The reconciliation page: the bank's collection officer and the supervisor (every
    agency), counter officers and leaders (their own)."""
    return reconciliation_agency_ids(user) != set()


def landing_endpoint(user: Any) -> str:
    """The page a login (or a registration) lands on, as an endpoint name: where this user
    works. A safe ``next`` given to the login page wins over it (the caller decides)."""
    if may_administer(user):
        return "admin.index"
    if served_agency_ids(user):
        return "staff.dashboard"
    if is_supervisor(user):
        return "stats.monitoring"
    if postal_agency_ids(user):
        return "postal.queue"
    if submits_dossiers(user):
        return "citizen.dossiers"
    if is_bank_collector(user):
        return "payments.collection"
    return "auth.profile"  # a staff account without a role yet
