"""The applicant confirms they received their result by post (issue 15): the shipment is
delivered and the dossier returned, as when the post confirms it."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.citizen import bp
from portal.blueprints.citizen.routes import get_dossier_or_404
from portal.blueprints.forms import EmptyForm
from portal.core.frame import unit_of_work
from portal.core.models import utcnow
from portal.delivery import operations as delivery
from portal.delivery import queries


@bp.post("/<int:dossier_id>/buu-gui/<int:shipment_id>/da-nhan")
def confirm_receipt(dossier_id: int, shipment_id: int):
    dossier = get_dossier_or_404(dossier_id)
    shipment = next((s for s in queries.shipments_of_dossier(dossier) if s.id == shipment_id),
                    None)
    if shipment is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        with unit_of_work():
            delivery.deliver(shipment, current_user, utcnow(), by_applicant=True)
    except delivery.Forbidden:
        abort(403)
    except delivery.DeliveryError as error:
        flash(str(error), "error")
    else:
        flash(_("Cảm ơn bạn đã xác nhận đã nhận kết quả."), "success")
    return redirect(url_for("citizen.dossier", dossier_id=dossier_id), 303)
