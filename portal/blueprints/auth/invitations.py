"""Organisation invitations (issue 18): the manager invites, resends, revokes; the invited
person opens the mailed link, creates an account or signs in, and joins."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from portal.accounts import invitations
from portal.accounts import operations as ops
from portal.accounts.mail import send_invitation
from portal.blueprints import login_sessions
from portal.blueprints.auth import bp
from portal.blueprints.auth.forms import EmptyForm, InvitedRegisterForm, MemberForm
from portal.blueprints.auth.routes import _own_organisation
from portal.core import throttle
from portal.core.formatting import local_datetime
from portal.core.frame import show_refusal, unit_of_work
from portal.core.models import utcnow
from portal.core.refusal import Forbidden

PROBLEMS = {
    invitations.Problem.UNKNOWN: (404, _l("Đường dẫn lời mời không đúng. Hãy mở đúng đường dẫn "
                                       "trong thư mới nhất; nếu người quản lý đã bấm “Gửi "
                                       "lại”, đường dẫn trong thư cũ không còn dùng được.")),
    invitations.Problem.EXPIRED: (410, _l("Lời mời này đã hết hạn. Hãy đề nghị người quản lý tài "
                                       "khoản của tổ chức gửi lại lời mời.")),
    invitations.Problem.USED: (410, _l("Lời mời này đã được dùng. Nếu đó là bạn, hãy đăng nhập: "
                                    "tổ chức đã có trong trang tài khoản của bạn.")),
    invitations.Problem.REVOKED: (410, _l("Lời mời này đã bị người quản lý thu hồi.")),
}


def _config():
    return current_app.config["PORTAL"]


def _profile(organisation_id: int | None = None):
    anchor = f"#members-{organisation_id}" if organisation_id else ""
    return redirect(url_for("auth.profile") + anchor, 303)


def _mail(invitation, token: str) -> None:
    """In the transaction that made the link: the outbox sends it to the invited address only
    (never shown on a page), and a rolled-back invitation sends nothing."""
    cfg = _config()
    link = cfg.base_url.rstrip("/") + url_for("auth.invitation", token=token)
    body = render_template("emails/organisation_invitation.txt", invitation=invitation,
                           organisation=invitation.organisation, inviter=current_user,
                           link=link, days=invitations.VALID_FOR.days,
                           until=local_datetime(invitation.expires_at))
    send_invitation(invitation.email,
                    _("Lời mời tham gia %(org)s trên Cổng dịch vụ công",
                      org=invitation.organisation.name),
                    body)


def _flash_throttled(refusal: throttle.Throttled) -> None:
    flash(_("Tổ chức đã gửi quá nhiều lời mời trong một giờ. Vui lòng thử lại sau %(n)s phút.",
            n=refusal.decision.retry_after_minutes), "error")


def _managed(organisation_id: int, change: Callable[[], str]):
    """One change to an organisation's invitations in its own unit of work: the message
    ``change`` returns once it is committed, else the refusal; back to the members."""
    try:
        with unit_of_work():
            done = change()
    except throttle.Throttled as refusal:
        _flash_throttled(refusal)
    except ops.AccountError as error:
        flash(str(error), "error")
    else:
        flash(done, "success")
    return _profile(organisation_id)


@bp.post("/to-chuc/<int:organisation_id>/loi-moi")
@login_required
def invite_member(organisation_id: int):
    organisation = _own_organisation(organisation_id)
    form = MemberForm()
    if not form.validate_on_submit():
        for error in [e for errors in form.errors.values() for e in errors]:
            flash(error, "error")
        return _profile(organisation_id)

    def invite() -> str:
        invitation, token = invitations.invite(organisation, form.email.data, current_user,
                                               utcnow())
        _mail(invitation, token)
        return _("Đã gửi lời mời tới %(email)s. Đường dẫn trong thư có hiệu lực %(days)s ngày.",
                 email=invitation.email, days=invitations.VALID_FOR.days)
    return _managed(organisation_id, invite)


def _own_invitation(organisation_id: int, invitation_id: int):
    """The manager's own organisation (404/403 as for members), then its invitation (404)."""
    organisation = _own_organisation(organisation_id)
    invitation = invitations.invitation_of(organisation, invitation_id)
    if invitation is None:
        abort(404)
    return invitation


