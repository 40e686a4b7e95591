"""Test data builders. They flush; tests (or the request under test) commit."""

from __future__ import annotations

import itertools
import re
import time as clock
from datetime import time

import pyotp

from portal.accounts import operations as account_ops
from portal.accounts.models import Role, User
from portal.catalog import operations as catalog_ops
from portal.catalog.models import (
    Agency,
    AgencyKind,
    ApplicantType,
    DocumentForm,
    Field,
    OnlineLevel,
    StepRole,
    TimeUnit,
)
from portal.extensions import db

PASSWORD = "Mat-khau-thu-nghiem-1"
_seq = itertools.count(1)


def agency(code: str | None = None, name: str | None = None) -> Agency:
    n = next(_seq)
    code = code or f"AG{n}"
    item = Agency(code=code, unit_code=f"000.00.{n:02d}.H48", name=name or f"Sở Thử nghiệm {n}",
                  kind=AgencyKind.DEPARTMENT, position=n)
    item.fields = [Field(code="LV1", name="Lĩnh vực thử nghiệm")]
    db.session.add(item)
    db.session.flush()
    return item


def procedure_data(agency_: Agency, name: str = "Đăng ký thế chấp quyền sử dụng đất",
                   code: str | None = None, **changes) -> catalog_ops.ProcedureData:
    data = catalog_ops.ProcedureData(
        code=code or f"1.{next(_seq):06d}", agency_code=agency_.code,
        field_code=agency_.fields[0].code, name=name, online_level=OnlineLevel.FULL,
        applicant=ApplicantType.BOTH, time_amount=0, time_unit=TimeUnit.SAME_DAY,
        cutoff=time(15, 0), result="Giấy chứng nhận", legal_basis="Luật Đất đai 2024",
        documents=[catalog_ops.DocumentData("Phiếu yêu cầu đăng ký", DocumentForm.ORIGINAL, 1,
                                            True, "Mẫu số 01/ĐK")],
        fees=[catalog_ops.FeeData("Lệ phí đăng ký", 80000)],
        steps=[catalog_ops.StepData("Tiếp nhận", StepRole.COUNTER, 1),
               catalog_ops.StepData("Thẩm định", StepRole.SPECIALIST, 4)],
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def published_procedure(agency_: Agency, **kwargs):
    version = catalog_ops.create_procedure(procedure_data(agency_, **kwargs), None)
    catalog_ops.publish(version, None)
    return version


def citizen(email: str | None = None, **kwargs) -> User:
    n = next(_seq)
    return account_ops.register(account_ops.Registration(
        full_name=kwargs.get("full_name", f"Công Dân {n}"),
        email=email or f"citizen{n}@example.vn", phone="0912345678",
        id_number=kwargs.get("id_number", f"{n:012d}"), password=PASSWORD,
        organisation_name=kwargs.get("organisation_name", ""),
        tax_code=kwargs.get("tax_code", "")))


def staff(role: Role, agency_: Agency | None = None, email: str | None = None) -> User:
    n = next(_seq)
    user = account_ops.create_staff(f"Cán Bộ {n}", email or f"staff{n}@example.vn", PASSWORD)
    account_ops.grant_role(user, role, agency_.id if agency_ else None)
    return user


def submitted_dossier(version=None, user=None, now=None, *, return_method=None):
    """A dossier submitted online (its file rows point at no stored object: enough for the
    workflow, which never reads the bytes). ``now`` defaults to Wed 12/03/2025 09:00."""
    from datetime import datetime

    from portal.calendar import VN_TZ
    from portal.calendar.overrides import current_calendar
    from portal.dossiers import operations as dossier_ops
    from portal.dossiers.models import DossierFile, ReturnMethod

    version = version or published_procedure(agency())
    user = user or citizen()
    now = now or datetime(2025, 3, 12, 9, 0, tzinfo=VN_TZ)
    dossier = dossier_ops.start_dossier(version, user)
    for document in version.documents:
        n = next(_seq)
        dossier.files.append(DossierFile(
            requirement_id=document.id, storage_key=f"dossiers/{dossier.id}/f{n}",
            original_name=f"giay-to-{n}.pdf", content_type="application/pdf", size=1000,
            sha256="0" * 64, uploaded_by_id=user.id))
    dossier_ops.set_return_method(dossier, return_method or ReturnMethod.COUNTER,
                                  dossier_ops.PostalAddress("Nguyễn Văn An", "0912345678",
                                                            "Quảng Ngãi", "Sơn Tịnh",
                                                            "Tịnh Phong", "Thôn 1"))
    dossier_ops.submit(dossier, user, current_calendar(), now)
    return dossier


def result_file(dossier, user):
    """An e-result row on ``dossier`` (no stored object)."""
    from portal.dossiers.models import DossierFile, FileKind

    n = next(_seq)
    item = DossierFile(requirement_id=None, storage_key=f"dossiers/{dossier.id}/r{n}",
                       original_name="ket-qua.pdf", content_type="application/pdf", size=500,
                       sha256="1" * 64, kind=FileKind.RESULT, uploaded_by_id=user.id)
    dossier.files.append(item)
    db.session.flush()
    return item


def unused_totp_code(secret: str, last_step: int | None) -> tuple[str, int]:
    """A code of the authenticator holding ``secret`` for a time-step the server has not
    accepted yet, and that step. The server takes each step once and only after the last one
    it accepted (RFC 6238 §5.2) within now ± 1 step: this step, else the next one. Logging
    one user in a third time within the same 30 seconds has to wait for the clock."""
    totp = pyotp.TOTP(secret)
    now = int(clock.time()) // totp.interval
    for step in (now, now + 1):
        if last_step is None or step > last_step:
            return totp.at(step * totp.interval), step
    raise AssertionError(f"TOTP steps {now} and {now + 1} are both used already: log one user "
                         "in at most twice in 30 seconds")


def totp_code(user: User) -> str:
    """A code the server will accept from ``user`` now (see unused_totp_code)."""
    return unused_totp_code(user.totp_secret, user.totp_last_step)[0]


class CsrfClient:
    """Wraps a Flask test client: fetches a CSRF token once and adds it to every POST."""

    def __init__(self, client):
        self.client = client
        self._token: str | None = None

    def token(self) -> str:
        if self._token is None:
            page = self.client.get("/tai-khoan/dang-nhap").get_data(as_text=True)
            self._token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                                    page).group(1)
        return self._token

    def get(self, *args, **kwargs):
        return self.client.get(*args, **kwargs)

    def post(self, url, data=None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token())
        return self.client.post(url, data=data, **kwargs)


def obligation_terms(now, amount: int = 1_200_000):
    """The terms of a financial obligation due 30 days after ``now`` (issue 18)."""
    from datetime import timedelta

    from portal.workflow.obligations import Terms, local_today

    return Terms(amount, "Chi cục Thuế khu vực Thành phố", "Kho bạc Nhà nước, tài khoản 7111",
                 local_today(now) + timedelta(days=30))
