"""Administration page for catalog import and export: downloads, uploads, refusals, access."""

import io
import re
from datetime import datetime

import factories
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from portal.accounts.models import Role
from portal.catalog import operations as ops
from portal.catalog.models import Procedure, ProcedureVersion, VersionStatus
from portal.core.formatting import VN_TZ
from portal.extensions import db

PAGE, EXPORT, IMPORT = "/quan-tri/danh-muc", "/quan-tri/danh-muc/xuat", "/quan-tri/danh-muc/nhap"


def _setup(app, role=Role.ADMIN) -> None:
    with app.app_context():
        agency = factories.agency("STP", "Sở Tư pháp")
        factories.published_procedure(agency, code="2.000488")
        factories.published_procedure(agency, code="1.000010", name="Thủ tục thứ hai")
        factories.staff(role, agency if role.needs_agency else None, email="qt@example.vn")
        db.session.commit()


@pytest.fixture
def admin(app, csrf_client, login):
    _setup(app)
    login(csrf_client, "qt@example.vn")
    return csrf_client


def _versions(app) -> list[tuple[str, int, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(Procedure.code, ProcedureVersion.number, ProcedureVersion.status)
            .join(ProcedureVersion, ProcedureVersion.procedure_id == Procedure.id)
            .order_by(Procedure.code, ProcedureVersion.number))
        return [(code, number, str(status)) for code, number, status in rows]


def _upload(client, content: bytes, name: str, **options):
    data = {"file": (io.BytesIO(content), name), **options}
    return client.post(IMPORT, data=data, content_type="multipart/form-data")


def _large_upload(token: str) -> bytes:
    """A body over 10 MB, encoded by hand: the test client would spool it to a temporary file
    that it never closes (a ResourceWarning, hence an error here)."""
    head = (f'--B\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            '--B\r\nContent-Disposition: form-data; name="file"; filename="lon.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n")
    return head.encode() + b"x" * (10 * 1024 * 1024 + 1) + b"\r\n--B--\r\n"


def _renamed(csv_bytes: bytes) -> bytes:
    """The exported file with every procedure under a new code: an import creates them."""
    return csv_bytes.replace(b"2.000488", b"3.000488").replace(b"1.000010", b"3.000010")


def test_page_offers_both_downloads_and_the_import_form(admin):
    page = admin.get(PAGE).get_data(as_text=True)
    assert 'name="format" value="xlsx"' in page and 'name="format" value="csv"' in page
    assert 'enctype="multipart/form-data"' in page and 'name="csrf_token"' in page
    assert "Công bố ngay" in page and "Chỉ kiểm tra (không ghi)" in page
    assert 'accept=".xlsx,.csv"' in page and "<script>" not in page


def test_export_downloads_dated_xlsx_and_csv(admin):
    day = datetime.now(VN_TZ).date().isoformat()
    response = admin.get(EXPORT + "?format=xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert f"danh-muc-thu-tuc-{day}.xlsx" in response.headers["Content-Disposition"]
    assert response.headers["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.data), read_only=True)["danh_muc"]
    codes = [r[1] for r in sheet.iter_rows(values_only=True) if r[0] == "thu_tuc"]
    assert codes == ["1.000010", "2.000488"]
    response = admin.get(EXPORT + "?format=csv&drafts=1")
    assert response.is_streamed and response.mimetype == "text/csv"
    assert f"danh-muc-thu-tuc-{day}-gom-ban-nhap.csv" in response.headers["Content-Disposition"]
    assert response.get_data().startswith(b"\xef\xbb\xbfloai,ma_thu_tuc")
    assert admin.get(EXPORT + "?format=pdf").status_code == 400


def test_import_creates_and_publishes_then_reports_unchanged(admin, app):
    content = _renamed(admin.get(EXPORT + "?format=csv").get_data())
    response = _upload(admin, content, "danh-muc.csv", publish="y")
    assert response.status_code == 303 and response.headers["Location"].endswith(PAGE)
    page = admin.get(PAGE).get_data(as_text=True)
    assert "Đã nhập danh mục: 2 thủ tục mới" in page and "đã công bố 2" in page
    assert ("3.000488", 1, "published") in _versions(app)
    workbook = admin.get(EXPORT + "?format=xlsx").data
    assert _upload(admin, workbook, "lai.xlsx").status_code == 303
    assert "4 không đổi" in admin.get(PAGE).get_data(as_text=True)


def test_a_changed_fee_becomes_a_draft_version(admin, app):
    content = admin.get(EXPORT + "?format=csv").get_data().replace(b",80000,", b",90000,", 1)
    assert _upload(admin, content, "sua-phi.csv").status_code == 303
    assert "1 cập nhật" in admin.get(PAGE).get_data(as_text=True)
    assert _versions(app) == [("1.000010", 1, "published"), ("1.000010", 2, "draft"),
                              ("2.000488", 1, "published")]


def test_dry_run_reports_counts_and_writes_nothing(admin, app):
    before = _versions(app)
    content = _renamed(admin.get(EXPORT + "?format=csv").get_data())
    response = _upload(admin, content, "thu.csv", dry_run="y", publish="y")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "tệp hợp lệ, chưa ghi gì" in page
    assert re.search(r"Thủ tục mới</dt><dd[^>]*>2<", page)
    assert re.search(r"Sẽ công bố</dt><dd[^>]*>2<", page)
    assert _versions(app) == before


def test_errors_are_listed_by_line_and_nothing_is_written(admin, app):
    before = _versions(app)
    content = _renamed(admin.get(EXPORT + "?format=csv").get_data())
    content = content.replace(b"toan_trinh", b"muc4", 1).replace(b",LV1,", b",XX,")
    response = _upload(admin, content, "loi.csv", publish="y")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Tệp có 2 lỗi" in page
    assert "<caption>" in page and '<th scope="row">2</th>' in page
    assert "giá trị “muc4” không hợp lệ; dùng toan_trinh, mot_phan hoặc truc_tiep" in page
    assert "không có lĩnh vực mã “XX”" in page and _versions(app) == before


def test_wrong_file_types_are_refused_in_vietnamese(admin, app):
    before = _versions(app)
    for content, name, message in [
        (b"%PDF-1.4", "danh-muc.pdf", "Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."),
        (b"loai,ma", "danh-muc", "Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."),
        (b"not a zip", "danh-muc.xlsx", "Tệp không phải là tệp Excel .xlsx hợp lệ."),
        ("loai,tên".encode("utf-16"), "danh-muc.csv", "bảng mã UTF-8"),
    ]:
        response = _upload(admin, content, name)
        assert response.status_code == 422, name
        assert message in response.get_data(as_text=True), name
    response = admin.client.post(IMPORT, data=_large_upload(admin.token()),
                                 content_type="multipart/form-data; boundary=B")
    assert response.status_code == 422 and "Tệp vượt quá 10 MB." in response.get_data(as_text=True)
    response = admin.post(IMPORT, data={}, content_type="multipart/form-data")
    assert "Vui lòng chọn tệp danh mục." in response.get_data(as_text=True)
    assert _versions(app) == before


def test_a_database_failure_mid_import_leaves_the_catalog_unchanged(admin, app, monkeypatch):
    before = _versions(app)
    content = _renamed(admin.get(EXPORT + "?format=csv").get_data())
    real_publish, calls = ops.publish, []

    def publish_then_fail(version, user_id):
        calls.append(version)
        if len(calls) == 2:
            raise OperationalError("UPDATE procedure", {}, RuntimeError("connection lost"))
        real_publish(version, user_id)

    monkeypatch.setattr(ops, "publish", publish_then_fail)
    response = _upload(admin, content, "hong.csv", publish="y")
    assert response.status_code == 503 and len(calls) == 2
    assert "Dữ liệu của bạn chưa bị thay đổi" in response.get_data(as_text=True)
    assert _versions(app) == before
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(
            ProcedureVersion.status == VersionStatus.DRAFT)) == 0


@pytest.mark.parametrize("role", [Role.SPECIALIST, Role.SUPERVISOR])
def test_non_admins_get_403_everywhere(app, csrf_client, login, role):
    _setup(app, role)
    login(csrf_client, "qt@example.vn")
    assert csrf_client.get(PAGE).status_code == 403
    assert csrf_client.get(EXPORT + "?format=csv").status_code == 403
    assert _upload(csrf_client, b"loai", "a.csv").status_code == 403


def test_citizens_get_403_and_anonymous_visitors_are_refused(app, csrf_client, login):
    with app.app_context():
        factories.citizen(email="an@example.vn")
        db.session.commit()
    anonymous = factories.CsrfClient(app.test_client())
    for response in [anonymous.get(PAGE), anonymous.get(EXPORT + "?format=xlsx")]:
        assert response.status_code == 302 and "/tai-khoan/dang-nhap" in response.location
    # The upload guard refuses the file before reading it (tests/integration/test_upload_guard.py).
    assert _upload(anonymous, b"loai", "a.csv").status_code == 401
    login(csrf_client, "an@example.vn")
    assert csrf_client.get(PAGE).status_code == 403
    assert csrf_client.get(EXPORT).status_code == 403
    assert _upload(csrf_client, b"loai", "a.csv").status_code == 403
