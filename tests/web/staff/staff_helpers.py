"""Shared pieces of the staff web tests."""

from __future__ import annotations

from portal.dossiers.models import Dossier
from portal.extensions import db


def load(app, dossier_id: int) -> Dossier:
    """A fresh copy of the dossier (detached, attributes loaded)."""
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        db.session.expunge(dossier)
        return dossier


def version_of(app, dossier_id: int) -> int:
    return load(app, dossier_id).lock_version


def act(client, app, dossier_id: int, action: str, fields: dict | None = None, *,
        htmx: bool = False, version: int | None = None, files=None):
    """POST one action the way the workspace form does (fields prefixed by the action)."""
    data = {f"{action}-{k}": v for k, v in (fields or {}).items()}
    data[f"{action}-lock_version"] = version if version is not None else version_of(app,
                                                                                    dossier_id)
    if files:
        data.update({f"{action}-{k}": v for k, v in files.items()})
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/can-bo/ho-so/{dossier_id}/{action}", data=data, headers=headers)


def set_fields(app, dossier_id: int, **values) -> None:
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        for key, value in values.items():
            setattr(dossier, key, value)
        db.session.commit()


def advance(app, world, *steps) -> None:
    """Drive the dossier through the workflow on the domain layer (now, real calendar):
    steps are (who, action function name, keyword arguments)."""
    from portal.accounts.models import User
    from portal.calendar.overrides import current_calendar
    from portal.core.models import utcnow
    from portal.workflow import actions as wf

    with app.app_context():
        dossier = db.session.get(Dossier, world.dossier_id)
        for who, name, kwargs in steps:
            user = db.session.get(User, world.user_ids[who])
            if name == "result_file":
                import factories

                factories.result_file(dossier, user)
                continue
            getattr(wf, name)(dossier, wf.Context(user, utcnow(), current_calendar()),
                              **kwargs)
        db.session.commit()


def obligation_kwargs() -> dict:
    """The keyword arguments of ``request_obligation``: 1.200.000 đồng due in 30 days."""
    import factories

    from portal.core.models import utcnow

    return {"terms": factories.obligation_terms(utcnow())}


# Common starting points.
RECEIVED = (("counter", "receive", {}),)
IN_PROGRESS = (*RECEIVED, ("specialist", "take", {}))
AT_LEADER = (*IN_PROGRESS, ("specialist", "complete_step", {"note": "Đủ điều kiện"}))
