"""Text longer than its column (issue #10, item 13). PostgreSQL refuses a value longer than a
``VARCHAR(n)`` (SQLite silently stores it), which used to be a 500 page — a 311-character
e-mail at login was enough. Every text field of every form has a length limit no larger than
its column, refused with a Vietnamese message next to the field; and identifiers are
normalised before the uniqueness checks, so " 4300123456 " is the company already
registered, not a new one."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass
from datetime import timedelta

import factories
import pytest
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, Form, FormField, HiddenField, StringField
from wtforms.validators import Length

import portal.blueprints
from portal.accounts.models import Organisation, Role, User
from portal.catalog import operations as catalog_ops
from portal.core.forms import column_length
from portal.dossiers.models import Dossier
from portal.extensions import db

PASSWORD = factories.PASSWORD
TOO_LONG = "Nội dung quá dài"
NO_LIMIT = 3000  # what is posted to a field that declares no limit at all


def _form_classes() -> list[type[Form]]:
    found = []
    for info in pkgutil.walk_packages(portal.blueprints.__path__, "portal.blueprints."):
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if (inspect.isclass(obj) and issubclass(obj, Form)
                    and obj.__module__ == module.__name__):
                found.append(obj)
    return found


def _text_fields(form):
    """Every text input of a form, rows of its lists included."""
    for field in form:
        if isinstance(field, FieldList):
            for entry in field:
                yield from _text_fields(entry.form if isinstance(entry, FormField) else [entry])
        elif isinstance(field, FormField):
            yield from _text_fields(field.form)
        elif isinstance(field, StringField) and not isinstance(field, HiddenField):
            yield field


def _length(field) -> Length | None:
    """The field's tightest length limit."""
    found = [v for v in field.validators if isinstance(v, Length) and v.max and v.max > 0]
    return min(found, key=lambda v: v.max) if found else None


def _limit(field) -> int | None:
    length = _length(field)
    return length.max if length else None


def _said(field) -> str:
    """The start of what the limit says (before the numbers are filled in)."""
    length = _length(field)
    return str(length.message).split("%")[0].strip() if length and length.message else TOO_LONG


def test_every_text_field_has_a_limit_within_its_column(app):
    classes = _form_classes()
    assert len(classes) >= 30
    problems = []
    with app.test_request_context():
        for cls in classes:
            form = cls()
            for field in _text_fields(form):
                limit = _limit(field)
                if limit is None:
                    problems.append(f"{cls.__name__}.{field.short_name}: no Length(max)")
                elif _length(field).message is None:  # WTForms' own message is English
                    problems.append(f"{cls.__name__}.{field.short_name}: no Vietnamese message")
                for validator in field.validators:
                    column = getattr(validator, "column", None)
                    if column is not None and validator.max > column_length(column):
                        problems.append(f"{cls.__name__}.{field.short_name}: {validator.max} "
                                        f"> {column} ({column_length(column)})")
    assert not problems, problems


# --- through HTTP, on both databases -----------------------------------------------------------

@dataclass
class World:
    agency_id: int
    field_id: int
    organisation_id: int
    dossier_id: int  # the citizen's draft
    submitted_id: int  # an online dossier of the agency, being processed
    fresh_id: int  # an online dossier of the agency, just submitted
    consulted_id: int  # an online dossier on which the other agency is consulted
    spot_version_id: int
    emails: dict[str, str]
    forwarded_id: int = 0  # an inter-agency dossier held by the Committee's office


