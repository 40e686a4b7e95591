"""The postal desk's routes (/buu-dien)."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from portal.accounts.models import Role
from portal.blueprints.forms import EmptyForm
from portal.blueprints.guards import require_role
from portal.blueprints.postal import bp, get_batch_or_404, get_shipment_or_404
from portal.blueprints.postal.forms import ImportForm, PickForm, StatusForm, TrackingForm
from portal.core.frame import refused, show_refusal, unit_of_work
from portal.core.models import utcnow
from portal.core.numbers import parse_int
from portal.core.pdf import pdf_response
from portal.core.uploads import accepts_files
from portal.delivery import carrier_csv, labels, queries
from portal.delivery import operations as ops
from portal.delivery.models import PostalBatch

PRINT_CSS = Path(__file__).parents[2] / "static" / "css" / "postal-print.css"
STATUS_FUNCTIONS = {"deliver": ops.deliver, "fail": ops.fail,
                    "return_to_centre": ops.return_to_centre}


def _apply(change) -> ops.DeliveryError | None:
    """Run one delivery operation and commit: the refusal to show, if any (nothing kept).
    Another officer's commit on the same item first (its version column) is a refusal too."""
    try:
        with unit_of_work():
            change()
    except ops.Forbidden:
        abort(403)
    except ops.DeliveryError as error:
        return error
    except StaleDataError:
        return ops.Conflict(_("Bưu gửi vừa được người khác cập nhật; vui lòng xem lại rồi thao "
                              "tác lại."))
    return None


@bp.get("/", endpoint="queue")
def queue():
    """Results ready to post, open batches, and what is in the post."""
    return render_template("postal/queue.html", ready=queries.ready_to_post(current_user),
                           batches=queries.batches(current_user),
                           in_post=queries.in_the_post(current_user), form=PickForm(),
                           status_form=StatusForm(formdata=None))


@bp.post("/bang-ke", endpoint="new_batch")
def new_batch():
    form = PickForm()
    if not form.validate_on_submit():
        abort(400)
    ids = sorted({n for n in (parse_int(v) for v in request.form.getlist("item")) if n})
    items = queries.shipments_by_ids(current_user, ids)
    if len(items) != len(ids):
        abort(404)  # an id of another agency's shipment, or none at all
    made: list[PostalBatch] = []
    error = _apply(lambda: made.append(ops.open_batch(current_user, items, utcnow())))
    if error is not None:
        flash(str(error), "error")
        return redirect(url_for("postal.queue"), 303)
    return redirect(url_for("postal.batch", batch_id=made[0].id), 303)


def _batch_page(batch: PostalBatch, status: int = 200, form: TrackingForm | None = None,
                failed_item: int | None = None):
    focus = failed_item or next((s.id for s in batch.shipments if not s.tracking_number), None)
    return render_template("postal/batch.html", batch=batch, form=form, focus=focus,
                           failed_item=failed_item, empty=EmptyForm(),
                           blank=TrackingForm(formdata=None),
                           status_form=StatusForm(formdata=None)), status


@bp.get("/bang-ke/<int:batch_id>", endpoint="batch")
def batch(batch_id: int):
    return _batch_page(get_batch_or_404(batch_id))


@bp.post("/bang-ke/<int:batch_id>/so-hieu/<int:shipment_id>", endpoint="tracking")
def tracking(batch_id: int, shipment_id: int):
    """One item's tracking number; the page comes back with the next empty field focused."""
    batch = get_batch_or_404(batch_id)
    shipment = get_shipment_or_404(shipment_id)
    if shipment.batch_id != batch.id:
        abort(404)
    form = TrackingForm()
    if form.validate_on_submit():
        error = _apply(lambda: ops.set_tracking_number(shipment, form.tracking_number.data,
                                                       current_user))
        if error is not None:
            return refused(error, form, lambda code: _batch_page(batch, code, form, shipment.id))
        # No fragment: a page opened at a #target skips autofocus (HTML spec), and the focus
        # on the next empty field is what lets a scanner go on.
        return redirect(url_for("postal.batch", batch_id=batch.id), 303)
    return _batch_page(batch, 422, form, shipment.id)


