"""The profile's "how to tell me" section (issue 13): the channels of one's messages and
their language, and proving the phone and the e-mail with a code sent through the outbox."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts import policy
from portal.accounts import verification as v
from portal.blueprints.auth import bp
from portal.blueprints.auth.forms import ChannelsForm, CodeForm, EmptyForm, MemberForm, ProfileForm
from portal.core.frame import show_refusal, unit_of_work

# Vietnamese URL words for what is proved.
KINDS = {"dien-thoai": "phone", "email": "email"}


def _kind_or_404(slug: str) -> str:
    return KINDS.get(slug) or abort(404)


def profile_context(channels_form: ChannelsForm | None = None,
                    code_forms: dict[str, CodeForm] | None = None) -> dict:
    """What the profile page needs for its notification section."""
    user = current_user
    if channels_form is None:
        channels_form = ChannelsForm(formdata=None, notify_email=user.notify_email,
                                     notify_sms=user.notify_sms, notify_zalo=user.notify_zalo,
                                     language=user.language or "vi")
    code_forms = code_forms or {}
    forms = {kind: code_forms.get(kind) or CodeForm(formdata=None, prefix=kind)
             for kind in ("phone", "email")}
    return {"channels_form": channels_form, "code_forms": forms, "send_form": EmptyForm(),
            "pending": {kind: v.pending(user, kind) for kind in ("phone", "email")},
            "kind_slugs": {kind: slug for slug, kind in KINDS.items()}}


def _profile_page(status: int, **forms):
    form = ProfileForm(obj=current_user, formdata=None, data=ProfileForm.initial(current_user),
                       phone_required=policy.submits_dossiers(current_user))
    return render_template("auth/profile.html", form=form, member_form=MemberForm(),
                           remove_form=EmptyForm(), **profile_context(**forms)), status


@bp.post("/ho-so-ca-nhan/thong-bao")
@login_required
def notification_channels():
    form = ChannelsForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                v.set_preferences(current_user, form.notify_email.data, form.notify_sms.data,
                                  form.notify_zalo.data, form.language.data)
        except v.VerificationError as error:
            show_refusal(form, error)
        else:
            flash(_("Đã lưu cách nhận thông báo."), "success")
            return redirect(url_for("auth.profile", _anchor="notifications-title"), 303)
    return _profile_page(422, channels_form=form)


@bp.post("/ho-so-ca-nhan/xac-minh/<slug>/gui-ma")
@login_required
def send_verification_code(slug: str):
    kind = _kind_or_404(slug)
    if EmptyForm().validate_on_submit():
        try:
            with unit_of_work():
                v.send_code(current_user, kind)
        except v.VerificationError as error:
            flash(str(error), "error")
        else:
            flash(_("Đã gửi mã xác minh đến số điện thoại của bạn.") if kind == "phone" else
                  _("Đã gửi mã xác minh đến e-mail của bạn."), "success")
    return redirect(url_for("auth.profile", _anchor=f"verify-{kind}"), 303)


@bp.post("/ho-so-ca-nhan/xac-minh/<slug>")
@login_required
def verify_contact(slug: str):
    kind = _kind_or_404(slug)
    form = CodeForm(prefix=kind)
    if form.validate_on_submit():
        with unit_of_work():  # a wrong code's attempt is counted and committed
            refusal = v.attempt_code(current_user, kind, form.code.data)
        if refusal is None:
            flash(_("Đã xác minh số điện thoại.") if kind == "phone" else
                  _("Đã xác minh e-mail."), "success")
            return redirect(url_for("auth.profile", _anchor="notifications-title"), 303)
        show_refusal(form, refusal)
    return _profile_page(422, code_forms={kind: form})