@pytest.fixture
def world(app) -> World:
    from portal.calendar.overrides import current_calendar
    from portal.core.models import utcnow
    from portal.dossiers import operations as dossier_ops
    from portal.workflow import actions as wf

    with app.app_context():
        agency = factories.agency("STP", "Sở Tư pháp")
        version = factories.published_procedure(agency, code="1.000001")
        spot = factories.published_procedure(agency, code="1.000002", on_the_spot=True)
        owner = factories.citizen("dn@example.vn", organisation_name="Công ty TNHH An Phú",
                                  tax_code="4300123456")
        citizen = factories.citizen("dan@example.vn")
        other = factories.agency("SXD", "Sở Xây dựng")
        users = {"admin": factories.staff(Role.ADMIN, email="qt@example.vn"),
                 "other": factories.staff(Role.SPECIALIST, other, "khac@example.vn"),
                 "counter": factories.staff(Role.COUNTER_OFFICER, agency, "quay@example.vn"),
                 "specialist": factories.staff(Role.SPECIALIST, agency, "cv@example.vn"),
                 "leader": factories.staff(Role.LEADER, agency, "ld@example.vn"),
                 "citizen": citizen, "owner": owner}
        draft = dossier_ops.start_dossier(version, citizen)
        submitted = factories.submitted_dossier(version, citizen)
        ctx = wf.Context(users["counter"], utcnow(), current_calendar())
        wf.receive(submitted, ctx)
        specialist = wf.Context(users["specialist"], utcnow(), current_calendar())
        wf.take(submitted, specialist)
        fresh = factories.submitted_dossier(version, citizen)
        consulted = factories.submitted_dossier(version, citizen)
        wf.receive(consulted, ctx)
        wf.take(consulted, specialist)
        wf.request_consultation(consulted, specialist, [other], "Ý kiến?",
                                utcnow() + timedelta(days=5))
        liaison = factories.agency("VPUBND", "Văn phòng UBND tỉnh")
        users["liaison_leader"] = factories.staff(Role.LEADER, liaison, "vp@example.vn")
        chained = factories.published_procedure(
            agency, code="1.000003", inter_agency=True,
            chain=[catalog_ops.ChainData("VPUBND", 3)])
        forwarded = factories.submitted_dossier(chained, citizen)
        wf.receive(forwarded, ctx)
        wf.take(forwarded, specialist)
        wf.forward_inter_agency(forwarded, wf.Context(users["leader"], utcnow(),
                                                      current_calendar()), "Trình", True)
        db.session.commit()
        return World(agency.id, agency.fields[0].id, owner.organisations[0].id, draft.id,
                     submitted.id, fresh.id, consulted.id, spot.id,
                     {k: u.email for k, u in users.items()}, forwarded.id)


def _overlong(field, limit: int | None) -> str:
    size = (limit or NO_LIMIT) + 1
    if field.type == "EmailField":
        return "a" * (size - 11) + "@example.vn"
    return "7" * size


