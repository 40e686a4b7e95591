"""Administration of users: find, create staff accounts, roles, lock, reset the second factor."""

from __future__ import annotations

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.accounts import administration as admin_ops
from portal.accounts import operations as ops
from portal.accounts.models import Role, User
from portal.blueprints.admin import bp
from portal.blueprints.admin.org_forms import GrantRoleForm, SetActiveForm, StaffForm, choices
from portal.blueprints.forms import EmptyForm
from portal.catalog.org_queries import all_agencies
from portal.core.frame import show_refusal, unit_of_work
from portal.core.htmx import htmx_redirect, render_page_or_partial
from portal.core.numbers import parse_int
from portal.core.pagination import page_number
from portal.extensions import db

PAGE_SIZE = 25


def get_user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _user_filter() -> admin_ops.UserFilter:
    role = request.args.get("role", "")
    agency = request.args.get("agency", "")
    return admin_ops.UserFilter(
        q=request.args.get("q", "")[:200],
        role=Role(role) if role in Role._value2member_map_ else None,
        agency_id=parse_int(agency),
    )


@bp.get("/nguoi-dung")
def users():
    filters = _user_filter()
    page = admin_ops.search_users(filters, page_number(request.args.get("page")), PAGE_SIZE)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_page_or_partial("admin/users/list.html", "admin/users/_results.html",
                                  filters=filters, page=page, args=args, roles=list(Role),
                                  agencies=all_agencies())


@bp.route("/nguoi-dung/moi", methods=["GET", "POST"])
def user_new():
    form = StaffForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user = ops.create_staff(form.full_name.data, form.email.data, form.password.data,
                                        form.phone.data or "", temporary=True)
        except ops.AccountError as error:
            show_refusal(form, error, flash_unplaced=True)
        else:
            flash(_("Đã tạo tài khoản cho %(name)s. Hãy gán vai trò; ở lần đăng nhập đầu tiên "
                    "người dùng sẽ thiết lập xác thực hai lớp và đổi mật khẩu tạm thời.",
                    name=user.full_name), "success")
            return htmx_redirect("admin.user", user_id=user.id)
    return render_template("admin/users/new.html", form=form), 422 if form.errors else 200


def _grant_form(**kwargs) -> GrantRoleForm:
    form = GrantRoleForm(**kwargs)
    form.agency.choices = choices([("", _("— Không gắn cơ quan —")),
                                   *((a.id, a.name) for a in all_agencies())])
    return form


def _user_page(user: User, grant_form: GrantRoleForm | None = None) -> tuple[str, int]:
    grant_form = grant_form or _grant_form(formdata=None)
    return render_template("admin/users/detail.html", user=user, grant_form=grant_form,
                           action_form=EmptyForm(), active_form=SetActiveForm(formdata=None),
                           is_self=user.id == current_user.id), 422 if grant_form.errors else 200


@bp.get("/nguoi-dung/<int:user_id>")
def user(user_id: int):
    return _user_page(get_user_or_404(user_id))


@bp.post("/nguoi-dung/<int:user_id>/vai-tro")
def user_grant_role(user_id: int):
    user = get_user_or_404(user_id)
    form = _grant_form()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                assignment = ops.grant_role(user, Role(form.role.data), form.agency.data)
        except ops.AccountError as error:
            show_refusal(form, error, flash_unplaced=True)
        else:
            flash(_("Đã gán vai trò %(role)s cho %(name)s.", role=_(assignment.role.label)
                    + (f" – {assignment.agency.name}" if assignment.agency else ""),
                    name=user.full_name), "success")
            return htmx_redirect("admin.user", user_id=user.id)
    return _user_page(user, grant_form=form)


@bp.post("/nguoi-dung/<int:user_id>/vai-tro/<int:assignment_id>/thu-hoi")
def user_revoke_role(user_id: int, assignment_id: int) -> Response:
    user = get_user_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        with unit_of_work():
            admin_ops.revoke_user_role(current_user, user, assignment_id)
    except ops.AccountError as error:
        flash(str(error), "error")
    else:
        flash(_("Đã thu hồi vai trò của %(name)s.", name=user.full_name), "success")
    return htmx_redirect("admin.user", user_id=user.id)


@bp.post("/nguoi-dung/<int:user_id>/trang-thai")
def user_set_active(user_id: int) -> Response:
    user = get_user_or_404(user_id)
    form = SetActiveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        with unit_of_work():
            admin_ops.set_user_active(current_user, user, form.active.data == "1")
    except ops.AccountError as error:
        flash(str(error), "error")
    else:
        flash(_("Đã mở khóa tài khoản %(email)s.", email=user.email) if user.active
              else _("Đã khóa tài khoản %(email)s; các phiên đăng nhập của tài khoản này đã kết "
                     "thúc.", email=user.email), "success")
    return htmx_redirect("admin.user", user_id=user.id)


@bp.post("/nguoi-dung/<int:user_id>/xac-thuc-hai-lop")
def user_reset_totp(user_id: int) -> Response:
    user = get_user_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with unit_of_work():
        admin_ops.reset_two_factor(user)
    flash(_("Đã đặt lại xác thực hai lớp của %(name)s. Ở lần đăng nhập tới, người dùng phải "
            "quét mã QR mới bằng ứng dụng xác thực.", name=user.full_name), "success")
    return htmx_redirect("admin.user", user_id=user.id)
