"""Rating a finished dossier online (/ho-so/<id>/danh-gia): its applicant, or a member of the
organisation it was filed for, the rule of the citizen's own pages. Another user's dossier is
a 404; one not finished yet is 403; a rating past its 7 days is shown, not changed."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from portal.blueprints.satisfaction import bp
from portal.blueprints.satisfaction.forms import RatingForm
from portal.core.frame import refused, unit_of_work
from portal.core.models import utcnow
from portal.dossiers.queries import get_dossier_for
from portal.extensions import login_manager
from portal.feedback import ratings
from portal.feedback.models import CRITERIA, Overall


@bp.app_context_processor
def _rating_invitation():
    # The dossier page (citizen/dossier.html) asks whether to invite the applicant to rate.
    def rating_invitation(dossier) -> dict | None:
        if not ratings.is_rateable(dossier):
            return None
        rating = ratings.rating_of(dossier)
        frozen = rating is not None and ratings.is_frozen(rating, utcnow())
        return {"rating": rating, "frozen": frozen,
                "until": ratings.frozen_at(rating) if rating else None}

    return {"rating_invitation": rating_invitation}


def _load(dossier_id: int):
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    dossier = get_dossier_for(current_user, dossier_id)
    if dossier is None:
        abort(404)
    if not ratings.is_rateable(dossier):
        abort(403)
    return dossier


def _page(dossier, form, rating, status=200):
    frozen = rating is not None and ratings.is_frozen(rating, utcnow())
    return render_template("satisfaction/rate.html", dossier=dossier, form=form, rating=rating,
                           frozen=frozen, criteria=CRITERIA,
                           until=ratings.frozen_at(rating) if rating else None), status


# One rule for both methods: with two, an id too large for the converter would match the
# GET rule's path and answer 405 to a POST instead of 404 (tests/web/test_out_of_range_integers).
@bp.route("/ho-so/<int:dossier_id>/danh-gia", methods=["GET", "POST"])
def rate(dossier_id: int):
    dossier = _load(dossier_id)
    if request.method == "GET":
        rating = ratings.rating_of(dossier)
        return _page(dossier, RatingForm(obj=rating) if rating else RatingForm(), rating)
    form = RatingForm()
    if not form.validate():
        return _page(dossier, form, ratings.rating_of(dossier), 422)
    answers = ratings.Answers(Overall(form.overall.data),
                              {name: form[name].data for name, _label in CRITERIA},
                              form.comment.data or "")
    try:
        with unit_of_work():
            ratings.rate_dossier(dossier, current_user, answers, utcnow())
    except ratings.RatingError as error:
        return refused(error, form, lambda status: _page(
            dossier, form, ratings.rating_of(dossier), status))
    flash(gettext("Cảm ơn bạn đã đánh giá. Bạn có thể sửa đánh giá trong 7 ngày kể từ khi "
                  "gửi."), "success")
    return redirect(url_for("citizen.dossier", dossier_id=dossier.id, _anchor="rating"), 303)
