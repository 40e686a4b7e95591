"""Administration of the message templates (issue 13): the list of events, and for each
event and language the texts, the SMS length in segments, and a preview with a real dossier
(picked by its code). A text that does not compile or reaches beyond its variables is
refused next to its field (``message_templates.TemplateRefused``), never a 500."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.admin import bp
from portal.blueprints.admin.message_forms import MessageTemplateForm
from portal.blueprints.forms import EmptyForm
from portal.core.frame import show_refusal, unit_of_work
from portal.notifications import events
from portal.notifications import message_templates as mt
from portal.notifications.defaults import EVENTS, LANGUAGES
from portal.notifications.segments import sms_length


def _event_or_404(key: str, language: str):
    if key not in EVENTS or language not in LANGUAGES:
        abort(404)
    return EVENTS[key]


@bp.get("/tin-nhan")
def message_templates():
    rows = [(event, {language: mt.source(event.key, language) for language in LANGUAGES})
            for event in EVENTS.values()]
    return render_template("admin/messages/index.html", rows=rows, languages=LANGUAGES)


def _preview(key: str, language: str, src: mt.Source, code: str):
    """The message with the sample values, or with the dossier ``code``'s; and a note."""
    values, note = EVENTS[key].samples(), None
    if code:
        dossier = events.dossier_by_code(code)
        if dossier is None:
            note = _("Không tìm thấy hồ sơ có mã %(code)s; bản xem trước dùng dữ liệu mẫu.",
                     code=code)
        else:
            values = events.preview_values(dossier, key, language)
    try:
        rendered = mt.render_source(src, values)
    except Exception as error:  # the saved text fails on this dossier: say so, no 500
        return None, _("Mẫu không hiển thị được với hồ sơ này: %(error)s",
                       error=str(error)[:200])
    return rendered, note


def _page(key: str, language: str, form: MessageTemplateForm, src: mt.Source, status: int):
    rendered, note = _preview(key, language, src, form.dossier_code.data or "")
    return render_template(
        "admin/messages/edit.html", event=EVENTS[key], language=language, form=form,
        src=src, rendered=rendered, preview_note=note, reset_form=EmptyForm(),
        length=sms_length(rendered.sms_text) if rendered else None), status


def _form_source(key: str, language: str, form: MessageTemplateForm) -> mt.Source:
    return mt.Source(key, language, form.subject.data or "", form.email_body.data or "",
                     form.sms_text.data or "", form.zalo_template_id.data or "",
                     mt.parse_zalo_params(key, form.zalo_params.data or ""))


@bp.get("/tin-nhan/<key>/<language>")
def message_template(key: str, language: str):
    _event_or_404(key, language)
    src = mt.source(key, language)
    form = MessageTemplateForm(formdata=None, subject=src.subject, email_body=src.email_body,
                               sms_text=src.sms_text, zalo_template_id=src.zalo_template_id,
                               zalo_params=mt.format_zalo_params(src.zalo_params),
                               dossier_code=request.args.get("dossier_code", "")[:40])
    return _page(key, language, form, src, 200)


@bp.post("/tin-nhan/<key>/<language>")
def message_template_save(key: str, language: str):
    _event_or_404(key, language)
    form = MessageTemplateForm()
    if not form.validate_on_submit():
        return _page(key, language, form, mt.source(key, language), 422)
    preview = "preview" in request.form
    try:
        with unit_of_work() as work:
            mt.save(key, language, form.subject.data, form.email_body.data,
                    form.sms_text.data, form.zalo_template_id.data, form.zalo_params.data,
                    current_user.id)
            if preview:
                work.discard()  # checked and shown, not kept
    except mt.TemplateRefused as error:
        show_refusal(form, error)
        return _page(key, language, form, mt.source(key, language), 422)
    if preview:
        return _page(key, language, form, _form_source(key, language, form), 200)
    flash(_("Đã lưu mẫu tin nhắn."), "success")
    return redirect(url_for("admin.message_template", key=key, language=language), 303)


@bp.post("/tin-nhan/<key>/<language>/mac-dinh")
def message_template_reset(key: str, language: str):
    _event_or_404(key, language)
    if EmptyForm().validate_on_submit():
        with unit_of_work():
            mt.reset(key, language)
        flash(_("Đã khôi phục nội dung mặc định."), "success")
    return redirect(url_for("admin.message_template", key=key, language=language), 303)


@bp.post("/tin-nhan/<key>/<language>/do-dai-sms")
def message_sms_length(key: str, language: str):
    """The live SMS length under the SMS field (htmx, as the administrator types): the text
    rendered with the sample values; without JavaScript the preview button shows it."""
    event = _event_or_404(key, language)
    text = (request.form.get("sms_text") or "")[:mt.LIMITS["sms_text"]]
    try:
        length, error = sms_length(mt.render_sms_sample(text, event.samples())), None
    except Exception as failure:  # the text does not compile yet: say so, no 500
        length, error = None, str(failure)[:200]
    return render_template("admin/messages/_sms_length.html", length=length, error=error)
