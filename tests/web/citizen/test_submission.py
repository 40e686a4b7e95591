"""The online submission journey through the web routes: steps, drafts, submit, print."""

import re
import shutil
import subprocess

import pytest
from submission_helpers import (
    APPLICANT,
    PDF,
    PNG,
    POSTAL,
    complete_draft,
    file_keys,
    in_storage,
    start_draft,
    upload,
)

from portal.dossiers.models import Dossier, DossierFile, DossierState
from portal.extensions import db


def _dossier(app, dossier_id):
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        return None if dossier is None else {
            "state": dossier.state, "code": dossier.code, "files": len(dossier.files),
            "return_method": dossier.return_method, "province": dossier.postal_province}


def test_procedure_page_offers_online_submission(client, setup):
    page = client.get(f"/thu-tuc/{setup.code}").get_data(as_text=True)
    assert "Nộp hồ sơ trực tuyến" in page and f"/ho-so/moi/{setup.code}" in page


def test_whole_journey_with_postal_return(citizen, app, setup):
    page = citizen.get(f"/ho-so/moi/{setup.code}")
    assert page.status_code == 200 and "Cấp Phiếu lý lịch tư pháp" in page.get_data(as_text=True)
    dossier_id = start_draft(citizen, setup)
    step1 = citizen.get(f"/ho-so/{dossier_id}/nguoi-nop").get_data(as_text=True)
    assert "Bước 1" in step1 and 'value="binh@example.vn"' in step1  # prefilled from profile
    bad = citizen.post(f"/ho-so/{dossier_id}/nguoi-nop", data=dict(APPLICANT, phone="abc"))
    assert bad.status_code == 422 and "Số điện thoại không hợp lệ" in bad.get_data(as_text=True)
    saved = citizen.post(f"/ho-so/{dossier_id}/nguoi-nop", data=APPLICANT, follow_redirects=True)
    page = saved.get_data(as_text=True)
    assert "Đã lưu bản nháp" in page and "Tải lên giấy tờ" in page
    first, second = setup.requirements
    area = upload(citizen, dossier_id, first, (PDF, "tờ khai.pdf"))
    assert area.status_code == 200
    html = area.get_data(as_text=True)
    assert html.lstrip().startswith(f'<section id="req-{first}"') and "tờ khai.pdf" in html
    plain = upload(citizen, dossier_id, second, (PNG, "cccd.png"), htmx=False)
    assert plain.status_code == 303 and plain.headers["Location"].endswith(f"#req-{second}")
    assert citizen.post(f"/ho-so/{dossier_id}/giay-to").status_code == 303
    missing = citizen.post(f"/ho-so/{dossier_id}/nhan-ket-qua", data={"return_method": "postal"})
    assert missing.status_code == 422
    assert "Vui lòng chọn phường, xã trong danh sách" in missing.get_data(as_text=True)
    done = citizen.post(f"/ho-so/{dossier_id}/nhan-ket-qua", data=POSTAL)
    assert done.status_code == 303 and done.headers["Location"].endswith("/kiem-tra")
    review = citizen.get(f"/ho-so/{dossier_id}/kiem-tra").get_data(as_text=True)
    for text in ["Nguyễn Văn Bình", "tờ khai.pdf", "cccd.png", "Phường Cẩm Thành",
                 "Nhận qua dịch vụ bưu chính", "Thay đổi"]:
        assert text in review, text
    submitted = citizen.post(f"/ho-so/{dossier_id}/nop")
    assert submitted.status_code == 303
    assert submitted.headers["Location"].endswith(f"/ho-so/{dossier_id}")
    state = _dossier(app, dossier_id)
    assert state["state"] is DossierState.SUBMITTED and state["code"].startswith("000.00.")
    detail = citizen.get(f"/ho-so/{dossier_id}").get_data(as_text=True)
    assert state["code"] in detail and 'src="data:image/svg+xml' in detail
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        from portal.core.formatting import local_datetime

        assert local_datetime(dossier.due_at) in detail and dossier.due_explanation
        assert dossier.due_explanation in detail
    printed = citizen.get(f"/ho-so/{dossier_id}/in")
    assert printed.status_code == 200 and state["code"] in printed.get_data(as_text=True)
    assert "/static/css/print.css" in printed.get_data(as_text=True)
    pdf = citizen.get(f"/ho-so/{dossier_id}/in.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Type"] == "application/pdf"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf.data, capture_output=True,
                              check=True).stdout.decode()
        assert state["code"] in text and "Tóm tắt hồ sơ nộp trực tuyến" in text
        assert "Nguyễn Văn Bình" in text


