"""The official documents (forms 01–05 and the stop notice) and the tracking book (form 06):
HTML and PDF from one template, the key fields, and who may read them."""

from __future__ import annotations

import io
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime

import factories
import pytest
from openpyxl import load_workbook

from portal.accounts.models import Role
from portal.calendar import VN_TZ
from portal.calendar.overrides import current_calendar
from portal.catalog import operations as catalog_ops
from portal.catalog.models import StepRole, TimeUnit
from portal.dossiers.models import Dossier, ReturnMethod
from portal.extensions import db
from portal.workflow import actions as wf
from portal.workflow import documents as content
from portal.workflow.models import Notice, NoticeKind


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=VN_TZ)


@dataclass
class Office:
    agency_id: int
    other_agency_id: int
    counter: str
    specialist: str
    leader: str
    supervisor: str
    other_officer: str
    citizen: str
    returned: int  # received, processed, approved, handed over
    supplement: int  # a supplement request (02)
    refused: int  # refused at reception (03)
    overdue: int  # an apology (04)
    stopped: int  # stopped (stop notice)
    applicant_name: str


def ctx(user, now):
    return wf.Context(user, now, current_calendar())


@pytest.fixture
def office(app) -> Office:
    with app.app_context():
        agency = factories.agency(name="Sở Tư pháp")
        other = factories.agency()
        version = factories.published_procedure(
            agency, name="Cấp Phiếu lý lịch tư pháp", time_amount=5,
            time_unit=TimeUnit.DAYS, cutoff=None,
            steps=[catalog_ops.StepData("Tiếp nhận", StepRole.COUNTER, 4),
                   catalog_ops.StepData("Thẩm định hồ sơ", StepRole.SPECIALIST, 24),
                   catalog_ops.StepData("Phê duyệt", StepRole.LEADER, 8)])
        applicant = factories.citizen(full_name="Nguyễn Thị Bình")
        counter = factories.staff(Role.COUNTER_OFFICER, agency)
        specialist = factories.staff(Role.SPECIALIST, agency)
        leader = factories.staff(Role.LEADER, agency)
        supervisor = factories.staff(Role.SUPERVISOR)
        other_officer = factories.staff(Role.COUNTER_OFFICER, other)

        def submitted(day: int) -> Dossier:
            return factories.submitted_dossier(version, applicant, at(day, 8),
                                               return_method=ReturnMethod.COUNTER)

        returned = submitted(3)
        wf.receive(returned, ctx(counter, at(3, 9)))
        wf.take(returned, ctx(specialist, at(3, 10)))
        wf.complete_step(returned, ctx(specialist, at(4, 9)), "Đủ điều kiện", leader)
        factories.result_file(returned, leader)
        wf.approve(returned, ctx(leader, at(5, 9)))
        wf.hand_over(returned, ctx(counter, at(6, 8)), ReturnMethod.COUNTER,
                     "Nguyễn Thị Bình, CCCD 051090000001")

        supplement = submitted(10)
        wf.receive(supplement, ctx(counter, at(10, 9)))
        wf.request_supplement(supplement, ctx(specialist, at(11, 9)),
                              "Bản sao CCCD có chứng thực\nSơ yếu lý lịch", "Bản sao không rõ")

        refused = submitted(12)
        wf.refuse_reception(refused, ctx(counter, at(12, 9)), "Không thuộc thẩm quyền")

        overdue = submitted(14)
        wf.receive(overdue, ctx(counter, at(14, 9)))
        wf.apologise(overdue, ctx(leader, at(25, 9)), "Chờ xác minh của cơ quan công an",
                     at(28, 9))

        stopped = submitted(17)
        wf.receive(stopped, ctx(counter, at(17, 9)))
        wf.stop(stopped, ctx(leader, at(18, 9)), "Người nộp đề nghị dừng")
        db.session.commit()
        return Office(agency.id, other.id, counter.email, specialist.email, leader.email,
                      supervisor.email, other_officer.email, applicant.email, returned.id,
                      supplement.id, refused.id, overdue.id, stopped.id, applicant.full_name)