def _cases(world: World) -> list[tuple[str, str, str, dict]]:
    """(who, URL, form class path, valid data): every form that stores text."""
    from portal.blueprints.staff.forms import FORMS

    business = {"account_type": "business", "full_name": "Nguyễn Văn Bình",
                "id_number": "051190001122", "phone": "0905123456", "email": "moi@example.vn",
                "organisation_name": "Công ty Bình Minh", "tax_code": "4300999999",
                "organisation_address": "Quảng Ngãi", "password": PASSWORD,
                "confirm": PASSWORD, "accept": "y"}
    procedure = {
        "agency_id": world.agency_id, "field_id": world.field_id, "code": "1.009999",
        "name": "Cấp giấy phép", "online_level": "full", "applicant": "both",
        "time_amount": "5", "time_unit": "days", "cutoff": "15:00", "result": "Giấy phép",
        "legal_basis": "Nghị định", "description": "Mô tả", "change_note": "Lần đầu",
        "documents-0-name": "Đơn", "documents-0-copy_type": "original",
        "documents-0-quantity": "1", "documents-0-mandatory": "y",
        "documents-0-template_label": "Mẫu 01", "fees-0-name": "Phí", "fees-0-amount": "1000",
        "fees-0-note": "Ghi chú", "steps-0-name": "Tiếp nhận", "steps-0-role": "counter",
        "steps-0-hours": "4"}
    walk_in = {"version_id": str(world.spot_version_id), "person_id": "",
               "name": "Trần Thị Hoa", "id_number": "051190001122",
               "applicant_phone": "0905123456", "email": "hoa@example.vn", "address": "Thôn 2",
               "channel": "counter", "return_method": "postal", "recipient": "Trần Thị Hoa",
               "phone": "0905123456", "province_code": "51", "ward_code": "21028",
               "ward_query": "", "street": "Thôn 2", "note": "Ghi chú"}
    d, s = world.dossier_id, world.submitted_id
    cases = [
        ("anonymous", "/tai-khoan/dang-nhap", "auth.forms.LoginForm",
         {"email": "dan@example.vn", "password": PASSWORD}),
        ("anonymous", "/tai-khoan/dang-ky", "auth.forms.RegisterForm", business),
        ("anonymous", "/tai-khoan/quen-mat-khau", "auth.forms.ForgotPasswordForm",
         {"email": "dan@example.vn"}),
        ("owner", f"/tai-khoan/to-chuc/{world.organisation_id}/loi-moi",
         "auth.forms.MemberForm", {"email": "dan@example.vn"}),
        ("admin", "/quan-tri/nguoi-dung/moi", "admin.org_forms.StaffForm",
         {"full_name": "Cán Bộ Mới", "email": "moi@example.vn", "phone": "0905123456",
          "password": PASSWORD}),
        ("admin", "/quan-tri/co-quan/moi", "admin.org_forms.AgencyForm",
         {"code": "SXD", "unit_code": "000.00.31.H48", "name": "Sở Xây dựng",
          "name_en": "Department of Construction", "kind": "department", "position": "3",
          "active": "y"}),
        ("admin", f"/quan-tri/co-quan/{world.agency_id}/linh-vuc", "admin.org_forms.FieldForm",
         {"field-code": "LV9", "field-name": "Lĩnh vực mới"}),
        ("admin", f"/quan-tri/co-quan/{world.agency_id}/linh-vuc/{world.field_id}",
         "admin.org_forms.FieldRenameForm", {"name": "Tên mới"}),
        ("admin", "/quan-tri/quay", "admin.org_forms.CounterForm",
         {"number": "9", "name": "Quầy 9", "agency_id": world.agency_id, "active": "y"}),
        ("admin", "/quan-tri/lich/ngay-nghi", "admin.org_forms.OverrideForm",
         {"day_off-day": "2030-01-02", "day_off-note": "Nghỉ bù"}),
        ("admin", "/quan-tri/thu-tuc/moi", "admin.procedure_forms.NewProcedureForm", procedure),
        ("counter", "/can-bo/tiep-nhan/moi", "staff.intake.IntakeForm", walk_in),
        ("citizen", f"/ho-so/{d}/nguoi-nop", "citizen.forms.ApplicantForm",
         {"name": "Nguyễn Văn An", "id_number": "051190001122", "phone": "0905123456",
          "email": "an@example.vn", "address": "Thôn 1", "representative": ""}),
        ("citizen", f"/ho-so/{d}/nhan-ket-qua", "forms.ReturnForm",
         {"return_method": "postal", "recipient": "An", "phone": "0905123456",
          "province_code": "51", "ward_code": "21028", "ward_query": "",
          "street": "Thôn 1"}),
        ("citizen", f"/ho-so/{world.fresh_id}/rut", "citizen.forms.WithdrawForm",
         {"reason": "Nộp nhầm thủ tục"}),
    ]
    who_acts = {"request_completion": "counter", "refuse_reception": "counter",
                "supplement": "counter", "inter_agency_returned": "liaison_leader",
                "record_inter_agency_result": "liaison_leader",
                "inter_agency_onward": "liaison_leader",
                "obligation_fulfilled": "counter", "answer_consultation": "other"}
    for action, cls in FORMS.items():
        who = who_acts.get(action.value, "leader")
        on = (world.consulted_id if who == "other"
              else world.forwarded_id if who == "liaison_leader" else s)
        cases.append((who, f"/can-bo/ho-so/{on}/{action.value}",
                      f"staff.forms.{cls.__name__}", {}))
    return cases


def _form_of(path: str, data: dict):
    module, name = path.rsplit(".", 1)
    cls = getattr(importlib.import_module(f"portal.blueprints.{module}"), name)
    kwargs = {}
    if name == "FieldForm":
        kwargs["prefix"] = "field"
    if name == "OverrideForm":
        kwargs["prefix"] = "day_off"
    return cls(formdata=MultiDict(data), **kwargs)


