"""The public lookup as JSON (issue 13, docs/api.md): ``GET /api/v1/tra-cuu?ma=&so=`` (or the
receipt QR's ``t``) for a Zalo official-account chatbot or any other machine client.

One lookup, two answers: the page (/tra-cuu) and this route run ``routes.look_up_request``,
so the second factor, the throttle and its counters (per client address, per code) are the
same — a client cannot guess faster here than on the page — and so is the data: the
procedure, the agency, the state and the appointment, nothing personal. Errors are JSON too,
with a Vietnamese message a chatbot can pass on as it is. Times are ISO 8601 in Vietnam's
time (+07:00)."""

from __future__ import annotations

from flask import jsonify
from flask_babel import gettext as _

from portal.blueprints.public import bp
from portal.blueprints.public.routes import LookupAnswer, look_up_request, throttled_message
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.dossiers.models import Dossier
from portal.workflow import obligations

API_VERSION = "1"


def _instant(value) -> str | None:
    return value.astimezone(VN_TZ).isoformat() if value is not None else None


def dossier_json(dossier: Dossier) -> dict:
    """The page's data (public/lookup.html), no more: never the applicant."""
    clock = obligations.paused_clock(dossier, current_calendar())
    return {
        "ma_ho_so": dossier.code,
        "thu_tuc": dossier.procedure_version.name,
        "co_quan": dossier.agency.name,
        "trang_thai": {"ma": dossier.state.value, "ten": _(dossier.state.label)},
        "ngay_nop": _instant(dossier.submitted_at),
        "ngay_hen_tra": _instant(dossier.appointment_at),
        # An apology moved the appointment: the original one, as the page says.
        "ngay_hen_ban_dau": _instant(dossier.due_at) if dossier.new_appointment_at else None,
        "tam_dung": None if clock is None else {
            "tu": _instant(clock.since), "ly_do": _(clock.reason),
            "so_ngay_lam_viec_con_lai": clock.days_left},
    }


def _error(status: int, code: str, message: str, **extra):
    return jsonify({"loi": {"ma": code, "thong_bao": message, **extra}}), status, {}


def _answer(answer: LookupAnswer):
    if answer.throttled is not None:
        seconds = answer.throttled.retry_after_seconds
        body, status, _headers = _error(429, "qua_nhieu_lan",
                                        throttled_message(answer.throttled),
                                        thu_lai_sau_giay=seconds)
        return body, status, {"Retry-After": str(seconds)}
    if answer.status == 422 or (answer.status == 200 and answer.dossier is None):
        fields = {name: [str(e) for e in errors] for name, errors in answer.form.errors.items()}
        if not fields:  # nothing asked: the code and the 4 digits are both needed
            fields = {"ma": [_("Vui lòng nhập %(what)s.", what=_("mã hồ sơ"))]}
        return _error(422, "du_lieu_khong_hop_le", _("Vui lòng nhập mã hồ sơ và 4 chữ số "
                                                     "cuối số điện thoại hoặc số CCCD của "
                                                     "người nộp."), truong=fields)
    if answer.dossier is None:
        return _error(404, "khong_tim_thay", _(
            "Không tìm thấy hồ sơ có mã %(code)s với 4 chữ số đã nhập. Vui lòng kiểm tra lại mã "
            "hồ sơ và 4 chữ số cuối số điện thoại hoặc số CCCD của người nộp.",
            code=answer.form.ma.data))
    return jsonify({"phien_ban": API_VERSION, "ho_so": dossier_json(answer.dossier)}), 200, {}


@bp.get("/api/v1/tra-cuu")
def lookup_json():
    body, status, headers = _answer(look_up_request())
    headers["Cache-Control"] = "no-store"  # what a dossier is and where it stands
    return body, status, headers