@pytest.fixture
def as_user(csrf_client, login):
    def _as(email: str):
        login(csrf_client, email)
        return csrf_client

    return _as


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def code_of(app, dossier_id: int) -> str:
    with app.app_context():
        return db.session.get(Dossier, dossier_id).code


# --- the forms ----------------------------------------------------------------------------

def test_receipt_01_has_the_slip_fields(app, office, as_user):
    client = as_user(office.counter)
    html = page(client, f"/can-bo/ho-so/{office.returned}/phieu/01")
    code = code_of(app, office.returned)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html and "Độc lập - Tự do - Hạnh phúc" in html
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ".lower() in html.lower()
    assert code in html and "data:image/svg+xml" in html  # the lookup QR code
    assert office.applicant_name in html and "Sở Tư pháp" in html
    assert "Cấp Phiếu lý lịch tư pháp" in html and "Phiếu yêu cầu đăng ký" in html
    assert "Bản chính" in html and "80.000 đồng" in html
    # Received Mon 03/03 09:00; 5 working days → Mon 10/03 09:00.
    assert "09 giờ 00 phút, ngày 03/03/2025" in html
    assert "09 giờ 00 phút, ngày 10/03/2025" in html
    assert "ngày 03 tháng 03 năm 2025" in html
    assert "Người tiếp nhận hồ sơ".lower() in html.lower()
    assert "/static/css/documents.css" in html and 'lang="vi"' in html


def test_receipt_01_pdf(office, as_user):
    client = as_user(office.counter)
    response = client.get(f"/can-bo/ho-so/{office.returned}/phieu/01.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Content-Type"] == "application/pdf"


def _pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page (poppler's pdftotext), blank pages left out."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        text = subprocess.run(["pdftotext", "-layout", file.name, "-"], capture_output=True,
                              text=True, check=True).stdout
    return [page for page in text.split("\f") if page.strip()]


@pytest.mark.parametrize("papers", [3, 7, 11])
def test_receipt_01_never_prints_the_signatures_alone(office, as_user, monkeypatch, papers):
    """With 3 to 13 papers the table pushed only the signatures onto page 2 (issue 18): the
    closing items and the signatures now go over together."""
    rows = [{"name": f"Giấy tờ số {n} kèm theo hồ sơ đề nghị", "form": "Bản chính",
             "quantity": 1, "files": 1, "handed_in": True} for n in range(1, papers + 1)]
    monkeypatch.setattr(content, "documents_table", lambda dossier: rows)
    client = as_user(office.counter)
    pages = _pdf_pages(client.get(f"/can-bo/ho-so/{office.returned}/phieu/01.pdf").data)
    assert len(pages) == 2
    assert f"Giấy tờ số {papers} kèm theo" in "".join(pages)
    signed = pages[-1]
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in signed and "NGƯỜI NỘP HỒ SƠ" in signed
    assert "6. Đăng ký nhận kết quả" in signed and "7. Phí, lệ phí" in signed
    assert "Vào Sổ theo dõi hồ sơ" in signed


def test_supplement_request_02(app, office, as_user):
    client = as_user(office.specialist)
    html = page(client, f"/can-bo/ho-so/{office.supplement}/phieu/02")
    assert "Số: 1/HDHS" in html
    assert "<li>Bản sao CCCD có chứng thực</li>" in html and "<li>Sơ yếu lý lịch</li>" in html
    assert "Bản sao không rõ" in html and "ngày 11 tháng 03 năm 2025" in html
    assert code_of(app, office.supplement) in html and office.applicant_name in html
    assert "/tra-cuu?ma=" in html  # where to look the dossier up
    assert client.get(f"/can-bo/ho-so/{office.supplement}/phieu/02.pdf").data[:4] == b"%PDF"


def test_refusal_03(office, as_user):
    client = as_user(office.counter)
    html = page(client, f"/can-bo/ho-so/{office.refused}/phieu/03")
    assert "Số: 1/TCHS" in html and "Không thuộc thẩm quyền" in html
    assert office.applicant_name in html and "không tiếp nhận" in html
    assert client.get(f"/can-bo/ho-so/{office.refused}/phieu/03.pdf").data[:4] == b"%PDF"


