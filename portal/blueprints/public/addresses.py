"""The ward select of the address piece (issue 15, ``blueprints/address_fields.py``):
``GET /dia-chi/phuong-xa?province_code=&ward_query=&ward_code=`` answers the ward options of
a province, narrowed by the search box, as the select's HTML for htmx. Public reference data
(the official list of administrative units): no account and no id, nothing to authorise.
Kept cheap (≤ 10 ms median server time, ``bench/addresses.py``): the lists live in memory."""

from __future__ import annotations

from flask import render_template, request

from portal.blueprints.address_fields import WardOptionsForm
from portal.blueprints.public import bp


@bp.get("/dia-chi/phuong-xa")
def ward_options():
    form = WardOptionsForm(request.args)
    return render_template("public/_ward_options.html", form=form)
