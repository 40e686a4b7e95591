"""Register, log in (with TOTP for staff), log out, reset a password, manage members."""

from __future__ import annotations

from datetime import timedelta

import segno
from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts import invitations, policy
from portal.accounts import operations as ops
from portal.accounts.models import Organisation
from portal.blueprints import login_sessions
from portal.blueprints.auth import bp
from portal.blueprints.auth.channels import profile_context
from portal.blueprints.auth.forms import (
    ChangePasswordForm,
    EmptyForm,
    ForgotPasswordForm,
    LoginForm,
    MemberForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    TotpForm,
)
from portal.core import throttle
from portal.core.errors import too_many
from portal.core.frame import show_refusal, unit_of_work
from portal.core.models import utcnow
from portal.core.redirects import safe_redirect_target
from portal.core.security import client_address
from portal.extensions import db
from portal.notifications import outbox
from portal.notifications.trigger import wake_after_commit

PENDING = "pending_user_id"


def _config():
    return current_app.config["PORTAL"]


def _safe_next(default: str) -> str:
    return safe_redirect_target(request.args.get("next") or request.form.get("next"), default)


@bp.app_context_processor
def _account_policy():
    # The menu shows "Hồ sơ của tôi" to those who submit dossiers online.
    return {"submits_dossiers": policy.submits_dossiers}


def _landing(user) -> str:
    """Where a login or a registration goes: a safe ``next`` if one was given, else where
    this user works (``policy.landing_endpoint``)."""
    return _safe_next(url_for(policy.landing_endpoint(user)))