def test_apology_04_keeps_the_original_date(office, as_user):
    client = as_user(office.leader)
    html = page(client, f"/can-bo/ho-so/{office.overdue}/phieu/04")
    assert "Số: 1/XLHS" in html and "Kính gửi" in html
    # Received Fri 14/03 09:00 → due Fri 21/03 09:00; new appointment Fri 28/03 09:00.
    assert "09 giờ 00 phút, ngày 21/03/2025" in html
    assert "09 giờ 00 phút, ngày 28/03/2025" in html
    assert "Chờ xác minh của cơ quan công an" in html and "xin lỗi" in html
    assert "Thủ trưởng cơ quan".lower() in html.lower() and "Nơi nhận" in html
    assert client.get(f"/can-bo/ho-so/{office.overdue}/phieu/04.pdf").data[:4] == b"%PDF"


def test_stop_notice(office, as_user):
    client = as_user(office.leader)
    html = page(client, f"/can-bo/ho-so/{office.stopped}/phieu/dung")
    assert "Số: 1/DXL" in html and "dừng xử lý" in html and "Người nộp đề nghị dừng" in html
    assert client.get(f"/can-bo/ho-so/{office.stopped}/phieu/dung.pdf").data[:4] == b"%PDF"


def test_control_slip_05_has_a_row_per_handover(office, as_user):
    client = as_user(office.leader)
    html = page(client, f"/can-bo/ho-so/{office.returned}/phieu/05")
    assert "Phiếu kiểm soát quá trình giải quyết hồ sơ".lower() in html.lower()
    for step in ("Tiếp nhận", "Thẩm định hồ sơ", "Phê duyệt", "Trả kết quả cho tổ chức"):
        assert step in html
    assert html.count("1. Giao:") == 4 and html.count("2. Nhận:") == 4
    assert "Nguyễn Thị Bình, CCCD 051090000001" in html  # who collected the result
    assert "Đúng hạn" in html or "Trước hạn" in html
    assert client.get(f"/can-bo/ho-so/{office.returned}/phieu/05.pdf").data[:4] == b"%PDF"


def test_a_notice_can_be_chosen_and_must_belong_to_the_dossier(app, office, as_user):
    client = as_user(office.leader)
    with app.app_context():
        own = db.session.query(Notice).filter_by(dossier_id=office.supplement).one()
        foreign = db.session.query(Notice).filter_by(kind=NoticeKind.STOP).one()
    assert client.get(f"/can-bo/ho-so/{office.supplement}/phieu/02?notice={own.id}"
                      ).status_code == 200
    assert client.get(f"/can-bo/ho-so/{office.supplement}/phieu/02?notice={foreign.id}"
                      ).status_code == 404
    assert client.get(f"/can-bo/ho-so/{office.supplement}/phieu/02?notice_id={foreign.id}"
                      ).status_code == 404
    # ?format=pdf leads to the canonical PDF address.
    redirected = client.get(f"/can-bo/ho-so/{office.supplement}/phieu/02?notice_id={own.id}"
                            f"&format=pdf")
    assert redirected.status_code == 302
    assert redirected.location.endswith(f"/phieu/02.pdf?notice={own.id}")
    # A form the dossier has no notice for, or an unknown form, does not exist.
    assert client.get(f"/can-bo/ho-so/{office.returned}/phieu/04").status_code == 404
    assert client.get(f"/can-bo/ho-so/{office.returned}/phieu/07").status_code == 404
    # Refused at reception: never received, so no receipt and no control slip.
    assert client.get(f"/can-bo/ho-so/{office.refused}/phieu/01").status_code == 404


# --- who may read -------------------------------------------------------------------------

def test_another_agency_gets_404_and_the_supervisor_reads(office, as_user, csrf_client):
    client = as_user(office.other_officer)
    for url in (f"/can-bo/ho-so/{office.returned}/phieu/01",
                f"/can-bo/ho-so/{office.returned}/phieu/05.pdf",
                f"/can-bo/so-theo-doi?agency={office.agency_id}",
                f"/can-bo/so-theo-doi.xlsx?agency={office.agency_id}"):
        assert client.get(url).status_code == 404, url
    supervisor = as_user(office.supervisor)
    assert supervisor.get(f"/can-bo/ho-so/{office.returned}/phieu/05").status_code == 200
    assert supervisor.get(f"/can-bo/so-theo-doi?agency={office.agency_id}").status_code == 200