def test_an_overlong_value_in_any_text_field_is_refused_in_vietnamese(app, csrf_client,
                                                                         signed_in, world):
    failures, checked = [], 0
    for who, url, path, base in _cases(world):
        http = csrf_client if who == "anonymous" else signed_in(world.emails[who])
        with app.test_request_context():
            fields = [(f.name, f.type, _limit(f), _said(f))
                      for f in _text_fields(_form_of(path, base))]
        for name, kind, limit, said in fields:
            value = _overlong(type("F", (), {"type": kind}), limit)
            response = http.post(url, data={**base, name: value}, follow_redirects=True)
            body = response.get_data(as_text=True)
            # A refused member is flashed on the profile page the form returns to.
            expected = 200 if "loi-moi" in url else 422
            if response.status_code != expected or said not in body:
                failures.append((who, url, name, response.status_code, said))
            checked += 1
    assert not failures, failures
    assert checked >= 60


def test_a_311_character_email_at_login_is_a_field_error(csrf_client, world):
    response = csrf_client.post("/tai-khoan/dang-nhap",
                           data={"email": "a" * 300 + "@example.vn", "password": PASSWORD})
    assert response.status_code == 422
    assert TOO_LONG in response.get_data(as_text=True)


# --- normalised before the uniqueness checks ---------------------------------------------------

def _register(csrf_client, **changes):
    data = {"account_type": "business", "full_name": "Nguyễn Văn Bình",
            "id_number": "051190001122", "phone": "0905123456", "email": "moi@example.vn",
            "organisation_name": "Công ty Bình Minh", "tax_code": "4300999999",
            "organisation_address": "Quảng Ngãi", "password": PASSWORD, "confirm": PASSWORD,
            "accept": "y", **changes}
    return csrf_client.post("/tai-khoan/dang-ky", data=data)


@pytest.mark.parametrize("tax_code", [" 4300123456 ", "4300 123 456", "  4300123456",
                                      "4300123456\t", "4300123456 "])
def test_a_padded_tax_code_is_the_company_already_registered(app, csrf_client, world,
                                                              tax_code):
    response = _register(csrf_client, tax_code=tax_code)
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    assert "Mã số thuế này đã có tài khoản doanh nghiệp" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Organisation).count() == 1
        assert db.session.query(User).filter_by(email="moi@example.vn").count() == 0


def test_a_padded_tax_code_is_stored_without_spaces(app, csrf_client, world):
    response = _register(csrf_client, tax_code=" 4300 999 999 ")
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    with app.app_context():
        assert db.session.query(Organisation).filter_by(tax_code="4300999999").count() == 1


def test_a_capitalised_padded_email_is_the_account_already_registered(app, csrf_client,
                                                                       world):
    response = _register(csrf_client, email="  DAN@Example.VN ", tax_code="4300999999")
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    assert "Địa chỉ e-mail này đã được đăng ký" in response.get_data(as_text=True)


def test_a_spaced_id_number_is_the_person_already_registered(app, csrf_client, world):
    with app.app_context():
        taken = db.session.query(User).filter_by(email="dan@example.vn").one().id_number
    response = _register(csrf_client, account_type="citizen",
                         id_number=f" {taken[:6]} {taken[6:]} ")
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    assert "Số định danh cá nhân này đã được đăng ký." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(User).filter_by(email="moi@example.vn").count() == 0


def test_staff_e_mail_is_compared_case_folded_and_stripped(app, signed_in, world):
    admin = signed_in(world.emails["admin"])
    response = admin.post("/quan-tri/nguoi-dung/moi", data={
        "full_name": "Cán Bộ Trùng", "email": " QUAY@example.VN ", "phone": "",
        "password": PASSWORD})
    assert response.status_code == 422
    assert "Địa chỉ e-mail này đã được dùng." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(User).filter(User.email.ilike("%quay%")).count() == 1


def test_draft_applicant_details_are_stored_stripped(app, signed_in, world):
    citizen = signed_in(world.emails["citizen"])
    response = citizen.post(f"/ho-so/{world.dossier_id}/nguoi-nop", data={
        "name": "  Nguyễn Văn An  ", "id_number": " 051190001122 ", "phone": " 0905123456 ",
        "email": " AN@Example.vn ", "address": " Thôn 1 ", "representative": ""})
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    with app.app_context():
        dossier = db.session.get(Dossier, world.dossier_id)
        assert (dossier.applicant_name, dossier.applicant_id_number, dossier.applicant_phone) \
            == ("Nguyễn Văn An", "051190001122", "0905123456")
