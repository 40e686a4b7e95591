"""Which agencies' statistics a reader sees (issue #5): every agency for the centre's
supervisor, their own for an agency's leader (who may read at all: ``accounts.policy``)."""

from __future__ import annotations

from typing import Any

from portal.accounts import policy
from portal.catalog.models import Agency
from portal.stats.figures import agencies


def readable_agencies(user: Any) -> list[Agency]:
    """The agencies whose figures ``user`` may read, in the report's order."""
    if policy.is_supervisor(user):
        return agencies()
    return agencies(ids=policy.led_agency_ids(user))