def test_citizen_gets_403_and_anonymous_the_login_page(office, as_user, client):
    url = f"/can-bo/ho-so/{office.returned}/phieu/01"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/tai-khoan/dang-nhap" in anonymous.location
    assert client.get("/can-bo/so-theo-doi").status_code == 302
    citizen = as_user(office.citizen)
    assert citizen.get(url).status_code == 403
    assert citizen.get(url + ".pdf").status_code == 403
    assert citizen.get("/can-bo/so-theo-doi.xlsx").status_code == 403


# --- the tracking book --------------------------------------------------------------------

def book(client, office, **args):
    query = "&".join(f"{k}={v}" for k, v in {"agency": office.agency_id, **args}.items())
    return client.get(f"/can-bo/so-theo-doi?{query}")


def test_tracking_book_filters_by_local_received_date(app, office, as_user):
    client = as_user(office.counter)
    codes = {k: code_of(app, getattr(office, k))
             for k in ("returned", "supplement", "refused", "overdue", "stopped")}
    html = book(client, office, tu="2025-03-10", den="14/03/2025").get_data(as_text=True)
    assert codes["supplement"] in html and codes["overdue"] in html
    assert codes["returned"] not in html and codes["stopped"] not in html
    assert codes["refused"] not in html  # refused at reception: never received
    assert "Từ ngày 10/03/2025 đến ngày 14/03/2025" in html and "2 hồ sơ" in html
    whole = book(client, office, tu="2025-03-01", den="2025-03-31").get_data(as_text=True)
    assert all(codes[k] in whole for k in ("returned", "supplement", "overdue", "stopped"))
    # The returned dossier's line: officer, result date, who collected it.
    assert "06/03/2025" in whole and "Nguyễn Thị Bình, CCCD 051090000001" in whole


def test_tracking_book_rejects_a_bad_period(office, as_user):
    client = as_user(office.counter)
    response = book(client, office, tu="2025-03-20", den="2025-03-01")
    assert response.status_code == 422 and 'role="alert"' in response.get_data(as_text=True)
    assert book(client, office, tu="31/02/2025", den="").status_code == 422
    assert client.get(f"/can-bo/so-theo-doi.xlsx?agency={office.agency_id}&tu=x"
                      ).status_code == 400


def test_tracking_book_pages(app, office, as_user, monkeypatch):
    from portal.blueprints.staff import documents

    monkeypatch.setattr(documents, "BOOK_PAGE_SIZE", 3)
    client = as_user(office.counter)
    first = book(client, office, tu="2025-03-01", den="2025-03-31").get_data(as_text=True)
    second = book(client, office, tu="2025-03-01", den="2025-03-31", page=2
                  ).get_data(as_text=True)
    assert code_of(app, office.returned) in first and code_of(app, office.stopped) in second
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert '<td class="n">4</td>' in second  # numbering runs on across pages


def test_tracking_book_xlsx_and_pdf(app, office, as_user):
    client = as_user(office.counter)
    response = client.get(f"/can-bo/so-theo-doi.xlsx?agency={office.agency_id}"
                          f"&tu=2025-03-01&den=2025-03-14")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Sở Tư pháp" and rows[3][1] == "Mã hồ sơ"
    lines = rows[4:]
    assert [line[1] for line in lines] == [code_of(app, office.returned),
                                           code_of(app, office.supplement),
                                           code_of(app, office.overdue)]
    assert [line[0] for line in lines] == [1, 2, 3]
    assert lines[0][7] == datetime(2025, 3, 3, 9, 0)  # local time, as Excel shows it
    assert lines[0][14] == "Nguyễn Thị Bình, CCCD 051090000001"
    pdf = client.get(f"/can-bo/so-theo-doi.pdf?agency={office.agency_id}&tu=2025-03-01"
                     f"&den=2025-03-31")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_stylesheet_is_one_static_file(office, client):
    """Staff pages and the applicant's copies load the same static file; the old staff-only
    address is gone."""
    response = client.get("/static/css/documents.css")
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert "@page" in response.get_data(as_text=True)
    response.close()
    assert client.get("/can-bo/phieu.css").status_code in (302, 404)