@bp.route("/dang-ky", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        business = form.account_type.data == "business"
        try:
            with unit_of_work():
                user = ops.register(ops.Registration(
                    full_name=form.full_name.data, email=form.email.data,
                    phone=form.phone.data, id_number=form.id_number.data,
                    password=form.password.data,
                    organisation_name=form.organisation_name.data if business else "",
                    tax_code=form.tax_code.data if business else "",
                    organisation_address=form.organisation_address.data if business else ""))
                login_sessions.log_in(user, remember=False)
        except ops.AccountError as error:
            show_refusal(form, error, flash_unplaced=True)
        else:
            flash(_("Đăng ký tài khoản thành công. Chào mừng bạn đến Cổng dịch vụ công."),
                  "success")
            return redirect(_landing(user), 303)
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            outcome = ops.log_in(form.email.data, form.password.data, client_address(),
                                 _config())
        except throttle.Throttled as refusal:
            return too_many("auth/login.html", refusal.decision, form=form, message=_(
                "Tài khoản này tạm thời không đăng nhập được vì mật khẩu đã bị nhập sai nhiều "
                "lần. Vui lòng thử lại sau %(n)s phút, hoặc đặt lại mật khẩu để mở khóa ngay.",
                n=refusal.decision.retry_after_minutes))
        user = outcome.user
        if user is None:
            form.password.errors = [_("E-mail hoặc mật khẩu không đúng.")]
            if outcome.address_over_limit:
                return too_many("auth/login.html", outcome.address_over_limit, form=form,
                                message=_("Có quá nhiều lần đăng nhập sai từ địa chỉ mạng của "
                                          "bạn. Vui lòng kiểm tra lại e-mail và mật khẩu rồi "
                                          "thử lại sau %(n)s phút.",
                                          n=outcome.address_over_limit.retry_after_minutes))
            return render_template("auth/login.html", form=form), 422
        if user.is_staff:
            # Staff must pass a second factor; until then they are not logged in.
            with unit_of_work():
                session[PENDING] = user.get_id()
                session["pending_remember"] = bool(form.remember.data)
            target = "auth.totp" if user.totp_enabled else "auth.totp_setup"
            return redirect(url_for(target, next=_safe_next("")), 303)
        return _finish_login(user, bool(form.remember.data))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


def _finish_login(user, remember: bool):
    with unit_of_work():
        ops.mark_logged_in(user)
        login_sessions.log_in(user, remember=remember)
    session.pop(PENDING, None)
    flash(_("Xin chào %(name)s.", name=user.full_name), "success")
    return redirect(_landing(user), 303)


def _pending_user():
    from portal.accounts.queries import load_user

    pending = session.get(PENDING)
    user = load_user(pending) if pending else None
    if user is None:
        abort(redirect(url_for("auth.login"), 303))
    return user


@bp.route("/xac-thuc", methods=["GET", "POST"])
def totp():
    user = _pending_user()
    if not user.totp_enabled:
        return redirect(url_for("auth.totp_setup"), 303)
    form = TotpForm()
    if form.validate_on_submit():
        try:
            result = ops.second_factor(user, form.code.data, _config())
        except throttle.Throttled as refusal:
            return too_many("auth/totp.html", refusal.decision, form=form, message=_(
                "Mã xác thực đã bị nhập sai quá nhiều lần. Vui lòng thử lại sau %(n)s phút.",
                n=refusal.decision.retry_after_minutes))
        if result is ops.CodeCheck.ACCEPTED:
            return _finish_login(user, session.pop("pending_remember", False))
        form.code.errors = [
            _("Mã này vừa được dùng. Vui lòng đợi ứng dụng xác thực hiển thị mã mới rồi nhập "
              "mã đó.") if result is ops.CodeCheck.REUSED
            else _("Mã xác thực không đúng hoặc đã hết hạn.")]
    return render_template("auth/totp.html", form=form), 422 if form.errors else 200


@bp.route("/thiet-lap-xac-thuc", methods=["GET", "POST"])
def totp_setup():
    user = _pending_user()
    if user.totp_enabled:
        return redirect(url_for("auth.totp"), 303)
    form = TotpForm()
    with unit_of_work():
        secret = ops.start_totp_setup(user)
    if form.validate_on_submit():
        try:
            ops.confirm_totp(user, form.code.data)
        except ops.AccountError as error:
            show_refusal(form, error, flash_unplaced=True)
        else:
            flash(_("Đã bật xác thực hai lớp cho tài khoản."), "success")
            return _finish_login(user, session.pop("pending_remember", False))
    qr = segno.make(ops.totp_uri(user, _config().totp_issuer), error="m")
    return render_template("auth/totp_setup.html", form=form, secret=secret,
                           qr=qr.svg_data_uri(scale=4)), 422 if form.errors else 200


@bp.post("/dang-xuat")
def logout():
    if EmptyForm().validate_on_submit():
        with unit_of_work():
            login_sessions.log_out()  # ends the session on the server, not only this browser
        flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("public.home"), 303)


@bp.post("/dang-xuat-moi-thiet-bi")
@login_required
def logout_everywhere():
    if EmptyForm().validate_on_submit():
        with unit_of_work():
            login_sessions.log_out(everywhere=True)
        flash(_("Bạn đã đăng xuất khỏi mọi thiết bị."), "info")
    return redirect(url_for("public.home"), 303)