def test_phones_typed_in_groups_or_with_84_are_stored_once(citizen, app, setup):
    """Issue 12: "0905 111 222", "0905.111.222" and "+84 905 111 222" are one number, on the
    applicant's step and on the postal return's."""
    dossier_id = start_draft(citizen, setup)
    saved = citizen.post(f"/ho-so/{dossier_id}/nguoi-nop",
                         data=dict(APPLICANT, phone="0905.111.222"))
    assert saved.status_code == 303
    postal = citizen.post(f"/ho-so/{dossier_id}/nhan-ket-qua",
                          data=dict(POSTAL, phone="+84 905 111 222"))
    assert postal.status_code == 303
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        assert dossier.applicant_phone == "0905111222" and dossier.postal_phone == "0905111222"
    bad = citizen.post(f"/ho-so/{dossier_id}/nhan-ket-qua", data=dict(POSTAL, phone="0905 11"))
    assert bad.status_code == 422
    assert "Nhập 10 chữ số bắt đầu bằng 0" in bad.get_data(as_text=True)


def test_submitted_dossier_has_no_steps_and_is_listed(citizen, app, setup):
    dossier_id = complete_draft(citizen, setup)
    assert citizen.post(f"/ho-so/{dossier_id}/nop").status_code == 303
    assert citizen.get(f"/ho-so/{dossier_id}/nguoi-nop").status_code == 404
    assert upload(citizen, dossier_id, setup.requirements[0], (PDF, "a.pdf")).status_code == 404
    listing = citizen.get("/ho-so").get_data(as_text=True)
    assert _dossier(app, dossier_id)["code"] in listing and "Bạn không có bản nháp nào" in listing


def test_drafts_are_listed_and_resumable(citizen, app, setup, login):
    dossier_id = start_draft(citizen, setup)
    citizen.post(f"/ho-so/{dossier_id}/nguoi-nop", data=dict(APPLICANT, action="draft"))
    upload(citizen, dossier_id, setup.requirements[0], (PDF, "giu-lai.pdf"))
    listing = citizen.get("/ho-so").get_data(as_text=True)
    # "Làm tiếp" resumes at the first step with something missing (issue 12): the papers.
    assert "Cấp Phiếu lý lịch tư pháp" in listing and f"/ho-so/{dossier_id}/giay-to" in listing
    assert "1 tệp" in listing
    # Days later, on another device: a new session finds the draft with its file and answers.
    from factories import CsrfClient

    again = CsrfClient(app.test_client())
    login(again, setup.email)
    assert f"/ho-so/{dossier_id}/giay-to" in again.get("/ho-so").get_data(as_text=True)
    step1 = again.get(f"/ho-so/{dossier_id}/nguoi-nop").get_data(as_text=True)
    assert "12 Quang Trung, TP Quảng Ngãi" in step1
    step2 = again.get(f"/ho-so/{dossier_id}/giay-to").get_data(as_text=True)
    assert "giu-lai.pdf" in step2 and "Chưa có tệp nào" in step2  # the second area is empty


def test_save_draft_button_goes_to_my_dossiers(citizen, setup):
    dossier_id = start_draft(citizen, setup)
    response = citizen.post(f"/ho-so/{dossier_id}/nguoi-nop", data=dict(APPLICANT, action="draft"))
    assert response.status_code == 303 and response.headers["Location"].endswith("/ho-so")


def test_change_link_returns_to_review(citizen, setup):
    dossier_id = complete_draft(citizen, setup)
    response = citizen.post(f"/ho-so/{dossier_id}/nguoi-nop?tu=kiem-tra", data=APPLICANT)
    assert response.headers["Location"].endswith(f"/ho-so/{dossier_id}/kiem-tra")


