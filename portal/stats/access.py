"""Who may read statistics and the monitoring dashboard (issue #5): the centre's supervisor
for every agency, an agency's leader for their own agencies; nobody else."""

from __future__ import annotations

from typing import Any

from portal.accounts.models import Role
from portal.catalog.models import Agency
from portal.stats.figures import agencies


def is_supervisor(user: Any) -> bool:
    return any(r.role == Role.SUPERVISOR for r in getattr(user, "roles", ()))


def led_agency_ids(user: Any) -> set[int]:
    return {r.agency_id for r in getattr(user, "roles", ())
            if r.role == Role.LEADER and r.agency_id is not None}


def may_read_statistics(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)
                and (is_supervisor(user) or led_agency_ids(user)))


def readable_agencies(user: Any) -> list[Agency]:
    """The agencies whose figures ``user`` may read, in the report's order."""
    if is_supervisor(user):
        return agencies()
    return agencies(ids=led_agency_ids(user))