@bp.route("/quen-mat-khau", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        cfg = _config()
        try:
            user = ops.request_password_reset(form.email.data, client_address(), cfg)
        except throttle.Throttled as refusal:
            return too_many("auth/forgot.html", refusal.decision, form=form, message=_(
                "Đã có quá nhiều yêu cầu đặt lại mật khẩu. Nếu e-mail này đã đăng ký, hãy dùng "
                "đường dẫn trong thư đã gửi, hoặc thử lại sau %(n)s phút.",
                n=refusal.decision.retry_after_minutes))
        # The same answer whether or not the address has an account, and whatever the mail
        # server does: a different status or a slower answer would tell which addresses do.
        flash(_("Nếu e-mail này đã đăng ký, chúng tôi đã gửi đường dẫn đặt lại mật khẩu. "
              "Vui lòng kiểm tra hộp thư."), "info")
        with unit_of_work():
            if user is not None:
                token = ops.make_reset_token(user, current_app.config["SECRET_KEY"])
                link = cfg.base_url.rstrip("/") + url_for("auth.reset_password", token=token)
                body = render_template("emails/password_reset.txt", user=user, link=link,
                                       hours=cfg.password_reset_hours)
                outbox.queue("email", user.email, body,
                             subject=_("Đặt lại mật khẩu Cổng dịch vụ công"))
            # The worker is woken either way, so the answer takes as long with or without
            # an account; the mail leaves from the worker, not from this request.
            wake_after_commit()
        response = redirect(url_for("auth.login"), 303)
        return response
    return render_template("auth/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/dat-lai-mat-khau/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = ops.user_for_reset_token(token, current_app.config["SECRET_KEY"],
                                    timedelta(hours=_config().password_reset_hours))
    if user is None:
        flash(_("Đường dẫn đặt lại mật khẩu không hợp lệ, đã dùng hoặc đã hết hạn. "
              "Vui lòng yêu cầu đường dẫn mới."), "error")
        return redirect(url_for("auth.forgot_password"), 303)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        with unit_of_work():
            ops.reset_password(user, form.password.data)
        flash(_("Đã đặt lại mật khẩu. Vui lòng đăng nhập bằng mật khẩu mới."), "success")
        return redirect(url_for("auth.login"), 303)
    return render_template("auth/reset.html", form=form), 422 if form.errors else 200


@bp.route("/ho-so-ca-nhan", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user, data=ProfileForm.initial(current_user),
                       phone_required=policy.submits_dossiers(current_user))
    if form.validate_on_submit():
        try:
            with unit_of_work():
                ops.update_profile(current_user, form.full_name.data, form.phone.data or "",
                                   form.place())
        except ops.AccountError as error:
            show_refusal(form, error)
        else:
            flash(_("Đã lưu thông tin tài khoản."), "success")
            return redirect(url_for("auth.profile"), 303)
    now = utcnow()
    return render_template("auth/profile.html", form=form, member_form=MemberForm(),
                           remove_form=EmptyForm(), now=now,
                           pending_invitations=invitations.pending,
                           **profile_context()), 422 if form.errors else 200


@bp.route("/doi-mat-khau", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()  # login_user keeps what it is given
        first_own = user.password_temporary  # then on to where the person works
        record = g.get("user_session")
        remember = bool(record is not None and record.remember)
        try:
            with unit_of_work():
                ops.change_password(user, form.current_password.data, form.password.data,
                                    _config())
                # Every session ended, this one too: this browser gets a new one (a new token,
                # so the old cookie is worth nothing), remembered as the old one was.
                login_sessions.log_in(user, remember=remember)
        except throttle.Throttled as refusal:
            return too_many("auth/password.html", refusal.decision, form=form, message=_(
                "Mật khẩu đã bị nhập sai nhiều lần. Vui lòng thử lại sau %(n)s phút, hoặc "
                "đăng xuất rồi dùng chức năng quên mật khẩu.",
                n=refusal.decision.retry_after_minutes))
        except ops.AccountError as error:
            show_refusal(form, error)
        else:
            flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn (trên thiết bị khác) "
                    "đã được đăng xuất."), "success")
            if first_own:
                return redirect(url_for(policy.landing_endpoint(user)), 303)
            return redirect(url_for("auth.profile"), 303)
    return render_template("auth/password.html", form=form), 422 if form.errors else 200


def _own_organisation(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not any(m.user_id == current_user.id
                                       for m in organisation.members):
        abort(404)
    if not organisation.can_manage_members(current_user):
        abort(403)
    return organisation


@bp.post("/to-chuc/<int:organisation_id>/thanh-vien/<int:member_id>/xoa")
@login_required
def remove_member(organisation_id: int, member_id: int):
    organisation = _own_organisation(organisation_id)
    if EmptyForm().validate_on_submit():
        try:
            with unit_of_work():
                ops.remove_member(organisation, member_id)
            flash(_("Đã xóa thành viên."), "success")
        except ops.AccountError as error:
            flash(str(error), "error")
    return redirect(url_for("auth.profile"), 303)