def test_delete_draft_removes_rows_and_objects(citizen, app, setup):
    dossier_id = start_draft(citizen, setup)
    upload(citizen, dossier_id, setup.requirements[0], (PDF, "a.pdf"), (PNG, "b.png"))
    keys = file_keys(app, dossier_id)
    assert len(keys) == 2 and in_storage(app, keys) == keys
    response = citizen.post(f"/ho-so/{dossier_id}/xoa")
    assert response.status_code == 303 and response.headers["Location"].endswith("/ho-so")
    assert _dossier(app, dossier_id) is None and in_storage(app, keys) == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(DossierFile)) == 0


def test_submitted_dossier_cannot_be_deleted(citizen, app, setup):
    dossier_id = complete_draft(citizen, setup)
    citizen.post(f"/ho-so/{dossier_id}/nop")
    response = citizen.post(f"/ho-so/{dossier_id}/xoa", follow_redirects=True)
    assert "Chỉ xóa được hồ sơ còn là bản nháp" in response.get_data(as_text=True)
    keys = file_keys(app, dossier_id)
    assert len(keys) == 2 and in_storage(app, keys) == keys


def test_double_submit_creates_one_dossier(citizen, app, setup):
    dossier_id = complete_draft(citizen, setup)
    first = citizen.post(f"/ho-so/{dossier_id}/nop")
    code = _dossier(app, dossier_id)["code"]
    second = citizen.post(f"/ho-so/{dossier_id}/nop")
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert _dossier(app, dossier_id)["code"] == code
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Dossier)) == 1


def test_submit_incomplete_draft_points_to_the_missing_document(citizen, app, setup):
    dossier_id = start_draft(citizen, setup)
    response = citizen.post(f"/ho-so/{dossier_id}/nop", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.request.path == f"/ho-so/{dossier_id}/kiem-tra"  # after a 303
    assert response.status_code == 200 and "Chưa nộp được hồ sơ" in page
    assert f"/giay-to#req-{setup.requirements[0]}" in page
    assert _dossier(app, dossier_id)["state"] is DossierState.DRAFT


def test_withdraw_request(citizen, app, setup):
    dossier_id = complete_draft(citizen, setup)
    citizen.post(f"/ho-so/{dossier_id}/nop")
    empty = citizen.post(f"/ho-so/{dossier_id}/rut", data={"reason": ""})
    assert empty.status_code == 422 and "Vui lòng nhập lý do rút hồ sơ" in empty.get_data(
        as_text=True)
    done = citizen.post(f"/ho-so/{dossier_id}/rut", data={"reason": "Tôi nộp nhầm thủ tục"},
                        follow_redirects=True)
    assert "Đã gửi yêu cầu rút hồ sơ" in done.get_data(as_text=True)
    # Issue 12: the day, then the time.
    assert re.search(r"Đã gửi đề nghị rút hồ sơ ngày \d\d/\d\d/\d{4}, lúc \d\d:\d\d; "
                     r"cán bộ sẽ xác nhận\.",
                     done.get_data(as_text=True))
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        assert dossier.withdrawal_requested_at and dossier.withdrawal_reason.startswith("Tôi")


@pytest.mark.parametrize("code", ["ma-khong-co"])
def test_public_lookup_shows_state_but_nothing_personal(client, citizen, app, setup, code):
    dossier_id = complete_draft(citizen, setup)
    citizen.post(f"/ho-so/{dossier_id}/nop")
    real = _dossier(app, dossier_id)["code"]
    alone = client.get(f"/tra-cuu?ma={real}").get_data(as_text=True)
    assert "Đã nộp, chờ tiếp nhận" not in alone  # the code alone shows nothing (issue 10)
    # The last 4 digits of the phone given on the dossier (0905111222).
    page = client.get(f"/tra-cuu?ma={real}&so=1222").get_data(as_text=True)
    assert real in page and "Đã nộp, chờ tiếp nhận" in page and "Ngày hẹn trả kết quả" in page
    for personal in ["Nguyễn Văn Bình", "0905111222", "binh@example.vn", "Quang Trung",
                     "051095001234"]:
        assert personal not in page, personal
    missing = client.get(f"/tra-cuu?ma={code}&so=1222")
    assert missing.status_code == 404 and "Không tìm thấy hồ sơ" in missing.get_data(as_text=True)
    assert client.get("/tra-cuu").status_code == 200
