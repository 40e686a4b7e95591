"""`flask demo seed`: the demo agencies, accounts and catalog (``catalog/demo.py``), then the
demo dossiers moved through the workflow (``workflow/demo.py``). This one entry point sits
above both, so the catalog's demo data never reaches up into the workflow."""

from __future__ import annotations

from portal.catalog import demo as catalog_demo
from portal.catalog.demo_data import AGENCIES
from portal.feedback.complaints.demo import seed_feedback
from portal.payments.demo import seed_postage
from portal.storage import Storage
from portal.workflow.demo import seed_dossiers


def seed_all(total_procedures: int, storage: Storage | None = None) -> dict:
    """Seed everything; dossiers only when there is a store for their files."""
    catalog_demo.seed_agencies()
    users = catalog_demo.seed_accounts()
    admin = users["admin@demo.hcc.vn"]
    count = catalog_demo.seed_catalog(total_procedures, storage, admin.id)
    seed_postage()
    dossiers = seed_dossiers(users, storage) if storage is not None else 0
    feedback = seed_feedback(users)
    return {"agencies": len(AGENCIES), "procedures": count, "users": len(users),
            "dossiers": dossiers, "feedback": feedback}