@bp.post("/to-chuc/<int:organisation_id>/loi-moi/<int:invitation_id>/gui-lai")
@login_required
def resend_invitation(organisation_id: int, invitation_id: int):
    invitation = _own_invitation(organisation_id, invitation_id)
    if not EmptyForm().validate_on_submit():
        return _profile(organisation_id)

    def resend() -> str:
        _mail(invitation, invitations.resend(invitation, utcnow()))
        return _("Đã gửi lại lời mời tới %(email)s; đường dẫn trong thư trước không còn "
                 "dùng được.", email=invitation.email)
    return _managed(organisation_id, resend)


@bp.post("/to-chuc/<int:organisation_id>/loi-moi/<int:invitation_id>/thu-hoi")
@login_required
def revoke_invitation(organisation_id: int, invitation_id: int):
    invitation = _own_invitation(organisation_id, invitation_id)
    if not EmptyForm().validate_on_submit():
        return _profile(organisation_id)

    def revoke() -> str:
        invitations.revoke(invitation, utcnow())
        return _("Đã thu hồi lời mời gửi tới %(email)s.", email=invitation.email)
    return _managed(organisation_id, revoke)


def _unusable(problem: invitations.Problem):
    status, message = PROBLEMS[problem]
    return render_template("auth/invitation.html", problem=message, invitation=None), status


def _register(invitation, form: InvitedRegisterForm):
    """The new account and its membership in one commit; signed in at once."""
    try:
        with unit_of_work():
            user = invitations.register_and_accept(invitation, ops.Registration(
                full_name=form.full_name.data, email=invitation.email, phone=form.phone.data,
                id_number=form.id_number.data, password=form.password.data), utcnow())
            login_sessions.log_in(user, remember=False)
    except ops.AccountError as error:
        show_refusal(form, error)  # next to its field, else in the summary: 422
        return None
    flash(_("Đã tạo tài khoản. Bạn là thành viên của %(org)s và có thể nộp hồ sơ thay mặt tổ "
            "chức.", org=invitation.organisation.name), "success")
    return _profile(invitation.organisation_id)


@bp.route("/loi-moi/<token>", methods=["GET", "POST"])
def invitation(token: str):
    lookup = invitations.find(token, utcnow())
    if lookup.problem is not None:
        return _unusable(lookup.problem)
    invite = lookup.invitation
    page = {"invitation": invite, "token": token, "join_form": EmptyForm()}
    if current_user.is_authenticated:
        # Signed in: join with this account, if it is the one invited.
        mine = current_user.email == invite.email
        return render_template("auth/invitation.html", wrong_account=not mine, **page), (
            200 if mine else 403)
    if invitations.account_exists(invite):
        return render_template("auth/invitation.html", sign_in_first=True, **page)
    form = InvitedRegisterForm()
    if form.validate_on_submit() and (done := _register(invite, form)) is not None:
        return done
    return render_template("auth/invitation.html", form=form, **page), (
        422 if form.errors else 200)


@bp.post("/loi-moi/<token>/tham-gia")
def join_organisation(token: str):
    lookup = invitations.find(token, utcnow())
    if lookup.problem is not None:
        return _unusable(lookup.problem)
    invite = lookup.invitation
    # Signed out meanwhile: back to the invitation, which offers the login (whose `next`
    # brings the person back there, not to this POST-only address).
    if current_user.is_authenticated and EmptyForm().validate_on_submit():
        try:
            with unit_of_work():
                invitations.accept(invite, current_user, utcnow())
        except Forbidden:
            return invitation(token)  # the page that says why (403)
        except ops.AccountError as error:
            flash(str(error), "error")
            return redirect(url_for("auth.invitation", token=token), 303)
        flash(_("Bạn đã trở thành thành viên của %(org)s.", org=invite.organisation.name),
              "success")
        return _profile(invite.organisation_id)
    return redirect(url_for("auth.invitation", token=token), 303)
