"""Error pages in Vietnamese; never a stack trace, never a bare 500."""

from __future__ import annotations

import logging

from flask import Flask, flash, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from portal.core.metrics import count_unhandled
from portal.extensions import db, login_manager

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Yêu cầu không hợp lệ"), _l("Yêu cầu gửi lên không hợp lệ. Vui lòng thử lại.")),
    401: (_l("Cần đăng nhập"), _l("Phiên đăng nhập đã hết hoặc bạn chưa đăng nhập. Vui lòng "
                                   "đăng nhập rồi thực hiện lại; tệp chưa được gửi đi.")),
    403: (_l("Không có quyền truy cập"),
          _l("Bạn không có quyền xem hoặc thực hiện thao tác này.")),
    404: (_l("Không tìm thấy trang"), _l("Trang bạn tìm không tồn tại hoặc đã được chuyển đi.")),
    405: (_l("Thao tác không được hỗ trợ"),
          _l("Thao tác này không được hỗ trợ tại địa chỉ này.")),
    413: (_l("Tệp quá lớn"), _l("Tệp tải lên vượt quá dung lượng cho phép.")),
    415: (_l("Không nhận tệp ở địa chỉ này"), _l("Địa chỉ này không nhận tệp tải lên.")),
    429: (_l("Quá nhiều yêu cầu"),
          _l("Bạn đã thử quá nhiều lần. Vui lòng đợi ít phút rồi thử lại.")),
    500: (_l("Đã xảy ra lỗi"),
          _l("Hệ thống gặp sự cố. Dữ liệu của bạn chưa bị thay đổi; vui lòng thử lại sau.")),
    503: (_l("Hệ thống tạm thời gián đoạn"),
          _l("Cơ sở dữ liệu hoặc kho lưu trữ tạm thời không phản hồi. Dữ liệu của bạn chưa bị "
             "thay đổi; vui lòng thử lại sau ít phút.")),
}


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title,
                           message=detail or message), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_error(
            400, _l("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại "
                    "trang và gửi lại; những gì bạn đã nhập trước đó chưa được lưu."))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code == 413:
            _drain_body()
        return render_error(error.code or 500)

    @app.errorhandler(OperationalError)
    def _database_down(error):
        log.exception("database unavailable")
        db.session.rollback()
        # Rendering the page must not touch the database again (the user loader would).
        g._login_user = login_manager.anonymous_user()
        return render_error(503)

    @app.errorhandler(Exception)
    def _unexpected(error):
        log.exception("unhandled error")
        count_unhandled(error)
        db.session.rollback()
        return render_error(500)


# A body refused as too large is read (and dropped) before the answer, up to this much — a
# little over nginx's own limit (deploy/nginx: client_max_body_size 25m). Behind nginx the
# whole body is already on its way: an app that answers and closes with it unread resets the
# connection, and nginx then shows its own 502 instead of our Vietnamese 413 page.
DRAIN_LIMIT = 32 * 1024 * 1024


def _drain_body() -> None:
    environ = request.environ
    # Only where reading to the end stops at the body's end (gunicorn says so): the
    # development server's input is the socket itself, where reading on would wait.
    if not environ.get("wsgi.input_terminated") or (request.content_length or 0) > DRAIN_LIMIT:
        return
    stream, left = environ["wsgi.input"], DRAIN_LIMIT
    try:
        while left > 0 and (chunk := stream.read(min(left, 1 << 16))):
            left -= len(chunk)
    except OSError:  # the client went away: nothing to answer anyway
        pass


def too_many(template: str, decision, message: str, **context):
    """429 with ``template`` re-rendered (the user's input kept), ``message`` flashed and
    Retry-After set from the throttle's ``decision`` (core.throttle)."""
    flash(message, "error")
    return (render_template(template, **context), 429,
            {"Retry-After": str(decision.retry_after_seconds)})