@bp.post("/bang-ke/<int:batch_id>/bo/<int:shipment_id>", endpoint="unbatch")
def unbatch(batch_id: int, shipment_id: int):
    batch = get_batch_or_404(batch_id)
    shipment = get_shipment_or_404(shipment_id)
    if shipment.batch_id != batch.id or not EmptyForm().validate_on_submit():
        abort(404 if shipment.batch_id != batch.id else 400)
    error = _apply(lambda: ops.remove_from_batch(shipment, current_user, utcnow()))
    if error is not None:
        flash(str(error), "error")
    if not queries.get_batch(current_user, batch_id):  # its last item went: back to the queue
        return redirect(url_for("postal.queue"), 303)
    return redirect(url_for("postal.batch", batch_id=batch_id), 303)


@bp.post("/bang-ke/<int:batch_id>/giao", endpoint="dispatch")
def dispatch(batch_id: int):
    batch = get_batch_or_404(batch_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    error = _apply(lambda: ops.dispatch_batch(batch, current_user, utcnow()))
    if error is not None:
        flash(str(error), "error")
        return redirect(url_for("postal.batch", batch_id=batch_id), 303)
    flash(_("Đã giao bảng kê số %(n)s cho bưu chính.", n=batch_id), "success")
    return redirect(url_for("postal.batch", batch_id=batch_id), 303)


def _print(batch: PostalBatch, template: str, filename: str):
    html = render_template(template, batch=batch, labels=labels, now=utcnow())
    return pdf_response(html, filename, [PRINT_CSS.read_text(encoding="utf-8")])


@bp.get("/bang-ke/<int:batch_id>/nhan.pdf", endpoint="labels")
def labels_pdf(batch_id: int):
    """A6 address labels, one a page: recipient, phone, address, the code as barcode and QR."""
    return _print(get_batch_or_404(batch_id), "postal/labels.html",
                  f"nhan-buu-gui-{batch_id}.pdf")


@bp.get("/bang-ke/<int:batch_id>/bang-ke.pdf", endpoint="manifest")
def manifest_pdf(batch_id: int):
    """The hand-over manifest (bảng kê giao nhận), signed by the centre and the post office."""
    return _print(get_batch_or_404(batch_id), "postal/manifest.html",
                  f"bang-ke-giao-nhan-{batch_id}.pdf")


@bp.post("/buu-gui/<int:shipment_id>/trang-thai", endpoint="status")
def status(shipment_id: int):
    shipment = get_shipment_or_404(shipment_id)
    form = StatusForm()
    back = request.form.get("back") == "batch" and shipment.batch_id
    target = (url_for("postal.batch", batch_id=shipment.batch_id) if back
              else url_for("postal.queue"))
    if not form.validate_on_submit():
        flash(_("Vui lòng chọn trạng thái hợp lệ."), "error")
        return redirect(target, 303)
    error = _apply(lambda: STATUS_FUNCTIONS[form.action.data](
        shipment, current_user, utcnow(), form.note.data or ""))
    if error is not None:
        flash(str(error), "error")
        return redirect(target, 303)
    flash(_("Đã ghi trạng thái bưu gửi %(code)s.", code=shipment.tracking_number), "success")
    return redirect(target, 303)


def _may_import() -> None:
    require_role(Role.POSTAL_OFFICER)


@bp.route("/nhap-trang-thai", methods=["GET", "POST"], endpoint="import_statuses")
@accepts_files(_may_import)
def import_statuses():
    """The carrier's CSV export of statuses: all lines or none."""
    form, problems = ImportForm(), []
    if request.method == "POST" and form.validate_on_submit():
        data = form.file.data.read(carrier_csv.MAX_BYTES + 1)
        try:
            with unit_of_work():
                count = carrier_csv.import_statuses(data, current_user, utcnow())
        except carrier_csv.ImportRefused as error:
            show_refusal(form, error)
            problems = error.problems
        except StaleDataError:  # an item changed by someone else meanwhile: try again
            form.file.errors.append(_("Bưu gửi vừa được người khác cập nhật; vui lòng xem lại "
                                      "rồi thao tác lại."))
        else:
            flash(_("Đã nhập %(n)s trạng thái bưu gửi.", n=count), "success")
            return redirect(url_for("postal.queue"), 303)
    status = 422 if form.errors or problems else 200
    return render_template("postal/import.html", form=form, problems=problems,
                           header=",".join(carrier_csv.HEADER)), status


@bp.app_template_global("tracking_url")
def tracking_url(code: str) -> str:
    return current_app.config["PORTAL"].postal_tracking_url.format(code=code)


@bp.app_template_global("delivery_address")
def _delivery_address(dossier) -> str:
    from portal.delivery.addressing import delivery_address

    return delivery_address(dossier)



